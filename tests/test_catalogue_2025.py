"""The program catalogue in versions, edited by the central level in the app (#23): programs added, edited and
closed on a date (never deleted), the mapping between versions added and retired with a reason; a class offers only
the programs in force on its start date."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from centers.scoping import Scope
from courses import catalogue_services as catalogue
from courses import services
from courses.models import Course, Program, ProgramMapping

from .factories import CourseFactory, program

pytestmark = pytest.mark.django_db

DEC_2025 = datetime.date(2025, 12, 1)


def page(response) -> str:
    return response.content.decode()


def test_the_catalogue_holds_both_versions_with_their_dates_and_groups(client, central_user):
    client.force_login(central_user)
    response = client.get(reverse("courses:program_list"))
    assert response.status_code == 200
    html = page(response)
    assert "Phiên bản áp dụng từ 01/12/2025" in html and "Phiên bản áp dụng từ 01/01/2021" in html
    assert "01/01/2021 – 30/11/2025" in html  # the nine programs of 2022 closed the day before
    assert "N3-TGDV" in html and "3. Bồi dưỡng chuyên môn, nghiệp vụ" in html
    assert reverse("courses:program_list") in page(client.get("/"))  # the menu link for central staff


def test_the_catalogue_page_costs_the_same_queries_whatever_the_classes(
    client, central_user, center, django_assert_max_num_queries
):
    client.force_login(central_user)
    client.get(reverse("courses:program_list"))
    for n in range(5):
        CourseFactory(center=center, program=program("N1"), start_date=datetime.date(2026, 3, 2 + n))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("courses:program_list")).status_code == 200


def test_the_mapping_page_costs_the_same_queries_whatever_the_pairs(
    client, central_user, django_assert_max_num_queries
):
    client.force_login(central_user)
    client.get(reverse("courses:mapping_list"))
    scope = Scope.for_user(central_user)
    for earlier in ("TCLL", "NQ", "KND"):
        catalogue.mapping_add(scope=scope, earlier=program(earlier), later=program("N5"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("courses:mapping_list")).status_code == 200


def test_central_staff_add_a_program_edit_it_and_close_it(client, central_user):
    client.force_login(central_user)
    response = client.post(
        reverse("courses:program_create"),
        {
            "code": "n6",
            "name": "Bồi dưỡng kỹ năng số cho cán bộ cơ sở",
            "briefing_phrase": "bồi dưỡng kỹ năng số",
            "group": "5",
            "order": "18",
            "valid_from": "01/01/2027",
            "valid_to": "",
        },
    )
    assert response.status_code == 302
    added = Program.objects.get(code="N6")
    assert added.valid_from == datetime.date(2027, 1, 1) and added.valid_to is None and added.group == 5

    response = client.post(
        reverse("courses:program_edit", args=[added.pk]),
        {
            "name": "Bồi dưỡng chuyển đổi số cho cán bộ cơ sở",
            "briefing_phrase": "bồi dưỡng chuyển đổi số",
            "group": "5",
            "order": "19",
            "valid_from": "01/01/2027",
            "valid_to": "",
        },
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.name == "Bồi dưỡng chuyển đổi số cho cán bộ cơ sở" and added.order == 19

    response = client.post(reverse("courses:program_close", args=[added.pk]), {"valid_to": "31/12/2027"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.valid_to == datetime.date(2027, 12, 31)
    assert added.history.count() == 3  # added, edited, closed: kept, never deleted
    assert "Chương trình N6 áp dụng đến hết ngày 31/12/2027." in page(client.get(reverse("courses:program_list")))


def test_a_new_version_of_a_code_closes_the_one_in_force_the_day_before(central_user):
    scope = Scope.for_user(central_user)
    n5 = program("N5")
    newer = catalogue.program_create(
        scope=scope,
        code="N5",
        name="Tập huấn kỹ năng, cập nhật kiến thức (sửa đổi)",
        briefing_phrase="tập huấn kỹ năng",
        order=17,
        group=5,
        valid_from=datetime.date(2027, 7, 1),
        valid_to=None,
    )
    n5.refresh_from_db()
    assert n5.valid_to == datetime.date(2027, 6, 30) and newer.valid_to is None


def test_a_program_used_by_classes_cannot_strand_them(client, central_user, center):
    n1 = program("N1")
    CourseFactory(center=center, program=n1, code="2026-N1-07", start_date=datetime.date(2026, 10, 5))
    client.force_login(central_user)
    response = client.post(reverse("courses:program_close", args=[n1.pk]), {"valid_to": "30/09/2026"})
    assert response.status_code == 400
    html = page(response)
    assert "1 lớp học chương trình này bắt đầu ngoài khoảng đó" in html
    assert "2026-N1-07" in html and "05/10/2026" in html
    n1.refresh_from_db()
    assert n1.valid_to is None  # nothing written
    # Moving its start after the class's start is refused the same way.
    with pytest.raises(ValidationError, match="2026-N1-07.*từ ngày bắt đầu của lớp đầu tiên"):
        catalogue.program_update(scope=Scope.for_user(central_user), program=n1, valid_from=datetime.date(2026, 11, 1))
    # Closing on the class's start day is fine.
    catalogue.program_close(scope=Scope.for_user(central_user), program=n1, valid_to=datetime.date(2026, 10, 5))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"valid_from": "01/12/2025", "code": "N1"}, "đã có một phiên bản áp dụng từ 01/12/2025"),
        ({"valid_from": "1/13/2027"}, "Nhập một ngày hợp lệ"),
        ({"group": "9"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"valid_from": "01/01/2027", "valid_to": "31/12/2026"}, "không được trước ngày bắt đầu áp dụng (01/01/2027)"),
        ({"name": ""}, "Trường này là bắt buộc"),
    ],
)
def test_bad_programs_are_refused_with_a_message_and_nothing_written(client, central_user, data, message):
    client.force_login(central_user)
    before = Program.objects.count()
    form = {
        "code": "N7",
        "name": "Bồi dưỡng thử",
        "briefing_phrase": "bồi dưỡng thử",
        "group": "4",
        "order": "20",
        "valid_from": "01/01/2027",
        "valid_to": "",
    } | data
    response = client.post(reverse("courses:program_create"), form)
    assert response.status_code == 400
    assert message in page(response)
    assert Program.objects.count() == before


def test_central_staff_add_and_retire_a_mapping(client, central_user):
    client.force_login(central_user)
    nq, n5 = program("NQ"), program("N5")
    response = client.post(
        reverse("courses:mapping_list"), {"earlier": nq.pk, "later": n5.pk, "note": "Học tập nghị quyết: thời sự"}
    )
    assert response.status_code == 302
    mapping = ProgramMapping.objects.get(earlier=nq, later=n5, retired_at__isnull=True)
    html = page(client.get(reverse("courses:mapping_list")))
    assert "Đã nối NQ → N5." in html and "Học tập nghị quyết: thời sự" in html
    assert "TCLL – " in html.split("đã kết thúc, không có tương ứng")[1]  # still unmapped, and said so

    response = client.post(reverse("courses:mapping_retire", args=[mapping.pk]), {"reason": "Nối nhầm"})
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.retired_at is not None
    assert mapping.history.first().history_change_reason == "Nối nhầm"
    assert "Đã bỏ tương ứng NQ → N5." in page(client.get(reverse("courses:mapping_list")))
    # Retired, it may be made again; a reason is required to retire.
    again = catalogue.mapping_add(scope=Scope.for_user(central_user), earlier=nq, later=n5)
    response = client.post(reverse("courses:mapping_retire", args=[again.pk]), {"reason": ""}, follow=True)
    assert "Hãy ghi lý do" in page(response)
    again.refresh_from_db()
    assert again.retired_at is None
    assert ProgramMapping.objects.filter(earlier=nq, later=n5).count() == 2


@pytest.mark.parametrize(
    ("earlier", "later", "message"),
    [
        ("N1", "N1", "không thể tương ứng với chính nó"),
        ("N1", "KND", "phải áp dụng sớm hơn"),
        ("KND", "N1", "đã được nối với nhau"),
    ],
)
def test_bad_mappings_are_refused(client, central_user, earlier, later, message):
    client.force_login(central_user)
    before = ProgramMapping.objects.count()
    response = client.post(
        reverse("courses:mapping_list"), {"earlier": program(earlier).pk, "later": program(later).pk}
    )
    assert response.status_code == 400
    assert message in page(response)
    assert ProgramMapping.objects.count() == before


@pytest.mark.parametrize("role", ["center_user", "board_user"])
def test_centers_and_boards_may_not_edit_the_catalogue(request, client, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    n1 = program("N1")
    mapping = ProgramMapping.objects.filter(retired_at__isnull=True).first()
    assert client.get(reverse("courses:program_list")).status_code == 403
    assert client.post(reverse("courses:program_close", args=[n1.pk]), {"valid_to": "01/01/2027"}).status_code == 403
    assert client.post(reverse("courses:mapping_retire", args=[mapping.pk]), {"reason": "x"}).status_code == 403
    assert reverse("courses:program_list") not in page(client.get("/"))
    with pytest.raises(PermissionDenied):
        catalogue.program_close(scope=Scope.for_user(user), program=n1, valid_to=datetime.date(2027, 1, 1))
    n1.refresh_from_db()
    mapping.refresh_from_db()
    assert n1.valid_to is None and mapping.retired_at is None


def test_a_class_offers_only_the_programs_in_force_on_its_start_date(center, center_user):
    before, after = datetime.date(2025, 11, 20), datetime.date(2026, 3, 2)
    assert {p.code for p in catalogue.programs_for_course(before)} == {
        "KND",
        "DVM",
        "BTCB",
        "DT",
        "CD",
        "NVTG",
        "CNKT",
        "TCLL",
        "NQ",
    }
    assert {p.code for p in catalogue.programs_for_course(after)} == {
        "N1",
        "N2",
        "N3-CTD",
        "N3-TGDV",
        "N3-MTDT",
        "N4",
        "N5",
    }
    scope = Scope.for_user(center_user)
    fields = {"code": "2026-01", "title": "Lớp bồi dưỡng đảng viên mới", "end_date": after, "start_date": after}
    with pytest.raises(ValidationError, match="không còn áp dụng vào ngày 02/03/2026"):
        services.course_create(scope=scope, center=center, program=program("DVM"), **fields)
    assert not Course.objects.filter(code="2026-01").exists()
    course = services.course_create(scope=scope, center=center, program=program("N2"), **fields)
    assert course.program.code == "N2"


# -- today's learner groups in the forms and the workbook ----------------------------------------------------------
TODAYS_GROUPS = {
    "cong_chuc": "Công chức, viên chức",
    "bao_cao_vien": "Báo cáo viên, tuyên truyền viên",
    "thon_to_dan_pho": "Người hoạt động không chuyên trách ở thôn, tổ dân phố",
}


def test_the_learner_form_offers_todays_groups(client, center_user):
    from courses.forms import LearnerForm

    choices = dict(LearnerForm().fields["group"].choices)
    for value, label in TODAYS_GROUPS.items():
        assert str(choices[value]) == label


def test_the_workbook_lists_and_reads_todays_groups():
    import io

    from openpyxl import Workbook, load_workbook

    from courses.workbook import LEARNER_HEADERS, LEARNER_SHEET, read_workbook, template_workbook

    template = load_workbook(io.BytesIO(template_workbook(Program.objects.in_force_on(DEC_2025))))
    sheet = template[LEARNER_SHEET]
    column = LEARNER_HEADERS.index("Đối tượng") + 1
    listed = next(
        v.formula1.strip('"').split(",")
        for v in sheet.data_validations.dataValidation
        if str(v.sqref).startswith(f"{chr(64 + column)}2")
    )
    # Excel splits a list at its commas: each of today's groups is one item, and the list fits Excel's 255 characters.
    assert "Công chức - viên chức" in listed and "Người hoạt động không chuyên trách ở thôn - tổ dân phố" in listed
    assert len(",".join(listed)) <= 255

    typed = {
        "Công chức - viên chức": "cong_chuc",
        "Công chức, viên chức": "cong_chuc",
        "Viên chức": "cong_chuc",
        "Báo cáo viên": "bao_cao_vien",
        "Tuyên truyền viên": "bao_cao_vien",
        "Người hoạt động không chuyên trách ở thôn - tổ dân phố": "thon_to_dan_pho",
        "thôn, tổ dân phố": "thon_to_dan_pho",
    }
    book = Workbook()
    book.remove(book.active)
    ws = book.create_sheet(LEARNER_SHEET)
    ws.append(LEARNER_HEADERS)
    for n, label in enumerate(typed):
        row = dict.fromkeys(LEARNER_HEADERS, None) | {
            "Mã lớp": "N1-01",
            "Họ và tên": f"Nguyễn Văn {chr(65 + n)}",
            "Ngày sinh": "17/05/1990",
            "Giới tính": "Nam",
            "Dân tộc": "Kinh",
            "Đối tượng": label,
            "Đảng viên": "Quần chúng",
        }
        ws.append([row[h] for h in LEARNER_HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = read_workbook(buffer.getvalue(), roster=True)
    assert not parsed.errors, parsed.errors
    assert [row.group for row in parsed.learners] == list(typed.values())


def test_the_roster_export_names_todays_groups(login, board_user, center):
    import io

    from openpyxl import load_workbook

    from .factories import EnrolmentFactory, LearnerFactory, approve
    from .test_exports import download

    course = CourseFactory(center=center, program=program("N3-TGDV"), start_date=datetime.date(2026, 3, 2))
    for value in TODAYS_GROUPS:
        EnrolmentFactory(course=course, learner=LearnerFactory(center=center, group=value))
    approve(center, 2026, 1)
    content, _ = download(login(board_user), "10", "2026-Q1", "xlsx", danh_sach="1")
    sheet = load_workbook(io.BytesIO(content))["Danh sách học viên"]
    shown = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert set(TODAYS_GROUPS.values()) <= shown
