"""Synthetic national-scale data for benchmarks and load tests (`manage.py generate_load`).

Realistic proportions: programs, formats, co-organised classes, class sizes, results, learners reused across a
center's classes, lecturers, reports in every status with next-quarter plans. Rows get explicit ids and go in
with COPY on PostgreSQL (bulk_create elsewhere); sequences are reset and the aggregates rebuilt at the end.
"""

from __future__ import annotations

import datetime
import random

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from centers.models import Unit
from courses import rules as teaching_rules
from courses.models import Course, Enrolment, Learner, Lecturer, Program
from courses.text import course_search_key, name_key, vietnamese_sort_key
from reports.figures import maintained
from reports.formatting import vn_int
from reports.models import CenterReport, PlanLine

from .fastwrite import table_writer as _table_writer
from .scoring import Scorer, program_on

PROGRAM_WEIGHTS = {"KND": 14, "DVM": 13, "BTCB": 6, "DT": 10, "CD": 12, "NVTG": 3, "CNKT": 12, "TCLL": 4, "NQ": 26}
PROGRAM_SIZE = {
    "KND": 0.55,
    "DVM": 0.6,
    "BTCB": 0.7,
    "DT": 0.8,
    "CD": 0.9,
    "NVTG": 0.4,
    "CNKT": 1.2,
    "TCLL": 0.55,
    "NQ": 3.2,
}
RESULTS = (["gioi"] * 30) + (["kha"] * 55) + (["trung_binh"] * 11) + ["khong_dat"] + (["bo_hoc"] * 3)
STATUSES = (["approved"] * 85) + (["submitted"] * 8) + (["returned"] * 3) + (["draft"] * 2) + ([None] * 2)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phương", "Sơn", "Thảo"]


