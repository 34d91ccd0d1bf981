"""`make bench`, the certificates' rows (issue #23): the whole class's certificates as one PDF for 200 learners
(target ≤ 3 s, ≤ 150 MB) and a year's master register of a center with 5.000 certificates as a workbook (≤ 2 s).

The data is made here, in a center of its own inside a transaction that is rolled back at the end: the timings do not
depend on the generated national data, and nothing is left behind. `manage.py bench --only-certificates` runs these
rows alone."""

from __future__ import annotations

import datetime
import io
import time
import tracemalloc

from django.db import transaction

from centers.models import Staff, Unit
from centers.scoping import Scope
from courses import services
from courses.catalogue import REVISION_2025
from courses.models import Certificate, CertificateRegister, CompletionDecision, Course, Enrolment, Learner, Program
from reports import certificates

from .run import Row, _measure, _row

CLASS_SIZE = 200
REGISTER_SIZE = 5000
START = datetime.date(2026, 11, 2)
SIGNED = datetime.date(2026, 11, 10)
ISSUED = datetime.date(2026, 11, 12)


class _Rollback(Exception):
    pass


def _center() -> Unit:
    central = Unit.objects.filter(kind=Unit.Kind.CENTRAL, parent=None).first() or Unit.objects.create(
        kind=Unit.Kind.CENTRAL,
        code="VN",
        name="Ban Tuyên giáo và Dân vận Trung ương",
        area_name="Việt Nam",
        area_kind=Unit.AreaKind.PROVINCE,
    )
    province = Unit.objects.create(
        kind=Unit.Kind.PROVINCE,
        parent=central,
        code="B9",
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy Đo",
        area_name="Tỉnh Đo",
        area_kind=Unit.AreaKind.PROVINCE,
    )
    return Unit.objects.create(
        kind=Unit.Kind.CENTER,
        parent=province,
        code="B99",
        name="Trung tâm Chính trị phường Đo Lường",
        area_name="phường Đo Lường",
        area_kind=Unit.AreaKind.RURAL_DISTRICT,
        party_committee="Đảng ủy phường Đo Lường",
        active_from=datetime.date(2025, 7, 1),
    )


def _class(center: Unit, program: Program, number: int, size: int) -> Course:
    course = Course.objects.create(
        center=center,
        program=program,
        code=f"DO-{number:03d}",
        title=f"Lớp bồi dưỡng đảng viên mới khóa {number}",
        start_date=START,
        end_date=START + datetime.timedelta(days=4),
        periods=40,
        status=Course.Status.FINISHED,
    )
    learners = Learner.objects.bulk_create(
        Learner(
            center=center,
            full_name=f"Nguyễn Thị Hường {number}-{i}",
            date_of_birth=datetime.date(1990, 1, 1),
            gender=Learner.Gender.FEMALE,
        )
        for i in range(size)
    )
    Enrolment.objects.bulk_create(
        Enrolment(course=course, learner=learner, result="kha", periods_attended=40, score=7) for learner in learners
    )
    return course


def run(
    *, runs: int = 5, class_size: int = CLASS_SIZE, register_size: int = REGISTER_SIZE, progress=print
) -> list[Row]:
    rows: list[Row] = []
    try:
        with transaction.atomic():
            center = _center()
            scope = Scope(level=Staff.Role.CENTER, unit=center)
            program = Program.objects.get(code="N2", valid_from=REVISION_2025)

            progress(f"whole-class certificates PDF, {class_size} learners")
            course = _class(center, program, 0, class_size)
            services.decision_record(scope=scope, course=course, number="1-QĐ", signed_on=SIGNED, signer="Giám đốc")
            started = time.perf_counter()
            services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)
            issue_ms = (time.perf_counter() - started) * 1000

            def pdf():
                made = certificates.course_certificates_file(scope=scope, course=course, base_url="https://x.vn/")
                size = made.file.seek(0, io.SEEK_END)
                made.file.close()
                return size

            times, queries = _measure(pdf, runs)
            tracemalloc.start()
            size = pdf()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            rows.append(
                _row(
                    f"whole-class certificates PDF ({class_size} learners, read + draw)",
                    times,
                    queries,
                    note=f"peak Python memory {peak:.0f} MB, file {size / 2**10:.0f} KB; issuing them took "
                    f"{issue_ms:.0f} ms",
                )
            )

            progress(f"a year's master register, {register_size} certificates")
            register = CertificateRegister.objects.get(center=center, year=ISSUED.year)
            number = register.last_number
            for index in range(1, register_size // class_size):
                other = _class(center, program, index, class_size)
                decision = CompletionDecision.objects.create(
                    course=other, number=f"{index + 1}-QĐ", signed_on=SIGNED, signer="Giám đốc"
                )
                made = []
                for enrolment in Enrolment.objects.filter(course=other).select_related("learner"):
                    number += 1
                    made.append(
                        Certificate(
                            register=register,
                            number=number,
                            enrolment=enrolment,
                            decision=decision,
                            issued_on=ISSUED,
                            code=f"B{number:09d}",
                            full_name=enrolment.learner.full_name,
                            date_of_birth=enrolment.learner.date_of_birth,
                            grade="kha",
                        )
                    )
                Certificate.objects.bulk_create(made)
            assert Certificate.objects.filter(register=register).count() == register_size

            def register_xlsx():
                made = certificates.register_file(scope=scope, center=center, year=ISSUED.year, fmt="xlsx")
                made.file.close()

            times, queries = _measure(register_xlsx, runs)
            rows.append(
                _row(
                    f"a year's master register as xlsx ({register_size:,} certificates)".replace(",", "."),
                    times,
                    queries,
                )
            )

            def register_pdf():
                made = certificates.register_file(scope=scope, center=center, year=ISSUED.year, fmt="pdf")
                made.file.close()

            times, queries = _measure(register_pdf, max(1, runs // 2))
            rows.append(_row("the same register as a printable PDF with numbered pages", times, queries))
            raise _Rollback
    except _Rollback:
        pass
    return rows
