"""Importing classes and learners from the Excel workbook: the reader, the plan, the write and the command.

Every bad file must be refused with a Vietnamese message naming where the problem is, and write nothing.
"""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from centers.scoping import Scope
from courses import services
from courses.importing import plan_import
from courses.models import Course, Enrolment, Learner, Program
from courses.workbook import (
    CLASS_HEADERS,
    CLASS_SHEET,
    LEARNER_HEADERS,
    LEARNER_SHEET,
    read_workbook,
    template_workbook,
)

from .factories import CourseFactory, EnrolmentFactory, LearnerFactory

pytestmark = pytest.mark.django_db

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
AN_CCCD = "001090000001"


# -- building workbooks --------------------------------------------------------------------------------
def xlsx(
    classes=(),
    learners=(),
    *,
    class_headers=CLASS_HEADERS,
    learner_headers=LEARNER_HEADERS,
    sheets=(CLASS_SHEET, LEARNER_SHEET),
    extra_sheets=(),
) -> bytes:
    """An in-memory workbook: the header row then `classes` / `learners` rows (None rows stay blank)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    content = {CLASS_SHEET: (class_headers, classes), LEARNER_SHEET: (learner_headers, learners)}
    for name in sheets:
        headers, rows = content[name]
        ws = workbook.create_sheet(name)
        ws.append(list(headers))
        for row in rows:
            ws.append(list(row) if row is not None else [None] * len(headers))
    for name in extra_sheets:
        workbook.create_sheet(name).append(["Ghi chú"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def klass(code="KND-01", program="KND", start="06/02/2023", end="10/02/2023", fmt="Trực tiếp", **kw):
    title = kw.get("title", f"Lớp bồi dưỡng {code}")
    return [code, title, program, start, end, fmt, kw.get("co_organised", ""), kw.get("location", "")]


def learner(code="KND-01", name="Nguyễn Văn An", dob="17/05/1990", gender="Nam", cccd=None, result="", **kw):
    return [
        code,
        name,
        dob,
        gender,
        kw.get("ethnicity", "Kinh"),
        kw.get("group", "Cán bộ"),
        kw.get("party", "Quần chúng"),
        kw.get("workplace", ""),
        cccd,
        result,
    ]


GOOD_CLASSES = [
    klass(
        "KND-01",
        "KND",
        datetime.datetime(2023, 2, 6),
        datetime.datetime(2023, 2, 10),
        "Trực tiếp",
        co_organised="Có",
        location="Hội trường Trung tâm",
    ),
    klass("DVM-01", "DVM", "06/03/2023", "10/03/2023", "Trực tuyến"),
]
GOOD_LEARNERS = [
    learner("KND-01", "Nguyễn Văn An", datetime.datetime(1990, 5, 17), "Nam", AN_CCCD, "Giỏi", workplace="UBND"),
    learner("DVM-01", "Nguyễn Văn An", datetime.datetime(1990, 5, 17), "Nam", AN_CCCD, "Khá", workplace="UBND"),
    learner("KND-01", "Lò Thị Bình", "12/08/1995", "Nữ", None, "Khá", ethnicity="Tày", group="Đoàn viên"),
    learner("KND-01", "Trần Văn Cường", datetime.datetime(1988, 1, 2), "Nam", "001088000002", ""),
    learner("DVM-01", "Phạm Thị Dung", "01/01/1985", "Nữ", "001085000003", "Trung bình", party="Dự bị"),
]


def good_workbook(learners=GOOD_LEARNERS) -> bytes:
    return xlsx(GOOD_CLASSES, learners)


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same zip with one more member."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr(name, content)
    return buffer.getvalue()


# -- checking outcomes ---------------------------------------------------------------------------------
def counts() -> tuple[int, int, int]:
    return Course.objects.count(), Learner.objects.count(), Enrolment.objects.count()


def scope_of(user) -> Scope:
    return Scope.for_user(user)


def do_import(center, user, data, *, roster_course=None):
    parsed = read_workbook(data, roster=roster_course is not None)
    return services.workbook_import(scope=scope_of(user), center=center, parsed=parsed, course=roster_course, user=user)


def assert_refused(center, user, data, fragment, *, sheet=None, row=None, column=None, roster_course=None):
    """The file is refused with a message containing `fragment` (at the sheet/row given) and nothing is written.

    Returns the matching error text.
    """
    before = counts()
    parsed = read_workbook(data, roster=roster_course is not None)
    plan = plan_import(center=center, parsed=parsed, course=roster_course)
    assert not plan.ok
    messages = [str(error) for error in plan.errors]
    matching = [m for m in messages if fragment in m]
    assert matching, f"{fragment!r} not in {messages!r}"
    message = matching[0]
    if sheet:
        assert f"Trang “{sheet}”" in message
    if row:
        assert f"dòng {row}" in message
    if column:
        assert f"cột “{column}”" in message
    with pytest.raises(ValidationError) as error:
        services.workbook_import(scope=scope_of(user), center=center, parsed=parsed, course=roster_course, user=user)
    assert any(fragment in m for m in error.value.messages)
    assert counts() == before
    return message


# -- 1. a good workbook --------------------------------------------------------------------------------
def test_a_good_workbook_is_previewed_then_written(center, center_user):
    parsed = read_workbook(good_workbook())
    assert parsed.ok, [str(e) for e in parsed.errors]

    plan = plan_import(center=center, parsed=parsed)
    assert plan.ok
    assert plan.summary() == {
        "new_classes": 2,
        "existing_classes": 0,
        "new_learners": 4,
        "matched_learners": 0,
        "new_enrolments": 5,
        "existing_enrolments": 0,
        "result_updates": 0,
        "errors": 0,
    }
    assert counts() == (0, 0, 0), "the preview writes nothing"

    applied = services.workbook_import(scope=scope_of(center_user), center=center, parsed=parsed, user=center_user)

    assert applied["new_enrolments"] == 5
    assert counts() == (2, 4, 5)
    knd = Course.objects.get(center=center, code="KND-01")
    assert knd.program.code == "KND"
    assert (knd.start_date, knd.end_date) == (datetime.date(2023, 2, 6), datetime.date(2023, 2, 10))
    assert knd.co_organised is True
    assert knd.location == "Hội trường Trung tâm"
    assert knd.status == Course.Status.FINISHED
    assert knd.created_by == center_user
    dvm = Course.objects.get(center=center, code="DVM-01")
    assert dvm.program.code == "DVM"
    assert (dvm.start_date, dvm.end_date) == (datetime.date(2023, 3, 6), datetime.date(2023, 3, 10))
    assert dvm.format == Course.Format.ONLINE

    an = Learner.objects.get(national_id=AN_CCCD)
    assert an.center == center
    assert an.name_key == "nguyen van an"
    assert an.date_of_birth == datetime.date(1990, 5, 17)
    assert an.enrolments.count() == 2
    binh = Learner.objects.get(full_name="Lò Thị Bình")
    assert binh.national_id is None
    assert binh.ethnicity == "Tày"
    assert binh.group == Learner.Group.YOUTH_UNION
    assert binh.date_of_birth == datetime.date(1995, 8, 12)
    assert Learner.objects.get(full_name="Phạm Thị Dung").party_status == Learner.PartyStatus.PROBATIONARY

    results = {(e.course.code, e.learner.full_name): e.result for e in Enrolment.objects.select_related()}
    assert results == {
        ("KND-01", "Nguyễn Văn An"): "gioi",
        ("DVM-01", "Nguyễn Văn An"): "kha",
        ("KND-01", "Lò Thị Bình"): "kha",
        ("KND-01", "Trần Văn Cường"): "",
        ("DVM-01", "Phạm Thị Dung"): "trung_binh",
    }


def test_a_cccd_typed_as_a_number_gets_its_leading_zero_back(center, center_user):
    do_import(center, center_user, xlsx([klass()], [learner(cccd=12090000001)]))  # Excel dropped the leading 0
    assert Learner.objects.get().national_id == "012090000001"


def test_the_applied_plan_says_what_was_written(center, center_user):
    applied = do_import(center, center_user, good_workbook())

    assert applied["new_classes"] == 2
    assert applied["new_enrolments"] == 5
    assert applied["new_learners"] == 4
    assert applied["matched_learners"] == 0


# -- 2. and 3. importing again -------------------------------------------------------------------------
def test_importing_the_same_file_twice_changes_nothing_the_second_time(center, center_user):
    data = good_workbook()
    do_import(center, center_user, data)
    after_first = counts()
    versions = sorted(Enrolment.objects.values_list("version", flat=True))

    plan = plan_import(center=center, parsed=read_workbook(data))
    assert plan.ok
    assert plan.changes_anything is False
    assert plan.summary() == {
        "new_classes": 0,
        "existing_classes": 2,
        "new_learners": 0,
        "matched_learners": 4,
        "new_enrolments": 0,
        "existing_enrolments": 5,
        "result_updates": 0,
        "errors": 0,
    }

    do_import(center, center_user, data)
    assert counts() == after_first == (2, 4, 5)
    assert sorted(Enrolment.objects.values_list("version", flat=True)) == versions


def test_reimporting_with_one_changed_result_updates_exactly_that_result(center, center_user):
    do_import(center, center_user, good_workbook())
    before = {e.pk: (e.result, e.version) for e in Enrolment.objects.all()}

    changed = [list(row) for row in GOOD_LEARNERS]
    changed[3][9] = "Không đạt"  # Trần Văn Cường had no result yet
    plan = plan_import(center=center, parsed=read_workbook(good_workbook(changed)))
    assert plan.summary()["result_updates"] == 1
    assert plan.summary()["new_enrolments"] == 0

    applied = do_import(center, center_user, good_workbook(changed))

    assert applied["result_updates"] == 1
    assert counts() == (2, 4, 5)
    after = {e.pk: (e.result, e.version) for e in Enrolment.objects.all()}
    differing = [pk for pk in before if before[pk] != after[pk]]
    assert len(differing) == 1
    enrolment = Enrolment.objects.get(pk=differing[0])
    assert enrolment.learner.full_name == "Trần Văn Cường"
    assert enrolment.result == Enrolment.Result.FAILED


def test_an_empty_result_in_a_reimport_does_not_erase_a_recorded_result(center, center_user):
    do_import(center, center_user, good_workbook())
    cleared = [list(row) for row in GOOD_LEARNERS]
    cleared[0][9] = ""

    plan = plan_import(center=center, parsed=read_workbook(good_workbook(cleared)))
    assert plan.changes_anything is False
    do_import(center, center_user, good_workbook(cleared))
    assert Enrolment.objects.get(course__code="KND-01", learner__national_id=AN_CCCD).result == "gioi"


def test_reimporting_a_learner_taken_off_the_class_puts_them_back(center, center_user):
    do_import(center, center_user, good_workbook())
    enrolment = Enrolment.objects.get(course__code="KND-01", learner__full_name="Lò Thị Bình")
    enrolment.removed_at = timezone.now()
    enrolment.save()

    plan = plan_import(center=center, parsed=read_workbook(good_workbook()))
    assert plan.summary()["new_enrolments"] == 1
    do_import(center, center_user, good_workbook())

    enrolment.refresh_from_db()
    assert enrolment.removed_at is None
    assert counts() == (2, 4, 5)


# -- 4. bad files --------------------------------------------------------------------------------------
NOT_XLSX = "Tệp không phải bảng tính Excel (.xlsx)"


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 10,
        "Danh sách học viên lớp KND-01\nNguyễn Văn An\n".encode(),
        (",".join(LEARNER_HEADERS) + "\nKND-01,Nguyễn Văn An,17/05/1990,Nam\n").encode("utf-8-sig"),
        b"PK\x03\x04 not really a zip",
    ],
    ids=["random-bytes", "txt", "csv", "fake-zip"],
)
def test_it_refuses_a_file_that_is_not_an_xlsx(center, center_user, data):
    assert_refused(center, center_user, data, NOT_XLSX)


def test_it_refuses_an_empty_file(center, center_user):
    assert_refused(center, center_user, b"", "Tệp rỗng")


def test_it_refuses_a_zip_that_is_not_a_workbook(center, center_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hoc_vien.csv", "Mã lớp,Họ và tên\n")
    assert_refused(center, center_user, buffer.getvalue(), NOT_XLSX)


def test_it_refuses_a_password_protected_file(center, center_user):
    data = OLE_SIGNATURE + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512
    assert_refused(center, center_user, data, "Tệp đang được đặt mật khẩu")


def test_it_refuses_a_legacy_xls_file(center, center_user):
    data = OLE_SIGNATURE + b"\0" * 504 + "Workbook".encode("utf-16-le") + b"\0" * 512
    message = assert_refused(center, center_user, data, "Excel 97-2003 (.xls)")
    assert "mật khẩu" not in message


def test_it_refuses_a_missing_header(center, center_user):
    data = xlsx([klass()], [learner()[:-1]], learner_headers=LEARNER_HEADERS[:9])
    assert_refused(center, center_user, data, "thiếu cột “Kết quả” (cột J)", sheet=LEARNER_SHEET, row=1)


def test_it_refuses_a_renamed_header(center, center_user):
    headers = [("Chương trình" if h == "Mã chương trình" else h) for h in CLASS_HEADERS]
    data = xlsx([klass()], [learner()], class_headers=headers)
    assert_refused(
        center,
        center_user,
        data,
        "cột C phải có tiêu đề “Mã chương trình”, tệp ghi “Chương trình”",
        sheet=CLASS_SHEET,
        row=1,
    )


def test_it_refuses_an_extra_column(center, center_user):
    data = xlsx([klass()], [learner() + ["x"]], learner_headers=[*LEARNER_HEADERS, "Ghi chú"])
    assert_refused(center, center_user, data, "cột N “Ghi chú” không có trong mẫu", sheet=LEARNER_SHEET, row=1)


def test_headers_are_matched_without_regard_to_case_or_diacritics(center, center_user):
    headers = [h.upper() for h in LEARNER_HEADERS]
    do_import(center, center_user, xlsx([klass()], [learner()], learner_headers=headers))
    assert counts() == (1, 1, 1)


def test_it_refuses_an_extra_sheet(center, center_user):
    data = xlsx([klass()], [learner()], extra_sheets=["Ghi chú"])
    assert_refused(center, center_user, data, "Tệp có trang tính không thuộc mẫu: “Ghi chú”")


def test_it_refuses_a_missing_sheet(center, center_user):
    data = xlsx([klass()], sheets=[CLASS_SHEET])
    assert_refused(center, center_user, data, "Tệp thiếu trang tính: “Học viên”")


def test_it_refuses_a_workbook_with_only_headers(center, center_user):
    assert_refused(center, center_user, xlsx(), "Tệp không có dòng dữ liệu nào")


def test_blank_rows_in_the_middle_are_skipped(center, center_user):
    learners = [GOOD_LEARNERS[0], None, None, *GOOD_LEARNERS[1:3], None, *GOOD_LEARNERS[3:]]
    parsed = read_workbook(xlsx([GOOD_CLASSES[0], None, GOOD_CLASSES[1]], learners))
    assert parsed.ok, [str(e) for e in parsed.errors]
    assert [c.row for c in parsed.classes] == [2, 4]
    assert [r.row for r in parsed.learners] == [2, 5, 6, 8, 9]

    services.workbook_import(scope=scope_of(center_user), center=center, parsed=parsed, user=center_user)
    assert counts() == (2, 4, 5)


def test_errors_name_the_real_row_after_blank_rows(center, center_user):
    data = xlsx([klass()], [learner(), None, learner(name="Lò Thị Bình", gender="Không rõ")])
    assert_refused(center, center_user, data, "Giá trị “Không rõ” không hợp lệ", sheet=LEARNER_SHEET, row=4)


def test_it_refuses_text_in_a_date_column(center, center_user):
    data = xlsx([klass(start="mùng 6 tháng 2")], [learner()])
    assert_refused(
        center,
        center_user,
        data,
        "Ngày không hợp lệ; ghi theo dạng dd/mm/yyyy",
        sheet=CLASS_SHEET,
        row=2,
        column="Ngày bắt đầu",
    )


def test_it_refuses_an_impossible_date(center, center_user):
    data = xlsx([klass()], [learner(dob="31/02/1990")])
    assert_refused(center, center_user, data, "Ngày không hợp lệ", sheet=LEARNER_SHEET, row=2, column="Ngày sinh")


def test_dates_given_as_excel_serial_numbers_are_read(center, center_user):
    data = xlsx([klass(start=44963, end=44967)], [learner(dob=32980)])  # 06/02/2023, 10/02/2023, 17/04/1990
    do_import(center, center_user, data)
    course = Course.objects.get()
    assert (course.start_date, course.end_date) == (datetime.date(2023, 2, 6), datetime.date(2023, 2, 10))
    assert Learner.objects.get().date_of_birth == datetime.date(1990, 4, 17)


def test_it_refuses_an_unclear_co_organised_value(center, center_user):
    data = xlsx([klass(co_organised="Có thể")], [learner()])
    assert_refused(
        center,
        center_user,
        data,
        "ghi “Có” hoặc để trống",
        sheet=CLASS_SHEET,
        row=2,
        column="Phối hợp Trường Chính trị",
    )


def test_it_refuses_a_class_starting_before_its_program_applies(center, center_user):
    data = xlsx([klass(start="06/02/2020", end="10/02/2020")], [learner()])
    assert_refused(
        center, center_user, data, "chương trình “KND” không áp dụng vào ngày 06/02/2020", sheet=CLASS_SHEET, row=2
    )


def test_each_class_uses_the_revision_of_its_program_in_force_on_its_start_date(center, center_user):
    Program.objects.filter(code="KND").update(valid_to=datetime.date(2025, 12, 31))
    old = Program.objects.get(code="KND")
    new = Program.objects.create(
        code="KND",
        name=old.name,
        briefing_phrase=old.briefing_phrase,
        order=old.order,
        valid_from=datetime.date(2026, 1, 1),
    )
    data = xlsx(
        [klass("KND-23", start="06/02/2023", end="10/02/2023"), klass("KND-26", start="02/02/2026", end="06/02/2026")],
        [learner("KND-23"), learner("KND-26")],
    )
    plan = plan_import(center=center, parsed=read_workbook(data))
    assert [str(e) for e in plan.errors] == []

    do_import(center, center_user, data)
    assert Course.objects.get(code="KND-23").program == old
    assert Course.objects.get(code="KND-26").program == new


def test_it_refuses_learners_for_a_cancelled_class(center, center_user):
    CourseFactory(center=center, code="KND-01", status=Course.Status.CANCELLED)
    data = xlsx(learners=[learner("KND-01")])
    assert_refused(center, center_user, data, "lớp “KND-01” đã hủy", sheet=LEARNER_SHEET, row=2, column="Mã lớp")


def test_it_refuses_an_unknown_program_code(center, center_user):
    data = xlsx([klass(program="XYZ")], [learner()])
    message = assert_refused(
        center, center_user, data, "không có chương trình mã “XYZ”", sheet=CLASS_SHEET, row=2, column="Mã chương trình"
    )
    assert "KND" in message  # the message lists the codes that exist


def test_it_refuses_an_unknown_format(center, center_user):
    data = xlsx([klass(fmt="Từ xa")], [learner()])
    message = assert_refused(
        center, center_user, data, "Giá trị “Từ xa” không hợp lệ", sheet=CLASS_SHEET, row=2, column="Hình thức"
    )
    assert "Trực tiếp" in message


def test_it_refuses_a_date_of_birth_in_the_future(center, center_user):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    data = xlsx([klass()], [learner(dob=tomorrow.strftime("%d/%m/%Y"))])
    assert_refused(
        center,
        center_user,
        data,
        "ngày sinh không được sau ngày hôm nay",
        sheet=LEARNER_SHEET,
        row=2,
        column="Ngày sinh",
    )


def test_it_refuses_an_eleven_digit_cccd_given_as_text(center, center_user):
    data = xlsx([klass()], [learner(cccd="01234567890")])
    assert_refused(
        center,
        center_user,
        data,
        "Số CCCD “01234567890” phải gồm đúng 12 chữ số",
        sheet=LEARNER_SHEET,
        row=2,
        column="Số CCCD",
    )


def test_it_refuses_a_cccd_typed_as_a_number_with_too_few_digits(center, center_user):
    data = xlsx([klass()], [learner(cccd=1090000001)])  # 10 digits: more than the one dropped leading zero
    assert_refused(
        center, center_user, data, "Số CCCD “1090000001” phải gồm đúng 12 chữ số", sheet=LEARNER_SHEET, row=2
    )


def test_it_refuses_the_same_learner_twice_in_a_class(center, center_user):
    data = xlsx([klass()], [learner(), learner(name="Lò Thị Bình"), learner(name="NGUYỄN VĂN AN")])
    assert_refused(
        center,
        center_user,
        data,
        "học viên “NGUYỄN VĂN AN” trùng với dòng 2 trong cùng lớp",
        sheet=LEARNER_SHEET,
        row=4,
    )


def test_it_refuses_one_cccd_given_to_two_people(center, center_user):
    data = xlsx([klass()], [learner(cccd=AN_CCCD), learner(name="Lò Thị Bình", cccd=AN_CCCD)])
    assert_refused(
        center, center_user, data, f"số CCCD {AN_CCCD} đã ghi cho “Nguyễn Văn An” ở dòng 2", sheet=LEARNER_SHEET, row=3
    )


def test_it_refuses_a_learner_of_a_class_that_does_not_exist(center, center_user):
    data = xlsx([klass("KND-01")], [learner("KND-99")])
    assert_refused(center, center_user, data, "không có lớp mã “KND-99”", sheet=LEARNER_SHEET, row=2)


def test_it_refuses_more_than_twenty_thousand_rows(center, center_user):
    workbook = Workbook(write_only=True)
    classes = workbook.create_sheet(CLASS_SHEET)
    classes.append(CLASS_HEADERS)
    classes.append(klass())
    learners = workbook.create_sheet(LEARNER_SHEET)
    learners.append(LEARNER_HEADERS)
    for n in range(20_001):
        learners.append(["KND-01", f"Học viên {n}", None, "Nam"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert_refused(center, center_user, buffer.getvalue(), "quá 20.000 dòng dữ liệu", sheet=LEARNER_SHEET)


def test_it_refuses_a_file_over_ten_megabytes(center, center_user):
    data = b"PK" + b"\0" * (10 * 1024 * 1024 - 1)
    assert len(data) == 10 * 1024 * 1024 + 1
    assert_refused(center, center_user, data, "Tệp lớn hơn 10 MB")


def test_it_refuses_a_workbook_with_macros(center, center_user):
    data = with_member(good_workbook(), "xl/vbaProject.bin", b"\0" * 64)
    assert read_workbook(good_workbook()).ok  # the same file without the macro is fine
    assert_refused(center, center_user, data, "Tệp có chứa macro (.xlsm)")


def test_it_refuses_a_class_ending_before_it_starts(center, center_user):
    data = xlsx([klass(start="10/02/2023", end="06/02/2023")], [learner()])
    assert_refused(
        center, center_user, data, "ngày kết thúc trước ngày bắt đầu", sheet=CLASS_SHEET, row=2, column="Ngày kết thúc"
    )


def test_one_bad_row_among_good_ones_writes_nothing(center, center_user):
    learners = [*GOOD_LEARNERS, learner("DVM-01", "Vũ Văn Em", "01/01/1970", "Nam", None, "Xuất sắc nhất")]
    assert_refused(
        center,
        center_user,
        good_workbook(learners),
        "Giá trị “Xuất sắc nhất” không hợp lệ",
        sheet=LEARNER_SHEET,
        row=7,
        column="Kết quả",
    )


def test_one_upload_lists_the_errors_of_reading_and_of_matching_together_in_order(center, center_user):
    """A bad date and an unknown program, a duplicate class code and a learner of a class that does not exist:
    all four at once, by sheet and row, not two now and two after the next upload."""
    data = xlsx(
        [klass("A-01", start="10/02/2023", end="06/02/2023"), klass("A-02", program="XYZ"), klass("A-01")],
        [learner("A-01"), learner("ZZZ-9", name="Lê Thị Hoa")],
    )
    plan = plan_import(center=center, parsed=read_workbook(data), course=None)
    messages = [str(error) for error in plan.errors]
    expected = [
        ("dòng 2", "ngày kết thúc trước ngày bắt đầu"),
        ("dòng 3", "không có chương trình mã “XYZ”"),
        ("dòng 4", "mã lớp “A-01” trùng với dòng 2"),
        ("dòng 3", "không có lớp mã “ZZZ-9”"),
    ]
    assert len(messages) == len(expected), messages
    for message, (row, fragment) in zip(messages, expected, strict=True):
        assert row in message and fragment in message, messages
    assert messages[3].startswith(f"Trang “{LEARNER_SHEET}”")
    before = counts()
    with pytest.raises(ValidationError):
        do_import(center, center_user, data)
    assert counts() == before


def test_a_file_that_cannot_be_read_as_the_template_is_not_matched_further(center, center_user):
    data = xlsx([klass(program="XYZ")], [learner()], sheets=[CLASS_SHEET])  # no learner sheet
    messages = [str(e) for e in plan_import(center=center, parsed=read_workbook(data), course=None).errors]
    assert messages == [f"Tệp thiếu trang tính: “{LEARNER_SHEET}”."]


# -- 5. roster mode ------------------------------------------------------------------------------------
@pytest.fixture
def course(center):
    return CourseFactory(center=center, code="DVM-05", program=Program.objects.get(code="DVM"))


def roster(*learners) -> bytes:
    return xlsx(learners=learners, sheets=[LEARNER_SHEET])


def test_a_roster_puts_learners_without_a_class_code_into_the_class(center, center_user, course):
    data = roster(
        learner("", "Nguyễn Văn An", cccd=AN_CCCD),
        learner("", "Lò Thị Bình", "12/08/1995", "Nữ"),
        learner("dvm-05", "Trần Văn Cường", "02/01/1988", result="Khá"),
    )
    parsed = read_workbook(data, roster=True)
    assert parsed.ok, [str(e) for e in parsed.errors]
    plan = plan_import(center=center, parsed=parsed, course=course)
    assert plan.ok
    assert plan.summary()["new_classes"] == 0
    assert plan.summary()["new_enrolments"] == 3

    do_import(center, center_user, data, roster_course=course)

    assert counts() == (1, 3, 3)
    assert sorted(course.enrolments.values_list("learner__full_name", flat=True)) == [
        "Lò Thị Bình",
        "Nguyễn Văn An",
        "Trần Văn Cường",
    ]
    assert course.enrolments.get(learner__full_name="Trần Văn Cường").result == "kha"


def test_a_roster_row_naming_another_class_is_an_error(center, center_user, course):
    data = roster(learner("", "Nguyễn Văn An"), learner("KND-01", "Lò Thị Bình", "12/08/1995", "Nữ"))
    assert_refused(
        center,
        center_user,
        data,
        "mã lớp “KND-01” khác lớp đang nhập (DVM-05)",
        sheet=LEARNER_SHEET,
        row=3,
        column="Mã lớp",
        roster_course=course,
    )


def test_a_full_import_needs_a_class_code_on_every_learner(center, center_user):
    data = xlsx([klass()], [learner(""), learner(name="Lò Thị Bình")])
    assert_refused(center, center_user, data, "không được để trống", sheet=LEARNER_SHEET, row=2, column="Mã lớp")


# -- 6. and 7. matching existing learners --------------------------------------------------------------
def test_a_cccd_of_a_learner_of_another_center_is_an_error(center, other_center, center_user):
    LearnerFactory(center=other_center, full_name="Nguyễn Văn An", national_id=AN_CCCD)
    assert_refused(
        center,
        center_user,
        good_workbook(),
        "đề nghị Ban Tuyên giáo và Dân vận tỉnh chuyển hồ sơ học viên về trung tâm "
        "(Ban tìm theo số CCCD ở mục Học viên)",
        sheet=LEARNER_SHEET,
        row=2,
        column="Số CCCD",
    )
    assert Learner.objects.get(national_id=AN_CCCD).center == other_center


def test_an_existing_learner_is_matched_by_name_and_date_of_birth(center, center_user):
    existing = LearnerFactory(center=center, full_name="Nguyễn Thị Hằng", date_of_birth=datetime.date(1990, 5, 17))
    data = xlsx(
        [klass()],
        [
            learner(name="  nguyen   thi HANG ", dob="17/05/1990", gender="Nữ"),
            learner(name="Nguyễn Thị Hằng", dob="18/05/1990", gender="Nữ"),  # another person: other birthday
        ],
    )
    plan = plan_import(center=center, parsed=read_workbook(data))
    assert plan.summary()["matched_learners"] == 1
    assert plan.summary()["new_learners"] == 1

    do_import(center, center_user, data)

    assert Learner.objects.count() == 2
    assert existing.enrolments.get().course.code == "KND-01"
    existing.refresh_from_db()
    assert existing.full_name == "Nguyễn Thị Hằng"  # the record is not renamed by the file


def test_a_learner_of_another_center_with_the_same_name_is_not_matched(center, other_center, center_user):
    LearnerFactory(center=other_center, full_name="Nguyễn Thị Hằng", date_of_birth=datetime.date(1990, 5, 17))
    do_import(center, center_user, xlsx([klass()], [learner(name="Nguyễn Thị Hằng", gender="Nữ")]))
    assert Learner.objects.filter(center=center).count() == 1
    assert Learner.objects.filter(center=other_center).get().enrolments.count() == 0


def test_an_existing_learner_is_matched_by_cccd_and_enrolled_in_an_existing_class(center, center_user):
    course = CourseFactory(center=center, code="KND-01")
    an = LearnerFactory(center=center, full_name="Nguyễn Văn An", national_id=AN_CCCD)
    EnrolmentFactory(course=course, learner=LearnerFactory(center=center))
    data = xlsx(learners=[learner("knd-01", "Nguyễn Văn An", cccd=AN_CCCD)], sheets=[CLASS_SHEET, LEARNER_SHEET])

    do_import(center, center_user, data)

    assert counts() == (1, 2, 2)
    assert an.enrolments.get().course == course


def test_a_user_of_another_center_cannot_import_into_this_center(center, other_center_user):
    before = counts()
    with pytest.raises(Http404):  # outside the user's scope: a 404, never a write
        do_import(center, other_center_user, good_workbook())
    assert counts() == before


# -- 8. the template -----------------------------------------------------------------------------------
def test_the_template_has_the_exact_sheets_and_headers_and_no_data():
    data = template_workbook(Program.objects.all())

    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [CLASS_SHEET, LEARNER_SHEET] == ["Lớp học", "Học viên"]
    assert [c.value for c in workbook[CLASS_SHEET][1]] == CLASS_HEADERS
    assert [c.value for c in workbook[LEARNER_SHEET][1]] == LEARNER_HEADERS
    assert CLASS_HEADERS[2] == "Mã chương trình"

    parsed = read_workbook(data)
    assert [str(e) for e in parsed.errors] == ["Tệp không có dòng dữ liệu nào."]


def test_a_filled_in_template_imports(center, center_user):
    workbook = load_workbook(io.BytesIO(template_workbook(Program.objects.all())))
    workbook[CLASS_SHEET].append(klass())
    workbook[LEARNER_SHEET].append(learner(cccd=AN_CCCD))
    buffer = io.BytesIO()
    workbook.save(buffer)

    do_import(center, center_user, buffer.getvalue())
    assert counts() == (1, 1, 1)


# -- 9. the command ------------------------------------------------------------------------------------
def run_command(*args) -> str:
    out = io.StringIO()
    call_command("import_workbook", *args, stdout=out)
    return out.getvalue()


def test_the_command_dry_run_previews_and_writes_nothing(center, tmp_path):
    path = tmp_path / "lop_hoc.xlsx"
    path.write_bytes(good_workbook())

    output = run_command(str(path), "--center", "10-080", "--dry-run")

    assert "Lớp học: 2 lớp mới, 0 lớp đã có." in output
    assert "Học viên: 4 người mới" in output
    assert "Lượt học viên: 5 lượt mới" in output
    assert "Chạy thử (--dry-run): không ghi gì." in output
    assert counts() == (0, 0, 0)


def test_the_command_writes_the_workbook(center, tmp_path):
    path = tmp_path / "lop_hoc.xlsx"
    path.write_bytes(good_workbook())

    output = run_command(str(path), "--center", "10-080")

    assert "Đã ghi: 2 lớp mới" in output
    assert "5 lượt học viên mới, 0 kết quả cập nhật." in output
    assert counts() == (2, 4, 5)
    assert set(Course.objects.values_list("center", flat=True)) == {center.pk}

    again = run_command(str(path), "--center", "10-080")
    assert "không có gì để ghi" in again
    assert counts() == (2, 4, 5)


def test_the_command_reports_how_many_learners_it_created(center, tmp_path):
    path = tmp_path / "lop_hoc.xlsx"
    path.write_bytes(good_workbook())

    output = run_command(str(path), "--center", "10-080")

    assert "Đã ghi: 2 lớp mới, 4 học viên mới, 5 lượt học viên mới, 0 kết quả cập nhật." in output


def test_the_command_refuses_a_bad_file_with_exit_status_1(center, tmp_path):
    path = tmp_path / "lop_hoc.xlsx"
    path.write_bytes(xlsx([klass(program="XYZ")], [learner()]))
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_workbook", str(path), "--center", "10-080", stdout=out)

    assert error.value.returncode == 1
    assert "Tệp có 1 lỗi; không ghi gì." in str(error.value)
    assert "không có chương trình mã “XYZ”" in out.getvalue()
    assert "Trang “Lớp học”, dòng 2" in out.getvalue()
    assert counts() == (0, 0, 0)


def test_the_command_refuses_a_file_over_ten_megabytes(center, tmp_path):
    path = tmp_path / "lon.xlsx"
    path.write_bytes(b"PK" + b"\0" * (10 * 1024 * 1024 - 1))
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_workbook", str(path), "--center", "10-080", stdout=out)

    assert error.value.returncode == 1
    assert "Tệp lớn hơn 10 MB" in out.getvalue()
    assert counts() == (0, 0, 0)


def test_the_command_refuses_an_unknown_center(center, tmp_path):
    path = tmp_path / "lop_hoc.xlsx"
    path.write_bytes(good_workbook())
    with pytest.raises(CommandError, match="Không có trung tâm mã “10-999”"):
        run_command(str(path), "--center", "10-999")
    assert counts() == (0, 0, 0)
