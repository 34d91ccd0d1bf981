"""What the pages show: a CCCD masked in every history, plain Vietnamese messages, files that follow every change."""

import ast
import dataclasses
import datetime
import gettext
import hashlib
import inspect
import io
import re
import textwrap

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from centers.scoping import Scope
from courses import models as courses_models
from courses import services
from courses.models import COUNTING_VERSION, Course, Enrolment, Learner, Lecturer
from courses.text import vietnamese_sort_key
from reports.figures import cache, counting, maintained, reference, scored
from reports.figures.basis import admitted_statuses, basis_filter, plan_filter
from reports.figures.types import Figures, Part, ProgramFigures, Rollup, finish_parts
from reports.models import (
    PLANNED_QUARTER,
    REPORTED_STATUSES,
    RESULT_FIELDS,
    SCORED_FIELDS,
    CenterReport,
    DataStamp,
    planned_quarter,
)

from .factories import CourseFactory, EnrolmentFactory, LearnerFactory, ReportFactory, program
from .helpers import committed

pytestmark = pytest.mark.django_db

OLD_CCCD, NEW_CCCD = "010099555444", "010099555333"


# -- 1. a changed CCCD is masked in every history ------------------------------------------------------------------
@pytest.fixture
def cccd_changed(center, center_user) -> Learner:
    """A learner of `center` whose CCCD its staff corrected."""
    learner = LearnerFactory(center=center, full_name="Nguyễn Văn An", national_id=OLD_CCCD)
    return services.learner_update(
        scope=Scope.for_user(center_user), learner=learner, version=learner.version, national_id=NEW_CCCD
    )


def assert_masked(page: str) -> None:
    assert OLD_CCCD not in page and NEW_CCCD not in page
    assert "********5444" in page and "********5333" in page


@pytest.mark.parametrize("user", ["center_user", "board_user", "central_user"])
def test_the_activity_log_masks_a_changed_cccd(request, login, cccd_changed, user):
    page = login(request.getfixturevalue(user)).get(reverse("reports:activity")).content.decode()
    assert "Nguyễn Văn An" in page
    assert_masked(page)


def test_a_center_the_learner_has_left_sees_the_change_masked(
    login, cccd_changed, center_user, board_user, other_center
):
    services.learner_transfer(
        scope=Scope.for_user(board_user),
        learner=cccd_changed,
        to_center=other_center,
        reason="Chuyển",
        version=cccd_changed.version,
        user=board_user,
    )
    page = login(center_user).get(reverse("reports:activity")).content.decode()
    assert "Nguyễn Văn An" in page
    assert_masked(page)


def test_the_learner_page_history_masks_the_old_cccd(login, cccd_changed, center_user):
    """The page itself shows the whole current CCCD to the center holding the record; its history never does."""
    page = login(center_user).get(reverse("courses:learner_detail", args=[cccd_changed.pk])).content.decode()
    assert f"data-cccd>{NEW_CCCD}<" in page
    assert OLD_CCCD not in page and "Số cccd: ********5444 → ********5333" in page


def test_the_conflict_message_masks_the_cccd(cccd_changed, center_user):
    """Someone saved the learner meanwhile: the message says what they changed, the CCCD masked."""
    with pytest.raises(ValidationError) as caught:
        services.learner_update(
            scope=Scope.for_user(center_user), learner=cccd_changed, version=cccd_changed.version - 1, workplace="X"
        )
    message = " ".join(caught.value.messages)
    assert OLD_CCCD not in message and NEW_CCCD not in message
    assert "“********5444” → “********5333”" in message


