"""Data entry in the browser: classes, rosters, results, lecturers — permissions, messages, state after."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Enrolment, Learner, Lecturer

from .factories import CourseFactory, EnrolmentFactory, LearnerFactory, LecturerFactory, program
from .helpers import page_queries as count_queries

pytestmark = pytest.mark.django_db


def course_data(**overrides):
    data = {
        "code": "2026-DVM-01",
        "title": "Lớp bồi dưỡng lý luận chính trị cho đảng viên mới khóa 1",
        "start_date": "2026-10-05",
        "end_date": "2026-10-12",
        "format": "truc_tiep",
        "location": "Hội trường trung tâm",
        "planned_size": "60",
        "status": "planned",
    }
    data.update(overrides)
    # The new-members program in force on the start date: DVM until 30/11/2025, N2 (its counterpart) since.
    try:
        start = datetime.datetime.strptime(data["start_date"], "%Y-%m-%d" if "-" in data["start_date"] else "%d/%m/%Y")
    except ValueError:  # a date the form must refuse: any program will do
        start = None
    data.setdefault("program", program("DVM", start.date() if start else None).pk)
    return data


@pytest.fixture
def locked(monkeypatch):
    """Stand in for an approved quarter: every day of 2023 is locked."""
    message = "Quý I/2023 đã được phê duyệt ngày 10/04/2023 bởi Trần Văn Hùng; đề nghị Ban Tuyên giáo tỉnh mở khóa."

    def reason(*, center, day):
        return message if day.year == 2023 else None

    monkeypatch.setattr("courses.locking._rules", [reason])  # in place of the rule reports registers
    return message


# -- creating, editing, cancelling ---------------------------------------------------------------------
def test_center_staff_create_a_class(login, center_user, center):
    lecturer = LecturerFactory(center=center)
    response = login(center_user).post(reverse("courses:course_create"), course_data(lecturers=[lecturer.pk]))
    course = Course.objects.get(code="2026-DVM-01")
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:course_detail", args=[course.pk])
    assert course.center == center
    assert course.created_by == center_user
    assert list(course.lecturers.all()) == [lecturer]


def test_end_before_start_is_refused_with_a_vietnamese_message(login, center_user):
    response = login(center_user).post(
        reverse("courses:course_create"), course_data(start_date="2026-10-12", end_date="2026-10-05")
    )
    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    assert not Course.objects.exists()


def test_a_negative_planned_size_is_refused_in_plain_vietnamese(login, center_user):
    response = login(center_user).post(reverse("courses:course_create"), course_data(planned_size="-5"))
    body = response.content.decode()
    assert "Số học viên dự kiến không được là số âm." in body and "bằng với 0 ." not in body
    assert not Course.objects.exists()


def test_a_class_that_has_not_started_cannot_be_finished(login, center_user):
    start = timezone.localdate() + datetime.timedelta(days=15)
    data = course_data(start_date=start.isoformat(), end_date=(start + datetime.timedelta(days=3)).isoformat())
    response = login(center_user).post(reverse("courses:course_create"), {**data, "status": "finished"})
    assert response.status_code == 200
    assert f"Lớp bắt đầu ngày {start:%d/%m/%Y}, chưa thể “Đã kết thúc”." in response.content.decode()
    assert not Course.objects.exists()


def test_a_program_not_in_force_is_refused(login, center_user):
    from courses.models import Program

    old = Program.objects.create(
        code="CU",
        name="Chương trình cũ",
        briefing_phrase="cũ",
        valid_from=datetime.date(2010, 1, 1),
        valid_to=datetime.date(2020, 12, 31),
    )
    response = login(center_user).post(reverse("courses:course_create"), course_data(program=old.pk))
    assert "không còn áp dụng vào ngày 05/10/2026" in response.content.decode()
    assert not Course.objects.exists()


def test_a_duplicate_code_is_refused(login, center_user, center):
    CourseFactory(center=center, code="2026-DVM-01")
    response = login(center_user).post(reverse("courses:course_create"), course_data())
    assert "Trung tâm đã có lớp mã “2026-DVM-01”." in response.content.decode()
    assert Course.objects.count() == 1


def test_a_lecturer_of_another_center_cannot_be_chosen(login, center_user, other_center):
    stranger = LecturerFactory(center=other_center)
    response = login(center_user).post(reverse("courses:course_create"), course_data(lecturers=[stranger.pk]))
    assert response.status_code == 200
    assert not Course.objects.exists()


def test_a_class_in_a_locked_period_is_refused_with_the_reason(login, center_user, locked):
    response = login(center_user).post(
        reverse("courses:course_create"), course_data(start_date="2023-02-06", end_date="2023-02-10")
    )
    assert locked in response.content.decode()
    assert not Course.objects.exists()


def test_editing_a_class_saves_and_bumps_its_version(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5), code="A1")
    data = course_data(code="A1", title="Tên mới", version=course.version)
    response = login(center_user).post(reverse("courses:course_edit", args=[course.pk]), data)
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Tên mới"
    assert course.version == 2


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5), code="A1", title="Gốc")
    Course.objects.filter(pk=course.pk).update(version=3, title="Người khác sửa")
    data = course_data(code="A1", title="Của tôi", version=1)
    response = login(center_user).post(reverse("courses:course_edit", args=[course.pk]), data)
    assert "vừa được người khác sửa" in response.content.decode()
    course.refresh_from_db()
    assert course.title == "Người khác sửa"


def test_editing_a_class_of_a_locked_quarter_is_refused(login, center_user, center, locked):
    course = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6), title="Gốc")
    data = course_data(start_date="2023-02-06", end_date="2023-02-10", title="Mới", version=1)
    response = login(center_user).post(reverse("courses:course_edit", args=[course.pk]), data)
    assert locked in response.content.decode()
    course.refresh_from_db()
    assert course.title == "Gốc"


def test_moving_a_class_out_of_a_locked_quarter_is_refused(login, center_user, center, locked):
    course = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6))
    data = course_data(start_date="2026-10-05", end_date="2026-10-12", version=1)
    response = login(center_user).post(reverse("courses:course_edit", args=[course.pk]), data)
    assert locked in response.content.decode()
    course.refresh_from_db()
    assert course.start_date == datetime.date(2023, 2, 6)


def test_cancelling_keeps_the_class_visible_and_counts_it_nowhere(login, center_user, center):
    from centers.periods import Period
    from reports.figures import counting

    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    EnrolmentFactory(course=course)
    client = login(center_user)
    response = client.post(
        reverse("courses:course_cancel", args=[course.pk]), {"reason": "Không đủ học viên", "version": course.version}
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == Course.Status.CANCELLED
    assert course.cancel_reason == "Không đủ học viên"
    assert course.code in client.get(reverse("courses:course_list")).content.decode()
    totals = counting.rollup(unit=center, period=Period.parse("2026"), compare=False).total
    assert (totals.classes, totals.enrolments) == (0, 0)


def test_cancelling_needs_a_reason(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    response = login(center_user).post(
        reverse("courses:course_cancel", args=[course.pk]), {"reason": "", "version": course.version}
    )
    assert response.status_code == 200
    course.refresh_from_db()
    assert course.status != Course.Status.CANCELLED


# -- who may do what ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("center_user", 200),
        ("other_center_user", 404),
        ("board_user", 200),
        ("other_board_user", 404),
        ("central_user", 200),
    ],
)
def test_the_class_page_is_scoped(request, login, center, user_fixture, expected):
    course = CourseFactory(center=center)
    user = request.getfixturevalue(user_fixture)
    assert login(user).get(reverse("courses:course_detail", args=[course.pk])).status_code == expected


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("center_user", 200),
        ("other_center_user", 404),
        ("board_user", 403),
        ("other_board_user", 404),
        ("central_user", 403),
    ],
)
@pytest.mark.parametrize("name", ["course_edit", "course_cancel", "roster_upload"])
def test_writing_pages_are_for_the_centers_own_staff(request, login, center, user_fixture, expected, name):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    user = request.getfixturevalue(user_fixture)
    assert login(user).get(reverse(f"courses:{name}", args=[course.pk])).status_code == expected


@pytest.mark.parametrize("user_fixture", ["board_user", "central_user"])
@pytest.mark.parametrize("name", ["course_create", "lecturer_create", "import_workbook"])
def test_board_and_central_staff_cannot_enter_data(request, login, user_fixture, name):
    user = request.getfixturevalue(user_fixture)
    assert login(user).get(reverse(f"courses:{name}")).status_code == 403


@pytest.mark.parametrize(
    "name", ["course_list", "course_create", "lecturer_list", "import_workbook", "import_template"]
)
def test_anonymous_users_go_to_login(client, name):
    response = client.get(reverse(f"courses:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_board_staff_see_the_list_across_their_province_read_only(login, board_user, center, other_center, far_center):
    CourseFactory(center=center, title="Lớp thành phố")
    CourseFactory(center=other_center, title="Lớp Bát Xát")
    CourseFactory(center=far_center, title="Lớp Hà Tĩnh")
    body = login(board_user).get(reverse("courses:course_list")).content.decode()
    assert "Lớp thành phố" in body and "Lớp Bát Xát" in body
    assert "Lớp Hà Tĩnh" not in body
    assert reverse("courses:course_create") not in body
    filtered = login(board_user).get(reverse("courses:course_list"), {"trung_tam": other_center.pk}).content.decode()
    assert "Lớp Bát Xát" in filtered and "Lớp thành phố" not in filtered


def test_filtering_by_a_center_outside_the_scope_shows_nothing_of_it(login, board_user, far_center):
    CourseFactory(center=far_center, title="Lớp Hà Tĩnh")
    body = login(board_user).get(reverse("courses:course_list"), {"trung_tam": far_center.pk}).content.decode()
    assert "Lớp Hà Tĩnh" not in body


def test_the_list_filters_by_program_quarter_status_format_and_search(login, center_user, center):
    CourseFactory(center=center, code="A", title="Lớp A", program=program("KND"), start_date=datetime.date(2023, 2, 1))
    CourseFactory(
        center=center,
        code="B",
        title="Lớp B",
        program=program("DVM"),
        start_date=datetime.date(2023, 5, 1),
        format="truc_tuyen",
    )
    client = login(center_user)

    def titles(**params):
        body = client.get(reverse("courses:course_list"), params).content.decode()
        return {t for t in ("Lớp A", "Lớp B") if t in body}

    assert titles(chuong_trinh=program("KND").pk) == {"Lớp A"}
    assert titles(ky="2023-Q2") == {"Lớp B"}
    assert titles(hinh_thuc="truc_tuyen") == {"Lớp B"}
    assert titles(q="Lớp A") == {"Lớp A"}
    assert titles(q="lop a") == {"Lớp A"}  # without diacritics, as learner search already works
    assert titles(trang_thai="finished") == {"Lớp A", "Lớp B"}
    assert titles(ky="2023-Q2", trang_thai="huy") == {"Lớp B"}  # a bad value does not drop the good ones
    body = client.get(reverse("courses:course_list"), {"ky": "2023-Q2", "trang_thai": "huy"}).content.decode()
    assert "is-invalid" in body and "huy" in body  # and it is shown as the wrong one


def test_the_class_search_takes_words_without_diacritics_in_any_order(login, center_user, center):
    CourseFactory(center=center, code="2023-KND-01", title="Bồi dưỡng nhận thức về Đảng khóa 1")
    CourseFactory(center=center, code="2023-DVM-01", title="Bồi dưỡng đảng viên mới khóa 1")
    client = login(center_user)

    def codes(q):
        body = client.get(reverse("courses:course_list"), {"q": q}).content.decode()
        return {c for c in ("2023-KND-01", "2023-DVM-01") if c in body}

    assert codes("nhan thuc dang") == {"2023-KND-01"}
    assert codes("ĐẢNG") == {"2023-KND-01", "2023-DVM-01"}
    assert codes("dvm") == {"2023-DVM-01"}
    course = Course.objects.get(code="2023-DVM-01")
    client.post(
        reverse("courses:course_edit", args=[course.pk]),
        {**course_data(), "code": "2023-DVM-01", "title": "Lớp đảng viên mới đổi tên", "version": course.version},
    )
    assert codes("doi ten") == {"2023-DVM-01"}  # an edit keeps the key current


def test_the_list_is_paginated(login, center_user, center):
    for i in range(55):
        CourseFactory(center=center, code=f"X{i:03d}")
    body = login(center_user).get(reverse("courses:course_list")).content.decode()
    assert "Trang 1/2" in body
    assert "Tổng số: 55" in body


def test_list_and_class_pages_cost_the_same_queries_at_two_sizes(login, board_user, center):
    client = login(board_user)
    course = CourseFactory(center=center)
    EnrolmentFactory(course=course)
    CourseFactory(center=center)
    small_list = count_queries(client, reverse("courses:course_list"))
    small_class = count_queries(client, reverse("courses:course_detail", args=[course.pk]))
    for _ in range(30):
        CourseFactory(center=center)
        EnrolmentFactory(course=course)
    assert count_queries(client, reverse("courses:course_list")) == small_list
    assert count_queries(client, reverse("courses:course_detail", args=[course.pk])) == small_class


# -- rosters and results ----------------------------------------------------------------------------------
def test_searching_finds_learners_without_diacritics_and_by_date_and_cccd(login, center_user, center, other_center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    LearnerFactory(
        center=center, full_name="Nguyễn Thị Hạnh", date_of_birth=datetime.date(1990, 3, 4), national_id="010190001234"
    )
    LearnerFactory(center=other_center, full_name="Nguyễn Thị Hải")
    client = login(center_user)
    url = reverse("courses:course_detail", args=[course.pk])
    for q in ("nguyen thi hanh", "NGUYỄN", "04/03/1990", "1234"):
        body = client.get(url, {"q": q}).content.decode()
        assert "Nguyễn Thị Hạnh" in body, q
        assert "Nguyễn Thị Hải" not in body, q


def test_adding_an_existing_learner_and_removing_keeps_the_record(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    learner = LearnerFactory(center=center)
    client = login(center_user)
    client.post(reverse("courses:course_add_learner", args=[course.pk]), {"learner": learner.pk})
    enrolment = Enrolment.objects.get(course=course, learner=learner)
    client.post(reverse("courses:enrolment_remove", args=[enrolment.pk]))
    enrolment.refresh_from_db()
    assert enrolment.removed_at is not None and enrolment.removed_by == center_user
    assert Enrolment.objects.counted().filter(course=course).count() == 0
    client.post(reverse("courses:course_add_learner", args=[course.pk]), {"learner": learner.pk})
    enrolment.refresh_from_db()
    assert enrolment.removed_at is None
    assert Enrolment.objects.filter(course=course).count() == 1


def test_a_learner_of_another_center_cannot_be_added(login, center_user, center, other_center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    stranger = LearnerFactory(center=other_center)
    response = login(center_user).post(
        reverse("courses:course_add_learner", args=[course.pk]), {"learner": stranger.pk}
    )
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def learner_post(**overrides):
    data = {
        "hv-full_name": "Trần Văn Bình",
        "hv-date_of_birth": "1988-07-15",
        "hv-gender": "nam",
        "hv-ethnicity": "Tày",
        "hv-party_status": "du_bi",
        "hv-group": "dang_vien",
        "hv-workplace": "UBND xã Cốc San",
        "hv-national_id": "010088001111",
    }
    data.update(overrides)
    return data


def test_creating_a_new_learner_puts_them_in_the_class(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    response = login(center_user).post(reverse("courses:course_add_learner", args=[course.pk]), learner_post())
    assert response.status_code == 302
    learner = Learner.objects.get(national_id="010088001111")
    assert learner.name_key == "tran van binh"
    assert Enrolment.objects.filter(course=course, learner=learner).exists()


def test_a_same_name_same_birthday_learner_needs_confirmation(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    LearnerFactory(center=center, full_name="Trần Văn Bình", date_of_birth=datetime.date(1988, 7, 15))
    client = login(center_user)
    url = reverse("courses:course_add_learner", args=[course.pk])
    response = client.post(url, learner_post(**{"hv-national_id": ""}))
    assert response.status_code == 400
    assert (
        response.content.decode().count("Trung tâm đã có học viên “Trần Văn Bình” sinh ngày 15/07/1988") == 1
    )  # once, not twice
    assert Learner.objects.count() == 1
    response = client.post(url, learner_post(**{"hv-national_id": "", "hv-allow_same_name": "on"}))
    assert response.status_code == 302
    assert Learner.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hv-national_id", "12345", "Số CCCD phải gồm đúng 12 chữ số."),
        ("hv-date_of_birth", "2999-01-01", "Ngày sinh không được sau ngày hôm nay."),
        ("hv-full_name", "", "Trường này là bắt buộc."),
    ],
)
def test_bad_learner_input_gets_a_message_and_writes_nothing(login, center_user, center, field, value, message):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    response = login(center_user).post(
        reverse("courses:course_add_learner", args=[course.pk]), learner_post(**{field: value})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Learner.objects.exists() and not Enrolment.objects.exists()


def test_a_cccd_already_used_is_refused_once_in_vietnamese_with_what_to_do(login, center_user, center, other_center):
    """Another unit's learner: said once, in Vietnamese, without their name; the center's own: named, to be chosen."""
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    LearnerFactory(center=other_center, national_id="010088001111", full_name="Hoàng Văn Nam")
    client = login(center_user)
    body = client.post(reverse("courses:course_add_learner", args=[course.pk]), learner_post()).content.decode()
    assert body.count("Số CCCD này đã được đăng ký cho một học viên do đơn vị khác quản lý") == 1
    assert "Constraint" not in body and "Hoàng Văn Nam" not in body
    assert (
        "đề nghị Ban Tuyên giáo và Dân vận tỉnh chuyển hồ sơ học viên về trung tâm "
        "(Ban tìm theo số CCCD ở mục Học viên)" in body
    )
    own = LearnerFactory(center=center, national_id="010088002222", full_name="Lò Thị Sua")
    body = client.post(
        reverse("courses:course_add_learner", args=[course.pk]), learner_post(**{"hv-national_id": own.national_id})
    ).content.decode()
    assert "Trung tâm đã có học viên “Lò Thị Sua” với số CCCD này" in body
    assert Learner.objects.count() == 2


def results_post(enrolments, results):
    data = {"kq-TOTAL_FORMS": str(len(enrolments)), "kq-INITIAL_FORMS": str(len(enrolments))}
    for i, (enrolment, result) in enumerate(zip(enrolments, results, strict=True)):
        data[f"kq-{i}-enrolment"] = enrolment.pk
        data[f"kq-{i}-version"] = enrolment.version
        data[f"kq-{i}-result"] = result
        data[f"kq-{i}-certificate_no"] = f"GCN-{i}" if result else ""
    return data


def test_the_class_list_reads_in_vietnamese_order_by_given_name(login, center_user, center):
    """As a Vietnamese class list is read: by given name, then by the whole name; Đ after D, Â after A."""
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    for name in ["Lê Văn Đức", "Phạm Thị Dung", "Nguyễn Văn Bình", "Trần Thị Ân", "Võ Thị An", "Đỗ Văn An"]:
        EnrolmentFactory(course=course, learner=LearnerFactory(center=center, full_name=name))
    body = login(center_user).get(reverse("courses:course_detail", args=[course.pk])).content.decode()
    order = ["Đỗ Văn An", "Võ Thị An", "Trần Thị Ân", "Nguyễn Văn Bình", "Phạm Thị Dung", "Lê Văn Đức"]
    positions = [body.index(name) for name in order]
    assert positions == sorted(positions)


def test_results_for_the_whole_roster_in_one_form_with_totals(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2025, 10, 6))
    enrolments = [EnrolmentFactory(course=course) for _ in range(4)]
    client = login(center_user)
    response = client.post(
        reverse("courses:course_results", args=[course.pk]), results_post(enrolments, ["gioi", "kha", "kha", ""])
    )
    assert response.status_code == 302
    assert sorted(Enrolment.objects.values_list("result", flat=True)) == ["", "gioi", "kha", "kha"]
    body = client.get(reverse("courses:course_detail", args=[course.pk])).content.decode()
    assert 'data-result="Khá">Khá: <strong>2</strong>' in body
    assert 'data-result="Giỏi">Giỏi: <strong>1</strong>' in body
    assert 'data-result="Chưa có kết quả">Chưa có kết quả: <strong>1</strong>' in body


class FormFields(HTMLParser):
    """What a browser posts for one form of a page: its inputs' values and its selects' chosen options, and the
    addresses of the buttons that post another form (formaction)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.select = form_id, False, None
        self.data, self.actions = {}, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif tag == "button" and a.get("formaction"):
            self.actions.append((a.get("form"), a["formaction"]))
        elif self.inside and tag == "input" and a.get("name"):
            self.data[a["name"]] = a.get("value", "")
        elif self.inside and tag == "select":
            self.select = a["name"]
            self.data.setdefault(self.select, "")
        elif self.select and tag == "option" and "selected" in a:
            self.data[self.select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def test_the_roster_posts_back_what_it_shows(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2025, 10, 6))
    # Ids in the millions, as at national scale: an id drawn "1.234.567" (grouped for people) would not post back.
    enrolments = [EnrolmentFactory(course=course, id=1_234_567 + i) for i in range(3)]
    client = login(center_user)
    client.post(reverse("courses:course_results", args=[course.pk]), results_post(enrolments, ["gioi", "", "kha"]))
    page = FormFields("ket-qua")
    page.feed(client.get(reverse("courses:course_detail", args=[course.pk])).content.decode())
    shown = {page.data[f"kq-{i}-enrolment"]: page.data[f"kq-{i}-result"] for i in range(3)}
    assert shown == {str(e.pk): r for e, r in zip(enrolments, ["gioi", "", "kha"], strict=True)}
    assert page.data["kq-TOTAL_FORMS"] == "3" and page.data["csrfmiddlewaretoken"]

    changed = next(i for i in range(3) if page.data[f"kq-{i}-result"] == "")
    page.data[f"kq-{changed}-result"] = "trung_binh"  # the user picks one result and saves the form as shown
    assert client.post(reverse("courses:course_results", args=[course.pk]), page.data).status_code == 302
    assert sorted(Enrolment.objects.values_list("result", flat=True)) == ["gioi", "kha", "trung_binh"]
    certificates = dict(Enrolment.objects.values_list("pk", "certificate_no"))
    assert certificates == {int(page.data[f"kq-{i}-enrolment"]): page.data[f"kq-{i}-certificate_no"] for i in range(3)}

    # Each row's "Rút khỏi lớp" posts the page's one removal form to that row's address.
    removals = [action for form, action in page.actions if form == "rut"]
    rows = [int(page.data[f"kq-{i}-enrolment"]) for i in range(3)]
    assert removals == [reverse("courses:enrolment_remove", args=[pk]) for pk in rows]
    client.post(removals[0], {"csrfmiddlewaretoken": page.data["csrfmiddlewaretoken"]})
    assert Enrolment.objects.filter(removed_at__isnull=True).count() == 2


