"""What users may enter, at its bounds: CCCDs in other digits, dates outside any reporting period, names made of
nothing visible, sizes beyond a database integer, and saves that lost their version. Each is refused with a
Vietnamese message and writes nothing, in the browser forms and in the workbook import alike."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from centers.scoping import Scope
from courses import services
from courses.models import Course, Learner, Lecturer
from courses.workbook import CLASS_SHEET, LEARNER_SHEET
from reports.models import CenterReport, Deadline

from .factories import CourseFactory, EnrolmentFactory, LearnerFactory, program
from .test_courses import course_data, learner_post
from .test_import import assert_refused, do_import, klass, learner, xlsx
from .test_learner_transfer import transfer

pytestmark = pytest.mark.django_db

ASCII_CCCD = "010090001234"
FULL_WIDTH_CCCD = "０１００９０００１２３４"  # what a Chinese or Japanese input method types
NOT_ASCII_CCCDS = {
    "arabic-indic": "٠١٠٠٩٠٠٠١٢٣٤",
    "devanagari": "०१००९०००१२३४",
    "mixed": "01009000١٢٣٤",
}
NOT_ASCII_MESSAGE = "Số CCCD chỉ được gồm các chữ số 0-9"
VERSION_MISSING = "Không xác định được phiên bản của bản ghi đồng chí đang sửa, nên không có gì được ghi."


def add_learner(client, course, **fields):
    return client.post(reverse("courses:course_add_learner", args=[course.pk]), learner_post(**fields))


@pytest.fixture
def course(center):
    return CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))


# -- 1. CCCD -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cccd", NOT_ASCII_CCCDS.values(), ids=NOT_ASCII_CCCDS.keys())
def test_a_cccd_in_other_digits_is_refused_and_a_full_width_one_is_stored_in_ascii(
    login, center_user, center, course, cccd
):
    client = login(center_user)
    response = add_learner(client, course, **{"hv-national_id": cccd})
    assert response.status_code == 400
    assert NOT_ASCII_MESSAGE in response.content.decode()
    assert not Learner.objects.exists()
    # Full-width digits are the same CCCD: stored as 0-9, so uniqueness and search see it.
    assert add_learner(client, course, **{"hv-national_id": FULL_WIDTH_CCCD}).status_code == 302
    assert Learner.objects.get().national_id == ASCII_CCCD
    found = client.get(reverse("courses:learner_list"), {"q": "１２３４"}).content.decode()
    assert "Trần Văn Bình" in found


@pytest.mark.parametrize("cccd", NOT_ASCII_CCCDS.values(), ids=NOT_ASCII_CCCDS.keys())
def test_the_import_refuses_a_cccd_in_other_digits_and_stores_a_full_width_one_in_ascii(center, center_user, cccd):
    refused = xlsx([klass()], [learner(cccd=cccd)])
    message = assert_refused(center, center_user, refused, NOT_ASCII_MESSAGE, sheet=LEARNER_SHEET, row=2)
    assert "Số CCCD" in message
    do_import(center, center_user, xlsx([klass()], [learner(cccd=FULL_WIDTH_CCCD)]))
    assert Learner.objects.get().national_id == ASCII_CCCD


def test_a_full_width_twin_of_a_cccd_held_is_refused_as_a_duplicate(login, center_user, center, course):
    LearnerFactory(center=center, full_name="Lò Thị Sua", national_id=ASCII_CCCD)
    response = add_learner(login(center_user), course, **{"hv-national_id": FULL_WIDTH_CCCD})
    assert response.status_code == 400
    assert "Trung tâm đã có học viên “Lò Thị Sua” với số CCCD này" in response.content.decode()
    assert Learner.objects.count() == 1
    with pytest.raises(ValidationError, match="Lò Thị Sua"):  # the service alone (a command, the admin) too
        services.learner_create(
            scope=Scope.for_user(center_user),
            center=center,
            full_name="Trần Văn Bình",
            gender="nam",
            national_id=" ０１００ ９０００ １２３４ ",
        )


def test_the_data_migration_normalises_the_cccds_it_safely_can_and_reports_the_rest(center, capsys):
    migration = importlib.import_module("courses.migrations.0008_normalise_cccd")
    full_width, arabic, twin_holder, twin = LearnerFactory.create_batch(4, center=center)
    # Rows as the old "\d{12}" let them in (written past the validators).
    Learner.objects.filter(pk=full_width.pk).update(national_id="０２０１２３４５６７８９")
    Learner.objects.filter(pk=arabic.pk).update(national_id=NOT_ASCII_CCCDS["arabic-indic"])
    Learner.objects.filter(pk=twin_holder.pk).update(national_id=ASCII_CCCD)
    Learner.objects.filter(pk=twin.pk).update(national_id=FULL_WIDTH_CCCD)

    left = migration.normalise_cccds(apps, None)

    stored = dict(Learner.objects.values_list("pk", "national_id"))
    assert stored[full_width.pk] == "020123456789"
    assert stored[arabic.pk] == NOT_ASCII_CCCDS["arabic-indic"]  # kept as entered, for the center to correct
    assert (stored[twin_holder.pk], stored[twin.pk]) == (ASCII_CCCD, FULL_WIDTH_CCCD)
    assert sorted(left) == sorted([arabic.pk, twin.pk])
    printed = capsys.readouterr().out
    assert f"Học viên #{arabic.pk}" in printed and f"Học viên #{twin.pk}" in printed


# -- 2. dates, names and sizes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("day", ["31/12/9999", "01/01/2101"])
def test_class_dates_outside_the_reporting_years_are_refused_in_the_form_and_the_import(
    login, center_user, center, day
):
    client = login(center_user)
    for dates in ({"end_date": day}, {"start_date": day, "end_date": day}):
        response = client.post(reverse("courses:course_create"), course_data(**dates))
        assert response.status_code == 200
        assert f"Ngày {day} nằm ngoài phạm vi báo cáo" in response.content.decode()
    assert not Course.objects.exists()
    assert_refused(
        center, center_user, xlsx([klass(end=day)]), f"ngày {day} nằm ngoài phạm vi báo cáo", sheet=CLASS_SHEET
    )
    with pytest.raises(ValidationError, match="nằm ngoài phạm vi báo cáo"):  # the service is the backstop
        services.course_create(
            scope=Scope.for_user(center_user),
            center=center,
            program=program("DVM"),
            code="DVM-9999",
            title="Lớp bồi dưỡng đảng viên mới",
            start_date=datetime.date(2026, 10, 5),
            end_date=datetime.date(9999, 12, 31),
        )


def test_birth_dates_before_1900_or_under_fifteen_years_ago_are_refused(login, center_user, center, course):
    ten_years_old = datetime.date.today().replace(day=1) - datetime.timedelta(days=10 * 365)
    cases = {"31/12/1899": "không hợp lệ", ten_years_old.strftime("%d/%m/%Y"): "phải từ đủ 15 tuổi"}
    client = login(center_user)
    for day, message in cases.items():
        response = add_learner(client, course, **{"hv-date_of_birth": day})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert_refused(center, center_user, xlsx([klass()], [learner(dob=day)]), message, sheet=LEARNER_SHEET, row=2)
    assert not Learner.objects.exists()


def test_a_deadline_three_years_after_the_quarter_is_refused(login, board_user, province):
    response = login(board_user).post(
        reverse("reports:deadline", args=["10", "2023-Q1"]), {"due_on": "31/03/2026"}, follow=True
    )
    assert "Hạn nộp 31/03/2026 quá xa" in response.content.decode()
    assert not Deadline.objects.exists()


@pytest.mark.parametrize("name", ["\u200b\u200b", "\ufeff", "\u3000\u200b\u2060"])
def test_names_made_of_invisible_characters_are_refused(login, center_user, center, course, name):
    client = login(center_user)
    body = add_learner(client, course, **{"hv-full_name": name}).content.decode()
    assert "Họ và tên không được để trống." in body
    body = client.post(reverse("courses:course_create"), course_data(title=name)).content.decode()
    assert "Tên lớp không được để trống." in body
    body = client.post(reverse("courses:lecturer_create"), {"full_name": name, "kind": "chuyen_trach"}).content.decode()
    assert "Họ và tên không được để trống." in body
    assert_refused(center, center_user, xlsx([klass()], [learner(name=name)]), "không được để trống", row=2)
    assert (Learner.objects.count(), Course.objects.count(), Lecturer.objects.count()) == (0, 1, 0)


def test_a_planned_size_beyond_any_class_is_refused_without_a_500(login, center_user, center):
    response = login(center_user).post(reverse("courses:course_create"), course_data(planned_size=str(10**10)))
    assert response.status_code == 200
    assert "Số học viên dự kiến tối đa là 10.000." in response.content.decode()
    assert not Course.objects.exists()


# -- 3. the version check -------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", [None, "abc"], ids=["missing", "malformed"])
def test_a_save_without_a_readable_version_is_refused_and_writes_nothing(
    login, center_user, board_user, center, other_center, version
):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5), title="Tên gốc")
    enrolment = EnrolmentFactory(course=course)

    def post(client, address, data):
        if version is not None:
            data["version"] = version
        return client.post(address, data, follow=True).content.decode()

    client = login(center_user)
    body = post(client, reverse("courses:course_edit", args=[course.pk]), course_data(title="Tên mới"))
    assert VERSION_MISSING in body
    body = post(
        client,
        reverse("reports:save", args=["10-080", "2026-Q3"]),
        {"achievements": "Bản ghi đè", "next_tasks": ""},
    )
    assert VERSION_MISSING in body
    results = {
        "kq-TOTAL_FORMS": "1",
        "kq-INITIAL_FORMS": "1",
        "kq-0-enrolment": enrolment.pk,
        "kq-0-result": "gioi",
        "kq-0-certificate_no": "",
    }
    if version is not None:
        results["kq-0-version"] = version
    body = client.post(reverse("courses:course_results", args=[course.pk]), results, follow=True).content.decode()
    assert VERSION_MISSING in body
    # The learner's own edit page: the board hands the record over.
    person = enrolment.learner
    response = transfer(login(board_user), person, other_center, version=version or "")
    assert VERSION_MISSING in response.content.decode()

    course.refresh_from_db()
    enrolment.refresh_from_db()
    person.refresh_from_db()
    assert (course.title, course.version) == ("Tên gốc", 1)
    assert (enrolment.result, enrolment.version) == ("", 1)
    assert (person.center, person.version) == (center, 1)
    assert not CenterReport.objects.filter(achievements="Bản ghi đè").exists()
    # The services refuse a missing version too, for any caller that forgets it.
    scope = Scope.for_user(center_user)
    for call in (
        lambda: services.course_update(scope=scope, course=course, version=None, title="Tên mới"),
        lambda: services.learner_update(scope=scope, learner=person, version=None, workplace="UBND"),
    ):
        with pytest.raises(services.ConflictError, match="Không xác định được phiên bản"):
            call()