# -- 2. "Lưu và gửi" refused by the checks: the draft is saved, and the form carries its new version ----------------
def shown_version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def test_a_refused_submission_says_the_draft_was_saved_and_the_next_save_goes_through(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6), code="LCI-09")
    EnrolmentFactory(course=course, result="")  # a finished class with a result missing: submission is refused
    client = login(center_user)
    address = reverse("reports:save", args=["10-080", "2023-Q1"])
    assert client.post(address, {"achievements": "Bản đầu.", "version": 1}).status_code == 302
    report = CenterReport.objects.get(center=center)

    response = client.post(address, {"submit": "1", "achievements": "Bản hai.", "version": report.version})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Đã lưu bản nháp; báo cáo chưa được gửi vì:" in page
    assert "Lớp LCI-09 đã kết thúc nhưng còn 1 học viên chưa có kết quả." in page
    report.refresh_from_db()
    assert (report.status, report.achievements) == (CenterReport.Status.DRAFT, "Bản hai.")
    assert shown_version(page) == str(report.version)

    # The user edits the form as shown and saves it: no conflict with their own save.
    response = client.post(address, {"achievements": "Bản ba.", "version": shown_version(page)}, follow=True)
    assert "Đã lưu báo cáo." in response.content.decode()
    report.refresh_from_db()
    assert report.achievements == "Bản ba."


# -- 6. one report posted twice to bulk approval is approved once ----------------------------------------------------
def test_a_report_posted_twice_to_bulk_approval_is_approved_once(login, board_user, center):
    report = ReportFactory(center=center, status=CenterReport.Status.SUBMITTED)
    address = reverse("reports:approve_many", args=["10", "2023-Q1"])
    response = login(board_user).post(address, {"report": [report.pk, report.pk]}, follow=True)
    assert response.status_code == 200
    assert "Đã phê duyệt 1 báo cáo." in response.content.decode()
    report.refresh_from_db()
    assert report.status == CenterReport.Status.APPROVED
    assert list(report.transitions.values_list("action", flat=True)) == ["approve"]


# -- 3. a lecturer renamed after a bulk load is renamed in the cached files ----------------------------------------
def test_a_lecturer_renamed_after_a_bulk_load_is_renamed_in_the_exported_workbook(
    login, board_user, center_user, center
):
    """Loaded as seed_demo and loadgen load: rows written in bulk (no signal, no stamp), then the aggregates
    rebuilt. The workbook is cached on the stamps of the centers and years it shows."""
    lecturer = Lecturer(center=center, full_name="Lê Thị Mai", kind=Lecturer.Kind.FULL_TIME, qualification="Thạc sĩ")
    lecturer.sort_key = vietnamese_sort_key(lecturer.full_name)
    (lecturer,) = Lecturer.objects.bulk_create([lecturer])
    day = datetime.date(2023, 2, 6)
    (course,) = Course.objects.bulk_create(
        [
            Course(
                center=center,
                program=program("KND"),
                code="2023-KND-01",
                title="Bồi dưỡng kết nạp Đảng khóa 1",
                start_date=day,
                end_date=day + datetime.timedelta(days=4),
                format=Course.Format.IN_PERSON,
                status=Course.Status.FINISHED,
            )
        ]
    )
    Course.lecturers.through.objects.bulk_create([Course.lecturers.through(course=course, lecturer=lecturer)])
    (learner,) = Learner.objects.bulk_create(
        [Learner(center=center, full_name="Trần Văn Bình", date_of_birth=datetime.date(1990, 1, 1))]
    )
    Enrolment.objects.bulk_create([Enrolment(course=course, learner=learner, result="gioi")])
    CenterReport.objects.bulk_create(
        [CenterReport(center=center, year=2023, quarter=1, status="approved", approved_at=timezone.now())]
    )
    maintained.rebuild()
    assert not DataStamp.objects.exists()  # as after a bulk load

    client = login(board_user)

    def lecturer_names() -> set:
        with committed():  # the file is stored in the cache, as between two requests
            response = client.get(reverse("reports:export_xlsx", args=["10", "2023-Q1"]))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Giảng viên"]
        return {value for row in sheet.iter_rows(values_only=True) for value in row if isinstance(value, str)}

    assert "Lê Thị Mai" in lecturer_names()
    services.lecturer_update(scope=Scope.for_user(center_user), lecturer=lecturer, full_name="Lê Thị Mai Anh")
    names = lecturer_names()
    assert "Lê Thị Mai Anh" in names and "Lê Thị Mai" not in names