class LoadGenerator:
    def __init__(
        self,
        *,
        provinces: int,
        centers_per_province: int,
        years: int,
        first_year: int,
        classes_per_center_year: int,
        class_size: int,
        seed: int = 7,
        progress=lambda message: None,
    ):
        self.rng = random.Random(seed)
        self.provinces, self.centers_per_province, self.years = provinces, centers_per_province, years
        self.first_year, self.classes, self.size = first_year, classes_per_center_year, class_size
        self.progress = progress
        self.now = timezone.now()

    def _next_ids(self, *model_classes) -> dict:
        return {m: (m.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1 for m in model_classes}

    @transaction.atomic
    def run(self) -> dict[str, int]:
        central = Unit.objects.get(kind=Unit.Kind.CENTRAL, parent=None)
        used = set(Unit.objects.provinces().values_list("code", flat=True))
        free = [f"{n:02d}" for n in range(1, 100) if f"{n:02d}" not in used]
        programs = {p.code: p.pk for p in Program.objects.all()}
        catalogue = list(Program.objects.order_by("order", "code"))
        scorer = Scorer(today=timezone.localdate(), now=self.now)
        program_codes = list(PROGRAM_WEIGHTS)
        weights = list(PROGRAM_WEIGHTS.values())
        ids = self._next_ids(Learner, Course, Enrolment, Lecturer, CenterReport, PlanLine)
        write_learner = _table_writer(
            Learner,
            [
                "id",
                "center",
                "full_name",
                "name_key",
                "date_of_birth",
                "gender",
                "ethnicity",
                "party_status",
                "group",
                "workplace",
                "created_at",
                "updated_at",
                "version",
            ],
        )
        write_course = _table_writer(
            Course,
            [
                "id",
                "center",
                "program",
                "code",
                "title",
                "start_date",
                "end_date",
                "format",
                "location",
                "co_organised",
                "planned_size",
                "status",
                "cancel_reason",
                "created_at",
                "updated_at",
                "version",
                "search_key",
                "periods",
                "homeroom",
            ],
        )
        write_enrolment = _table_writer(
            Enrolment,
            [
                "id",
                "course",
                "learner",
                "result",
                "certificate_no",
                "enrolled_at",
                "version",
                "periods_attended",
                "score",
                "retake_score",
                "class_role",
            ],
        )
        write_lecturer = _table_writer(
            Lecturer, ["id", "center", "full_name", "kind", "qualification", "position", "phone", "sort_key"]
        )
        write_link = _table_writer(Course.lecturers.through, ["course", "lecturer"])
        write_report = _table_writer(
            CenterReport,
            [
                "id",
                "center",
                "year",
                "quarter",
                "status",
                "achievements",
                "shortcomings",
                "causes",
                "proposals",
                "next_tasks",
                "return_comment",
                "updated_at",
                "version",
                "submitted_at",
                "first_submitted_at",
                "approved_at",
            ],
        )
        write_plan = _table_writer(PlanLine, ["id", "report", "program", "planned_classes"])
        counts = dict.fromkeys(["provinces", "centers", "learners", "classes", "enrolments", "reports"], 0)
        today = timezone.localdate()
        for p in range(self.provinces):
            code = free[p] if p < len(free) else f"P{p:03d}"
            province = Unit.objects.create(
                kind=Unit.Kind.PROVINCE,
                parent=central,
                code=code,
                name=f"Ban Tuyên giáo Tỉnh ủy Thử nghiệm {code}",
                area_name=f"Thử nghiệm {code}",
                area_kind=Unit.AreaKind.PROVINCE,
            )
            centers = Unit.objects.bulk_create(
                [
                    Unit(
                        kind=Unit.Kind.CENTER,
                        center_level=Unit.CenterLevel.DISTRICT,  # bulk_create skips Unit.save
                        parent=province,
                        code=f"{c + 1:03d}",
                        name=f"Trung tâm chính trị huyện Thử nghiệm {code}-{c + 1:03d}",
                        area_name=f"huyện Thử nghiệm {code}-{c + 1:03d}",
                        area_kind=Unit.AreaKind.RURAL_DISTRICT,
                        active_from=datetime.date(2000, 1, 1),
                    )
                    for c in range(self.centers_per_province)
                ]
            )
            centers = list(Unit.objects.filter(parent=province).order_by("code"))
            learners, courses, enrolments, lecturers, links, reports, plans = [], [], [], [], [], [], []
            for center in centers:
                pool_size = max(200, int(self.classes * self.size * 0.8))
                pool = list(range(ids[Learner], ids[Learner] + pool_size))
                ids[Learner] += pool_size
                for learner_id in pool:
                    name = f"{self.rng.choice(FAMILY)} Văn {self.rng.choice(GIVEN)}"
                    learners.append(
                        (
                            learner_id,
                            center.pk,
                            name,
                            name_key(name),
                            datetime.date(self.rng.randint(1965, 2003), self.rng.randint(1, 12), 15),
                            self.rng.choice(["nam", "nu"]),
                            "Kinh" if self.rng.random() < 0.85 else "Tày",
                            self.rng.choice(["quan_chung", "du_bi", "chinh_thuc"]),
                            self.rng.choice(["can_bo", "dang_vien", "doan_vien", "hoi_vien", "nhan_dan"]),
                            "",
                            self.now,
                            self.now,
                            1,
                        )
                    )
                teachers = list(range(ids[Lecturer], ids[Lecturer] + 10))
                ids[Lecturer] += 10
                lecturers += [
                    (t, center.pk, f"Giảng viên {t}", "chuyen_trach" if i < 3 else "kiem_chuc", "", "", "")
                    + (vietnamese_sort_key(f"Giảng viên {t}"),)
                    for i, t in enumerate(teachers)
                ]
                for y in range(self.first_year, self.first_year + self.years):
                    for n in range(self.classes):
                        quarter = n % 4 + 1
                        start = datetime.date(y, 3 * quarter - 2, self.rng.randint(2, 26))
                        end = start + datetime.timedelta(days=self.rng.randint(1, 6))
                        program = self.rng.choices(program_codes, weights)[0]
                        size = max(
                            10, min(len(pool), int(self.size * PROGRAM_SIZE[program] * self.rng.uniform(0.6, 1.4)))
                        )
                        program = program_on(program, start)  # from 1/12/2025 the 2025 catalogue's
                        finished = end < today
                        rules = teaching_rules.on(start)
                        course_id = ids[Course]
                        ids[Course] += 1
                        code, title = f"{y}-{program}-{n:03d}", f"Lớp {program} số {n} năm {y}"
                        courses.append(
                            (
                                course_id,
                                center.pk,
                                programs[program],
                                code,
                                title,
                                start,
                                end,
                                self.rng.choice(["truc_tiep"] * 15 + ["truc_tuyen"] * 3 + ["ket_hop"] * 2),
                                "",
                                program == "TCLL" or self.rng.random() < 0.15,
                                size,
                                "finished" if finished else "running",
                                "",
                                self.now,
                                self.now,
                                1,
                                course_search_key(code, title),
                            )
                        )
                        chosen = self.rng.sample(pool, size)
                        if rules.scored:  # attendance, scores and the results the class's rules give
                            scored = Course(start_date=start, end_date=end, status=courses[-1][11])
                            scorer.course_fields(scored, program)
                            details = scorer.roster(scored, rules, size)
                        else:
                            details = [
                                (self.rng.choice(RESULTS) if finished else "", None, None, None, "") for _ in chosen
                            ]
                        for learner_id, (result, attended, score, retake, role) in zip(chosen, details, strict=True):
                            enrolments.append(
                                (ids[Enrolment], course_id, learner_id, result, "", self.now, 1)
                                + (attended, score, retake, role)
                            )
                            ids[Enrolment] += 1
                        teaching = self.rng.sample(teachers, 2)
                        links += [(course_id, t) for t in teaching]
                        # A scored class's periods and homeroom lecturer (one of its lecturers).
                        courses[-1] += (scored.periods, teaching[0]) if rules.scored else (None, None)
                    for quarter in range(1, 5):
                        status = self.rng.choice(STATUSES)
                        if status is None:
                            continue
                        due = datetime.datetime(y, 3 * quarter, 28, 9, tzinfo=datetime.UTC)
                        submitted = due if status != "draft" else None
                        reports.append(
                            (
                                ids[CenterReport],
                                center.pk,
                                y,
                                quarter,
                                status,
                                "Hoàn thành kế hoạch.",
                                "Thiếu giảng viên.",
                                "",
                                "Đề nghị bồi dưỡng giảng viên.",
                                "",
                                "",
                                self.now,
                                1,
                                submitted,
                                submitted,
                                due if status == "approved" else None,
                            )
                        )
                        next_quarter = datetime.date(y + (quarter == 4), quarter % 4 * 3 + 1, 1)
                        in_force = [p.code for p in catalogue if p.is_in_force_on(next_quarter)] or program_codes
                        for code_ in self.rng.sample(in_force, 3):
                            plans.append((ids[PlanLine], ids[CenterReport], programs[code_], self.rng.randint(1, 3)))
                            ids[PlanLine] += 1
                        ids[CenterReport] += 1
            counts["learners"] += write_learner(learners)
            write_lecturer(lecturers)
            counts["classes"] += write_course(courses)
            write_link(links)
            counts["enrolments"] += write_enrolment(enrolments)
            counts["reports"] += write_report(reports)
            write_plan(plans)
            counts["provinces"] += 1
            counts["centers"] += len(centers)
            self.progress(
                f"[{p + 1}/{self.provinces}] {province.name}: {vn_int(len(courses))} lớp, "
                f"{vn_int(len(enrolments))} lượt học viên"
            )
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [Unit, Learner, Course, Enrolment, Lecturer, CenterReport, PlanLine]
            ):
                cursor.execute(statement)
        self.progress("Tính bảng tổng hợp...")
        self._analyze()  # the aggregates' grouped reads need the planner to know the loaded tables' sizes
        maintained.rebuild()
        self._analyze()
        return counts

    @staticmethod
    def _analyze() -> None:
        """Fresh planner statistics after a bulk load. ANALYZE runs inside the load's transaction and samples its
        own uncommitted rows; without it the planner took the new tables for empty (on 24/11 the aggregates'
        rebuild was still running after 20 minutes; with it, the whole default load took 160 s)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
