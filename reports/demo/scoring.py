"""The demo's classes under the 2025 rules (courses/rules.py): from 1/12/2025 a class teaches a program of the 2025
catalogue and is scored: its periods, homeroom lecturer and giáo vụ, its ban cán sự, each learner's attendance (a
few under the threshold), a score with one decimal (a few fail and retake), the result the rules give; a finished
class gets its completion decision a few days after it ends and its certificates within the rules' days of it (a
few late, the newest still waiting), numbered per center and year in the master register.

Every draw here comes from its own random generator, so that the rest of the demo (and its published figures)
draws exactly what it drew before.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from courses.catalogue import MAPPING_2025, REVISION_2025
from courses.models import (
    Certificate,
    CertificateRegister,
    CompletionDecision,
    Course,
    Enrolment,
)
from courses.rules import TeachingRules
from courses.services import CODE_ALPHABET, CODE_LENGTH

from .fastwrite import table_writer

# The program of 2025 a class of the 2022 catalogue continues as; those with no counterpart go to the nearest group.
PROGRAM_2025 = dict(MAPPING_2025) | {"TCLL": "N4", "NQ": "N5"}
PROGRAM_DAYS_2025 = {"N1": 5, "N2": 7, "N3-CTD": 5, "N3-TGDV": 4, "N3-MTDT": 4, "N4": 3, "N5": 2}
PROGRAM_TITLE_2025 = {
    "N1": "Lớp bồi dưỡng nhận thức về Đảng",
    "N2": "Lớp bồi dưỡng đảng viên mới",
    "N3-CTD": "Lớp bồi dưỡng nghiệp vụ công tác đảng cho bí thư chi bộ, cấp ủy viên",
    "N3-TGDV": "Lớp bồi dưỡng nghiệp vụ tuyên giáo và dân vận",
    "N3-MTDT": "Lớp bồi dưỡng lý luận chính trị, nghiệp vụ cho cán bộ Mặt trận và đoàn thể",
    "N4": "Lớp bồi dưỡng chuyên đề",
    "N5": "Lớp tập huấn kỹ năng, cập nhật kiến thức, thông tin thời sự",
}
PERIODS_PER_DAY = 8
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Thu", "Minh", "Thanh", "Ngọc", "Quang"]
GIVEN = ["Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Oanh", "Phúc", "Quý", "Sơn", "Thắm", "Trang", "Tuấn", "Yến"]


def program_on(code: str, day: datetime.date) -> str:
    """The program a class the demo would have given `code` teaches when it starts on `day`."""
    return PROGRAM_2025.get(code, code) if day >= REVISION_2025 else code


def new_certificate_code(rng: random.Random, taken: set[str]) -> str:
    """A certificate's short code as the certificates' service makes them (courses.services: its alphabet and
    length, so the verification page finds the demo's), drawn from the demo's generator (the same every load),
    unique among `taken` (which it joins)."""
    while True:
        bits = rng.getrandbits(5 * CODE_LENGTH)  # 5 bits a character: the alphabet has 32
        code = "".join(CODE_ALPHABET[(bits >> shift) & 31] for shift in range(0, 5 * CODE_LENGTH, 5))
        if code not in taken:
            taken.add(code)
            return code


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _score(rng: random.Random, mean: float) -> Decimal:
    return Decimal(str(round(min(10.0, max(2.0, rng.gauss(mean, 1.0))), 1)))


class Scorer:
    def __init__(self, *, today: datetime.date, now: datetime.datetime):
        self.rng = random.Random(20251201)
        self.today, self.now = today, now
        self.codes: set[str] = set(Certificate.objects.values_list("code", flat=True))
        self.decision_numbers: dict[tuple[int, int], int] = defaultdict(int)

    # -- a class ---------------------------------------------------------------------------------------------------
    def course_fields(self, course: Course, program_code: str) -> None:
        """Periods and giáo vụ of a scored class (its homeroom is one of its lecturers, `homeroom`)."""
        days = PROGRAM_DAYS_2025.get(program_code, 3)
        course.periods = days * PERIODS_PER_DAY + self.rng.choice([0, 0, 2, 4])
        course.academic_officer = _name(self.rng)

    def homeroom(self, lecturer_ids: list[int]) -> int | None:
        return lecturer_ids[0] if lecturer_ids else None

    def roster(self, course: Course, rules: TeachingRules, size: int) -> list[tuple]:
        """(result, periods attended, score, retake score, role) for the `size` learners of a scored class: scored
        when it is finished, attendance so far while it runs, nothing before it starts."""
        rng = self.rng
        periods = course.periods
        roles = [Enrolment.Role.NONE] * size
        if size >= 3:
            picked = rng.sample(range(size), k=3 if size >= 30 and rng.random() < 0.6 else 2)
            roles[picked[0]] = Enrolment.Role.MONITOR
            for i in picked[1:]:
                roles[i] = Enrolment.Role.DEPUTY
        rows = []
        mean = rng.uniform(7.0, 8.2)
        for role in roles:
            if course.status == Course.Status.PLANNED:
                rows.append(("", None, None, None, role))
                continue
            draw = rng.random()
            dropped = draw < 0.015 and role == Enrolment.Role.NONE
            if dropped:
                attended = rng.randint(0, periods // 3)
            elif draw < 0.05:
                attended = rng.randint(periods // 2, (rules.attendance_threshold(periods) or periods) - 1)  # under 80%
            elif draw < 0.25:
                attended = periods - rng.randint(1, max(1, periods // 6))
            else:
                attended = periods
            if course.status == Course.Status.RUNNING:
                elapsed = max(1, (self.today - course.start_date).days + 1)
                total = max(1, (course.end_date - course.start_date).days + 1)
                attended = min(attended, round(periods * elapsed / total))
                rows.append(("", attended, None, None, role))
                continue
            score = retake = None
            if not dropped and rules.may_sit(attended, periods):
                score = _score(rng, mean + (0.4 if role else 0.0))
                if rng.random() < 0.03:
                    score = Decimal(str(round(rng.uniform(2.5, 4.9), 1)))  # failed the first paper
                if score < rules.pass_score and rng.random() < 0.85:
                    retake = Decimal(str(round(rng.uniform(4.0, 7.5), 1)))
            result = rules.result(periods=periods, attended=attended, score=score, retake=retake, dropped=dropped)
            rows.append((result, attended, score, retake, role))
        return rows

    # -- completion decisions and certificates ---------------------------------------------------------------------
    def decisions(self, courses: list[Course], rules_of) -> None:
        """A finished scored class's decision a few days after it ends (none yet for the ones that ended in the
        last days, and for one in twenty-five still on the director's desk), and the certificates of the learners
        it recognises, within the rules' days of it (a few late, none yet for the newest)."""
        rng = self.rng
        finished = sorted(
            (c for c in courses if c.status == Course.Status.FINISHED), key=lambda c: (c.end_date, c.code)
        )
        if not finished:
            return
        decisions = []
        for course in finished:
            signed = course.end_date + datetime.timedelta(days=rng.randint(2, 7))
            if signed > self.today or rng.random() < 0.04:
                continue  # still waiting for its decision
            key = (course.center_id, signed.year)
            self.decision_numbers[key] += 1
            decisions.append(
                CompletionDecision(
                    course=course,
                    number=f"{self.decision_numbers[key]}/QĐ-TTCT",
                    signed_on=signed,
                    signer=_name(rng),
                )
            )
        CompletionDecision.objects.bulk_create(decisions, batch_size=1000)
        by_course = {d.course_id: d for d in decisions}
        completing = [
            row
            for row in Enrolment.objects.filter(course_id__in=list(by_course))
            .order_by("course_id", "learner__full_name", "pk")
            .values_list("pk", "course_id", "result", "learner__full_name", "learner__date_of_birth")
            if rules_of(row[1]).completes(row[2])
        ]
        write_links = table_writer(CompletionDecision.enrolments.through, ["completiondecision", "enrolment"])
        write_links((by_course[course_id].pk, pk) for pk, course_id, *_ in completing)

        issued = {}
        for decision in decisions:
            rules = rules_of(decision.course_id)
            due = rules.certificate_due(decision.signed_on)
            late = rng.random() < 0.08
            day = (
                due + datetime.timedelta(days=rng.randint(1, 10))
                if late
                else decision.signed_on + (datetime.timedelta(days=rng.randint(2, rules.certificate_days)))
            )
            if day <= self.today:
                issued[decision.course_id] = day
        certificates = sorted(
            (
                (issued[course_id], by_course[course_id], pk, name, born, result)
                for pk, course_id, result, name, born in completing
                if course_id in issued
            ),
            key=lambda c: (c[0], c[1].number, c[3]),
        )
        registers: dict[tuple[int, int], CertificateRegister] = {}
        for day, decision, *_ in certificates:
            key = (decision.course.center_id, day.year)
            if key not in registers:
                registers[key] = CertificateRegister.objects.get_or_create(
                    center_id=key[0], year=key[1], defaults={"last_number": 0}
                )[0]
        rows = []
        for day, decision, pk, name, born, result in certificates:
            register = registers[(decision.course.center_id, day.year)]
            register.last_number += 1
            rows.append(
                (register.pk, register.last_number, pk, decision.pk, day, new_certificate_code(rng, self.codes), name)
                + (born, result)
            )
        table_writer(
            Certificate,
            ["register", "number", "enrolment", "decision", "issued_on", "code", "full_name", "date_of_birth", "grade"],
            {"issued_at": self.now, "revoke_reason": ""},
        )(rows)
        CertificateRegister.objects.bulk_update(list(registers.values()), ["last_number"])