# -- 4. the counting rules' version changes with the rules ----------------------------------------------------------
# Every cached figure and file, and every stored province figure, is keyed on courses.models.COUNTING_VERSION (not
# on a hash of reports/*.py: that missed a rule changed in courses/, and dropped every figure for an edited
# message). This is the code whose change must raise it: the rules in words, the code that counts, and the fields
# of the classes the cache keeps (an old pickle lacks a new field). One explicit list; add to it what comes to count.
COUNTING_CODE = [
    courses_models,  # its docstring: the counting rules in words
    courses_models.CourseQuerySet.counted,
    courses_models.counted_course_q,
    courses_models.EnrolmentQuerySet.counted,
    courses_models.is_ethnic_minority,
    courses_models.ethnic_minority_q,
    courses_models.counted_minority_q,
    courses_models.COUNTED_GROUP,  # an approved quarter's learners and lecturers as approved (expressions)
    courses_models.COUNTED_LECTURER_KIND,
    RESULT_FIELDS,
    {"fields": SCORED_FIELDS},  # what a scored class adds (issue 23), in QuarterAggregate's order
    scored.rule_sets,
    scored.RuleSet.q,
    scored.rule_index,
    scored.scored_q,
    scored.attendance_recorded_q,
    scored.below_attendance_q,
    scored.enrolment_sums,
    scored.add_enrolments,
    REPORTED_STATUSES,
    planned_quarter,
    PLANNED_QUARTER,
    maintained._dates_q,
    maintained._cells_filter,
    maintained._class_rows,
    maintained._enrolment_rows,
    maintained.compute_quarters,
    maintained.compute_groups,
    maintained.compute_cells,
    maintained._center_years_filter,
    maintained._by_quarters,
    maintained._count_quarter_sets,
    maintained._learners,
    maintained._lecturers,
    maintained._columns,
    maintained._people,
    maintained.compute_people,
    maintained.compute_learners,
    maintained.compute_lecturers,
    admitted_statuses,
    reference.counted_courses,
    basis_filter,
    plan_filter,
    counting.count_parts,
    counting.count_periods,
    counting._count_quarter,
    counting._add_part,
    reference._plans,
    reference._count_in_planned_quarters,
    reference.raw_parts,
    finish_parts,
    Figures,  # the cached classes: their fields only
    ProgramFigures,
    Part,
    Rollup,
]
# (COUNTING_VERSION, the hash of COUNTING_CODE under it): both change together. The hash moved twice without the
# version: count_parts lost its function-level `from .aggregates import RESULT_FIELDS` (the import cycle between
# aggregates and selectors); the figures package (issue 21) wrote each rule once (counted_course_q,
# REPORTED_STATUSES, planned_quarter) and moved the code, every figure the same (the rollups are checked against
# the reference counting); issue 21's benchmark targets read the enrolments of a write's cells once for both
# QuarterAggregate and GroupAggregate (compute_cells), and count_parts skips a row outside the period before
# looking up its center's admitted quarters, every figure the same.
# Issue 23 added the figures of classes under the 2025 rules (scored results, attendance, certificates) to the
# aggregates and the cached classes (version 5). Issue 21 then counted each quarter's rows once for all the periods
# of a year holding it (count_periods), and read a write's learners and lecturers (compute_people) and the reports
# and plans in one statement each, every figure the same (the rollups against the reference counting in
# tests/test_aggregates.py): the hash moved without the version. It moved again when a write's one cell and one
# center's year had their queries compiled once (centers/compiled.py: the same querysets, built by _class_rows,
# _enrolment_rows and _people for one cell or for many), every figure the same.
COUNTED_UNDER = (5, "1d0e50ac92ea0c5c")


def counting_hash() -> str:
    """A hash of COUNTING_CODE's meaning: the syntax tree of each function (a comment or a reformatting leaves it
    alone, a docstring does not), the module's docstring, a dict's items, a dataclass's field names. The syntax
    tree's text is Python 3.11's (pyproject pins it; another version may print it differently)."""
    digest = hashlib.sha256()
    for item in COUNTING_CODE:
        if inspect.ismodule(item):
            text = item.__doc__
        elif dataclasses.is_dataclass(item):
            text = repr([field.name for field in dataclasses.fields(item)])
        elif isinstance(item, dict):
            text = repr(sorted(item.items()))
        elif not callable(item):  # a query expression: its repr names its fields
            text = repr(item)
        else:
            text = ast.dump(ast.parse(textwrap.dedent(inspect.getsource(item))))
        digest.update(text.encode())
    return digest.hexdigest()[:16]