def test_a_learner_found_is_added_by_plain_number(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    LearnerFactory(id=2_345_678, center=center, full_name="Lò Văn Páo")
    body = login(center_user).get(reverse("courses:course_detail", args=[course.pk]), {"q": "Páo"}).content.decode()
    assert 'name="learner" value="2345678"' in body


def test_stale_results_are_refused_whole(login, center_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    first, second = EnrolmentFactory(course=course), EnrolmentFactory(course=course)
    data = results_post([first, second], ["gioi", "kha"])
    Enrolment.objects.filter(pk=second.pk).update(result="trung_binh", version=5)
    login(center_user).post(reverse("courses:course_results", args=[course.pk]), data, follow=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.result, second.result) == ("", "trung_binh")


def test_results_of_a_locked_quarter_are_refused(login, center_user, center, locked):
    course = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6))
    enrolment = EnrolmentFactory(course=course)
    response = login(center_user).post(
        reverse("courses:course_results", args=[course.pk]), results_post([enrolment], ["gioi"]), follow=True
    )
    assert locked in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.result == ""


def test_board_staff_cannot_record_results(login, board_user, center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    enrolment = EnrolmentFactory(course=course)
    response = login(board_user).post(
        reverse("courses:course_results", args=[course.pk]), results_post([enrolment], ["gioi"])
    )
    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.result == ""


# -- lecturers ---------------------------------------------------------------------------------------------
def test_lecturers_are_added_edited_retired_and_reinstated(login, center_user, center):
    client = login(center_user)
    client.post(
        reverse("courses:lecturer_create"), {"full_name": "Lê Thị Mai", "kind": "kiem_chuc", "qualification": "Thạc sĩ"}
    )
    lecturer = Lecturer.objects.get(full_name="Lê Thị Mai")
    assert lecturer.center == center
    client.post(
        reverse("courses:lecturer_edit", args=[lecturer.pk]), {"full_name": "Lê Thị Mai", "kind": "chuyen_trach"}
    )
    lecturer.refresh_from_db()
    assert lecturer.kind == "chuyen_trach"
    client.post(reverse("courses:lecturer_retire", args=[lecturer.pk]))
    lecturer.refresh_from_db()
    assert lecturer.retired_on is not None
    assert "<td>Lê Thị Mai</td>" not in client.get(reverse("courses:lecturer_list")).content.decode()
    assert "<td>Lê Thị Mai</td>" in client.get(reverse("courses:lecturer_list"), {"da_thoi": "1"}).content.decode()
    client.post(reverse("courses:lecturer_retire", args=[lecturer.pk]), {"reinstate": "1"})
    lecturer.refresh_from_db()
    assert lecturer.retired_on is None


def test_the_vietnamese_sort_key_follows_the_alphabet_then_the_tones():
    from courses.text import vietnamese_sort_key

    expected = ["A", "À", "Ả", "Ã", "Á", "Ạ", "An", "Ăn", "Ân", "Dương", "Đỗ", "Lê Thị", "Lê Thị Quỳnh", "Lê Thu",
                "On", "Ôn", "Ơn", "Uông", "Ưng"]  # fmt: skip
    assert sorted(reversed(expected), key=vietnamese_sort_key) == expected
    assert vietnamese_sort_key("  Lê   Thị ") == vietnamese_sort_key("Lê Thị")


def test_the_fast_sort_key_is_the_letter_by_letter_key():
    """Precomposed names are keyed through translation tables; the key must be the one the letter-by-letter
    reading gives (lecturers' keys are stored), for every character the tables hold and for long names."""
    import random

    from courses.text import _KEYED, _decomposed_key, _sort_key

    chars = sorted(_KEYED)
    assert len(chars) > 100  # the 12 vowels with 6 tones each, the consonants, digits and the space
    names = [*chars, *("".join(random.Random(seed).choices(chars, k=seed % 80 + 1)) for seed in range(2000))]
    assert [_sort_key(name) for name in names] == [_decomposed_key(name) for name in names]
    assert _sort_key("ǹguyễn") == _decomposed_key("ǹguyễn") and _sort_key("lê ß") == _decomposed_key("lê ß")


def test_lecturers_are_listed_in_vietnamese_alphabetical_order(login, center_user, center):
    """Code-point order puts "Thu" (u) before "Thị" (ị); a reader puts Thị first, and Đ after D."""
    client = login(center_user)
    for name in ("Lê Thu Thảo", "Đỗ Văn Bình", "Lê Thị Quỳnh", "Dương Văn An"):
        client.post(reverse("courses:lecturer_create"), {"full_name": name, "kind": "kiem_chuc"})
    body = client.get(reverse("courses:lecturer_list")).content.decode()
    shown = sorted(("Lê Thu Thảo", "Đỗ Văn Bình", "Lê Thị Quỳnh", "Dương Văn An"), key=body.index)
    assert shown == ["Dương Văn An", "Đỗ Văn Bình", "Lê Thị Quỳnh", "Lê Thu Thảo"]
    client.post(
        reverse("courses:lecturer_edit", args=[Lecturer.objects.get(full_name="Dương Văn An").pk]),
        {"full_name": "Vũ Văn An", "kind": "kiem_chuc"},
    )
    body = client.get(reverse("courses:lecturer_list")).content.decode()
    assert body.index("Lê Thu Thảo") < body.index("Vũ Văn An")  # a new name sorts by itself


def test_a_retired_lecturer_is_not_offered_for_new_classes(login, center_user, center):
    LecturerFactory(center=center, full_name="Người đã nghỉ", retired_on=datetime.date(2024, 1, 1))
    LecturerFactory(center=center, full_name="Người đang dạy")
    body = login(center_user).get(reverse("courses:course_create")).content.decode()
    assert "Người đang dạy" in body and "Người đã nghỉ" not in body


@pytest.mark.parametrize(("user_fixture", "expected"), [("other_center_user", 404), ("board_user", 403)])
def test_lecturers_of_a_center_are_edited_only_by_its_staff(request, login, center, user_fixture, expected):
    lecturer = LecturerFactory(center=center)
    user = request.getfixturevalue(user_fixture)
    assert login(user).get(reverse("courses:lecturer_edit", args=[lecturer.pk])).status_code == expected
    assert login(user).post(reverse("courses:lecturer_retire", args=[lecturer.pk])).status_code == expected
    lecturer.refresh_from_db()
    assert lecturer.retired_on is None