def test_the_counting_version_changes_with_the_counting_rules():
    version, digest = COUNTED_UNDER
    now = counting_hash()
    raised = max(COUNTING_VERSION, version + 1)
    assert (COUNTING_VERSION, now) == (version, digest), (
        f"the counting rules changed: raise COUNTING_VERSION (courses/models.py) and update this hash: "
        f"COUNTED_UNDER = ({raised}, {now!r})"
    )


def test_every_cached_figure_is_keyed_on_the_counting_version(monkeypatch):
    key = cache._key("rollup", ("2025", "all"), [2025], "1.2.3")
    version = cache.version()
    monkeypatch.setattr(cache, "COUNTING_VERSION", COUNTING_VERSION + 1)
    assert cache._key("rollup", ("2025", "all"), [2025], "1.2.3") != key
    assert cache.version() != version


# -- 5. no English on the way: Django's messages, the CSRF page, 400, the results table ---------------------------
def test_a_null_character_in_a_form_is_refused_in_vietnamese(login, center_user):
    response = login(center_user).post(
        reverse("courses:lecturer_create"), {"full_name": "Lê\x00Mai", "kind": "chuyen_trach"}
    )
    page = response.content.decode()
    assert "Không được nhập ký tự rỗng (null)." in page
    assert "Null characters" not in page
    assert not Lecturer.objects.exists()


def test_a_number_below_its_minimum_is_refused_in_plain_vietnamese(login, board_user, center):
    """Django's own Vietnamese for any minimum ends "bằng với 1 ." (a stray space): corrected for every field."""
    learner = LearnerFactory(center=center)
    response = login(board_user).post(
        reverse("courses:learner_transfer", args=[learner.pk]),
        {"to_center": "0", "reason": "Chuyển", "version": learner.version},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Đảm bảo giá trị này lớn hơn hoặc bằng 1." in page
    assert "bằng với" not in page


def test_a_form_refused_by_the_csrf_check_gets_a_vietnamese_page(center_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(center_user)
    response = client.post(reverse("reports:save", args=["10-080", "2023-Q1"]), {"achievements": "Mở đủ lớp."})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn, chưa có gì được ghi" in page
    assert "CSRF" not in page and "Forbidden" not in page
    assert not CenterReport.objects.exists()


def test_a_bad_request_gets_a_vietnamese_page(client, db):
    response = client.get("/", HTTP_HOST="ten-mien-la.example")  # a host the site does not serve: 400
    page = response.content.decode()
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in page and "Bad Request" not in page


def test_the_compiled_translations_are_those_of_the_po_file():
    """The .mo is committed (a fresh clone has no msgfmt): it must say what the .po says."""
    folder = settings.BASE_DIR / "locale" / "vi" / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    written = read_po(folder / "django.po")
    assert written and {k: v for k, v in compiled.items() if k != ""} == written


def read_po(path) -> dict:
    """msgid (or (msgid, n) for plural forms) → msgstr of a .po file without fuzzy or obsolete entries."""
    catalogue, entry, key = {}, {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry.get("msgid"):
                if "msgid_plural" in entry:
                    catalogue.update({(entry["msgid"], int(k[7:-1])): v for k, v in entry.items() if k[6:7] == "["})
                else:
                    catalogue[entry["msgid"]] = entry["msgstr"]
            entry, key = {}, None
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        elif not line.startswith("#"):
            key, _, text = line.partition(" ")
            entry[key] = ast.literal_eval(text)
    return catalogue


def test_a_wrong_result_says_whose_cell_it_is(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6))
    enrolment = EnrolmentFactory(course=course, learner=LearnerFactory(center=center, full_name="Nguyễn Văn A"))
    data = {
        "kq-TOTAL_FORMS": "1",
        "kq-INITIAL_FORMS": "1",
        "kq-0-enrolment": enrolment.pk,
        "kq-0-version": enrolment.version,
        "kq-0-result": "xyz",
        "kq-0-certificate_no": "",
    }
    response = login(center_user).post(reverse("courses:course_results", args=[course.pk]), data, follow=True)
    assert "Kết quả “xyz” của học viên Nguyễn Văn A không hợp lệ." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.result == ""
