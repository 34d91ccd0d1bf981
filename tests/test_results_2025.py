"""A class under the 2025 rules (issue #23): periods, homeroom lecturer and giáo vụ on the class form, the ban cán
sự on the roster, attendance and ten-point scores in the results form, the workbook and the service; every bad
input refused with a Vietnamese message and nothing written; classes before the rules keep their four words."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from centers.scoping import Scope
from courses import services
from courses.importing import plan_import
from courses.models import Course, Enrolment, Program
from courses.workbook import LEARNER_HEADERS, LEARNER_SHEET, read_workbook, template_workbook

from .factories import CourseFactory, EnrolmentFactory, LearnerFactory, LecturerFactory
from .test_import import xlsx

pytestmark = pytest.mark.django_db

START_2026 = datetime.date(2026, 10, 5)
START_2025 = datetime.date(2025, 10, 6)  # before the rules of 1/12/2025


def program_on(day):
    return Program.objects.in_force_on(day).order_by("order").first()


def scored_class(center, n=3, periods=30, **kw):
    course = CourseFactory(center=center, start_date=START_2026, program=program_on(START_2026), periods=periods, **kw)
    names = ["Nguyễn Văn An", "Lò Thị Bình", "Trần Văn Cường", "Phạm Thị Dung", "Vũ Văn Em"]
    enrolments = [
        EnrolmentFactory(course=course, learner=LearnerFactory(center=center, full_name=names[i % 5] + f" {i}"))
        for i in range(n)
    ]
    return course, enrolments


def old_class(center, n=2):
    course = CourseFactory(center=center, start_date=START_2025, program=program_on(START_2025))
    return course, [EnrolmentFactory(course=course) for _ in range(n)]


def record(user, course, *entries):
    return services.results_record(scope=Scope.for_user(user), course=course, entries=entries)


def entry(enrolment, **marks):
    return services.ResultEntry(enrolment.pk, version=enrolment.version, **marks)


def saved(enrolment):
    e = Enrolment.objects.get(pk=enrolment.pk)
    return e.periods_attended, e.score, e.retake_score, e.result, e.class_role, e.version


# -- the service ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("9,0", "xuat_sac"),
        ("10", "xuat_sac"),
        ("8,9", "gioi"),
        ("7.0", "kha"),
        ("5,0", "trung_binh"),
        ("4,9", "khong_dat"),
    ],
)
def test_the_grade_comes_from_the_score(center, center_user, score, grade):
    course, (e,) = scored_class(center, n=1)
    assert record(center_user, course, entry(e, periods_attended="30", score=score)) == 1
    attended, stored, _retake, result, _role, version = saved(e)
    assert (attended, result, version) == (30, grade, e.version + 1)
    assert stored == Decimal(score.replace(",", "."))


def test_under_80_percent_attendance_fails_without_a_score(center, center_user):
    course, (short, enough) = scored_class(center, n=2, periods=100)
    record(center_user, course, entry(short, periods_attended=79), entry(enough, periods_attended=80, score="6,5"))
    assert saved(short)[3] == "khong_dat"
    assert saved(enough)[3] == "trung_binh"


def test_a_retake_after_a_failed_paper_is_recorded_beside_the_first(center, center_user):
    course, (e,) = scored_class(center, n=1)
    record(center_user, course, entry(e, periods_attended=28, score="4,0", retake_score="6,0"))
    assert saved(e)[:4] == (28, Decimal("4.0"), Decimal("6.0"), "trung_binh")


def test_bo_hoc_is_recorded_for_a_learner_who_dropped_out(center, center_user):
    course, (e,) = scored_class(center, n=1)
    record(center_user, course, entry(e, periods_attended=10, dropped=True))
    assert saved(e)[3] == "bo_hoc"


BAD = [
    ({"score": "11"}, "Điểm 11 nằm ngoài thang 0–10."),
    ({"score": "-1"}, "Điểm -1 nằm ngoài thang 0–10."),
    ({"score": "7,55"}, "Điểm 7,55 có quá một chữ số thập phân."),
    ({"score": "bảy"}, "Điểm “bảy” không phải là một số."),
    ({"periods_attended": "31"}, "Số tiết tham dự (31) nhiều hơn số tiết của lớp (30)."),
    ({"periods_attended": "-2"}, "Số tiết tham dự “-2” phải là số nguyên không âm."),
    ({"score": "5,0", "retake_score": "6,0"}, "Chỉ thi lại khi bài thu hoạch lần đầu dưới 5,0 điểm; lần đầu đạt 5,0."),
    ({"retake_score": "6,0"}, "Chưa có điểm bài thu hoạch lần đầu, nên chưa ghi được điểm thi lại."),
    ({"score": "4,0", "retake_score": "10,5"}, "Điểm thi lại: Điểm 10,5 nằm ngoài thang 0–10."),
    (
        {"periods_attended": "23", "score": "8,0"},
        "Tham dự 23/30 tiết, dưới mức tối thiểu 24 tiết, nên không được làm bài thu hoạch: không ghi điểm được.",
    ),
    ({"score": "7,0"}, "Chưa ghi số tiết tham dự, nên chưa ghi điểm được."),  # who may sit the paper is unknown
]


@pytest.mark.parametrize(("marks", "message"), BAD)
def test_bad_marks_are_refused_by_the_service_naming_the_learner_and_nothing_is_written(
    center, center_user, marks, message
):
    course, (good, bad) = scored_class(center, n=2)
    before = saved(good), saved(bad)
    with pytest.raises(ValidationError) as error:
        record(center_user, course, entry(good, periods_attended=30, score="8,0"), entry(bad, **marks))
    assert f"Học viên {bad.learner.full_name}: {message}" in error.value.messages
    assert (saved(good), saved(bad)) == before  # the good line is not written either


def test_every_bad_line_is_named_at_once(center, center_user):
    course, enrolments = scored_class(center, n=3)
    with pytest.raises(ValidationError) as error:
        record(center_user, course, *(entry(e, score="12") for e in enrolments))
    assert len(error.value.messages) == 3


def test_attendance_needs_the_class_periods(center, center_user):
    course, (e,) = scored_class(center, n=1, periods=None)
    with pytest.raises(ValidationError) as error:
        record(center_user, course, entry(e, periods_attended=20))
    assert "Lớp chưa ghi số tiết" in error.value.messages[0]


def test_the_ban_can_su_one_lop_truong_and_one_or_two_lop_pho(center, center_user):
    course, (a, b, c, d) = scored_class(center, n=4)
    with pytest.raises(ValidationError) as error:
        record(center_user, course, entry(a, class_role="lop_truong"), entry(b, class_role="lop_truong"))
    assert "Lớp chỉ có một lớp trưởng; đang chọn 2 người." in error.value.messages
    with pytest.raises(ValidationError) as error:
        record(center_user, course, *(entry(e, class_role="lop_pho") for e in (a, b, c)))
    assert "Lớp có một hoặc hai lớp phó; đang chọn 3 người." in error.value.messages
    assert not Enrolment.objects.exclude(class_role="").exists()

    record(
        center_user,
        course,
        entry(a, class_role="lop_truong"),
        entry(b, class_role="lop_pho"),
        entry(c, class_role="lop_pho"),
    )
    assert sorted(Enrolment.objects.values_list("class_role", flat=True)) == ["", "lop_pho", "lop_pho", "lop_truong"]
    # A second lớp trưởng chosen later, the first left as is: refused too (the whole roster counts).
    with pytest.raises(ValidationError):
        record(center_user, course, entry(Enrolment.objects.get(pk=d.pk), class_role="lop_truong"))


def test_a_class_before_the_rules_keeps_its_four_words(center, center_user):
    course, (a, b) = old_class(center)
    assert not course.is_scored
    record(center_user, course, entry(a, result="gioi", certificate_no="GCN-1"), entry(b, result="khong_dat"))
    assert sorted(Enrolment.objects.values_list("result", flat=True)) == ["gioi", "khong_dat"]
    assert Enrolment.objects.get(pk=a.pk).certificate_no == "GCN-1"
    b = Enrolment.objects.get(pk=b.pk)
    with pytest.raises(ValidationError) as error:
        record(center_user, course, entry(b, result="xuat_sac"))
    assert "Kết quả “xuat_sac”" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        record(center_user, course, entry(b, score="8,0"))
    assert "chỉ ghi xếp loại (không ghi số tiết tham dự, điểm hay ban cán sự)" in error.value.messages[0]
    assert Enrolment.objects.get(pk=b.pk).result == "khong_dat"


def test_a_typed_result_word_is_not_taken_in_a_scored_class(center, center_user):
    course, (e,) = scored_class(center, n=1)
    record(center_user, course, entry(e, result="gioi", periods_attended=30, score="5,5"))
    assert saved(e)[3] == "trung_binh"


# -- the class form ------------------------------------------------------------------------------------------------
def class_post(course_program, **overrides):
    data = {
        "program": course_program.pk,
        "code": "2026-N1-01",
        "title": "Lớp bồi dưỡng nhận thức về Đảng khóa 1",
        "start_date": "05/10/2026",
        "end_date": "12/10/2026",
        "format": "truc_tiep",
        "status": "planned",
        "periods": "30",
        "academic_officer": "Hoàng Thị Giáo Vụ",
    }
    data.update(overrides)
    return data


def test_the_class_form_records_periods_homeroom_and_giao_vu(login, center_user, center):
    lecturer = LecturerFactory(center=center, full_name="Đặng Văn Chủ Nhiệm")
    client = login(center_user)
    page = client.get(reverse("courses:course_create")).content.decode()
    assert 'data-from="2025-12-01"' in page and 'data-to="2025-11-30"' in page  # the script filters by these
    assert "js/course_form.js" in page
    response = client.post(
        reverse("courses:course_create"),
        class_post(program_on(START_2026), lecturers=[lecturer.pk], homeroom=lecturer.pk),
    )
    assert response.status_code == 302, response.context["form"].errors
    course = Course.objects.get(code="2026-N1-01")
    assert (course.periods, course.homeroom, course.academic_officer) == (30, lecturer, "Hoàng Thị Giáo Vụ")


def test_the_homeroom_lecturer_must_teach_the_class(login, center_user, center):
    teaching, other = LecturerFactory(center=center), LecturerFactory(center=center, full_name="Lê Thị Khác")
    response = login(center_user).post(
        reverse("courses:course_create"),
        class_post(program_on(START_2026), lecturers=[teaching.pk], homeroom=other.pk),
    )
    assert response.status_code == 200
    assert "Giảng viên chủ nhiệm “Lê Thị Khác” phải là một trong các giảng viên của lớp" in response.content.decode()
    assert not Course.objects.exists()


def test_a_program_closed_on_the_start_date_is_refused(login, center_user, center):
    response = login(center_user).post(reverse("courses:course_create"), class_post(program_on(START_2025)))
    assert "không còn áp dụng vào ngày 05/10/2026" in response.content.decode()
    assert not Course.objects.exists()


# -- the results form on the class page --------------------------------------------------------------------------
def form_post(enrolments, rows):
    data = {"kq-TOTAL_FORMS": str(len(enrolments)), "kq-INITIAL_FORMS": str(len(enrolments))}
    for i, (e, marks) in enumerate(zip(enrolments, rows, strict=True)):
        data[f"kq-{i}-enrolment"] = e.pk
        data[f"kq-{i}-version"] = e.version
        for key in ("periods_attended", "score", "retake_score", "class_role"):
            data[f"kq-{i}-{key}"] = marks.get(key, "")
        if marks.get("dropped"):
            data[f"kq-{i}-dropped"] = "on"
    return data


def test_the_class_page_shows_the_threshold_and_the_grades_after_saving(login, center_user, center):
    course, enrolments = scored_class(center, n=3)
    client = login(center_user)
    rows = [
        {"periods_attended": "30", "score": "9,0", "class_role": "lop_truong"},
        {"periods_attended": "24", "score": "7,5", "class_role": "lop_pho"},
        {"periods_attended": "20"},
    ]
    response = client.post(reverse("courses:course_results", args=[course.pk]), form_post(enrolments, rows))
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "tối thiểu 80% = 24/30 tiết" in body
    assert "Đã ghi kết quả: 3 học viên thay đổi." in body
    assert body.count("data-grade>Xuất sắc<") == 1 and body.count("data-grade>Khá<") == 1
    assert body.count("data-grade>Không đạt<") == 1
    assert 'value="9,0"' in body and '<option value="lop_truong" selected>' in body
    first, second = (e.learner.full_name for e in enrolments[:2])
    assert f"data-class-board>Lớp trưởng: {first}; Lớp phó: {second}</dd>" in body


@pytest.mark.parametrize(("marks", "message"), BAD)
def test_bad_marks_in_the_form_are_refused_and_shown_again(login, center_user, center, marks, message):
    course, (good, bad) = scored_class(center, n=2)
    before = saved(good), saved(bad)
    response = login(center_user).post(
        reverse("courses:course_results", args=[course.pk]),
        form_post([good, bad], [{"periods_attended": "30", "score": "8,0"}, marks]),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f"Học viên {bad.learner.full_name}: {message}" in body.replace("&quot;", '"').replace("&#x27;", "'")
    typed = next(v for v in marks.values())
    assert f'value="{typed}"' in body  # what was typed is there to correct, not to type again
    assert (saved(good), saved(bad)) == before


def test_a_line_saved_by_someone_else_since_is_not_overwritten(login, center_user, center):
    course, (e,) = scored_class(center, n=1)
    record(center_user, course, entry(e, periods_attended=30, score="6,0"))  # someone else, after the form opened
    client = login(center_user)
    response = client.post(
        reverse("courses:course_results", args=[course.pk]),
        form_post([e], [{"periods_attended": "30", "score": "9,0"}]),
    )
    assert response.status_code == 302  # reloaded with their results, not shown again with what was typed
    assert "vừa được người khác sửa" in client.get(response["Location"]).content.decode()
    assert saved(e)[1:4] == (Decimal("6.0"), None, "trung_binh")


def test_a_small_finished_class_is_warned_not_blocked(login, center_user, center):
    course, enrolments = scored_class(center, n=3, status=Course.Status.FINISHED)
    client = login(center_user)
    body = client.get(reverse("courses:course_detail", args=[course.pk])).content.decode()
    assert "Lớp chỉ có 3 học viên, ít hơn 25 học viên theo quy chế." in body
    response = client.post(
        reverse("courses:course_results", args=[course.pk]),
        form_post(enrolments, [{"periods_attended": "30", "score": "6,0"}] * 3),
    )
    assert response.status_code == 302 and Enrolment.objects.filter(result="trung_binh").count() == 3


def test_an_old_class_page_keeps_the_four_word_select(login, center_user, center):
    course, _enrolments = old_class(center)
    body = login(center_user).get(reverse("courses:course_detail", args=[course.pk])).content.decode()
    assert 'name="kq-0-result"' in body and 'name="kq-0-score"' not in body
    assert 'value="xuat_sac"' not in body and "tối thiểu" not in body


def test_the_form_of_200_learners_costs_a_fixed_number_of_queries(
    login, center_user, center, django_assert_max_num_queries
):
    course, enrolments = scored_class(center, n=200, periods=40)
    client = login(center_user)
    rows = [{"periods_attended": str(32 + i % 9), "score": f"{i % 10},{i % 7}"} for i in range(200)]
    client.get(reverse("courses:course_detail", args=[course.pk]))
    with django_assert_max_num_queries(40):
        response = client.post(reverse("courses:course_results", args=[course.pk]), form_post(enrolments, rows))
    assert response.status_code == 302
    assert Enrolment.objects.filter(score__isnull=False).count() == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("courses:course_detail", args=[course.pk])).status_code == 200


# -- the workbook ------------------------------------------------------------------------------------------------
def roster_row(name, attended="", score="", retake="", result=""):
    return ["", name, "17/05/1990", "Nam", "Kinh", "Cán bộ", "Quần chúng", "", None, result, attended, score, retake]


def roster_file(*rows):
    return xlsx(learners=rows, sheets=(LEARNER_SHEET,))


def upload(center, user, course, data):
    parsed = read_workbook(data, roster=True)
    return parsed, plan_import(center=center, parsed=parsed, course=course)


def test_a_roster_workbook_records_attendance_and_scores(center, center_user):
    course, _ = scored_class(center, n=0)
    data = roster_file(
        roster_row("Nguyễn Văn An", 30, 9),
        roster_row("Lò Thị Bình", "26", "4,5", "7,0"),
        roster_row("Trần Văn Cường", 20),
    )
    parsed, plan = upload(center, center_user, course, data)
    assert plan.ok, [str(e) for e in plan.errors]
    services.workbook_import(scope=Scope.for_user(center_user), center=center, parsed=parsed, course=course)
    got = {
        e.learner.full_name: (e.periods_attended, e.score, e.retake_score, e.result) for e in course.enrolments.all()
    }
    assert got == {
        "Nguyễn Văn An": (30, Decimal("9.0"), None, "xuat_sac"),
        "Lò Thị Bình": (26, Decimal("4.5"), Decimal("7.0"), "kha"),
        "Trần Văn Cường": (20, None, None, "khong_dat"),
    }


WORKBOOK_BAD = [
    (roster_row("X", 30, 11), "Điểm bài thu hoạch", "Điểm 11 nằm ngoài thang 0–10."),
    (roster_row("X", 30, "7,55"), "Điểm bài thu hoạch", "Điểm 7,55 có quá một chữ số thập phân."),
    (roster_row("X", 30, 7.55), "Điểm bài thu hoạch", "có quá một chữ số thập phân."),
    (roster_row("X", 31, 8), "Số tiết tham dự", "số tiết tham dự (31) nhiều hơn số tiết của lớp (30)."),
    (roster_row("X", "24,5", 8), "Số tiết tham dự", "phải là số nguyên không âm."),
    (roster_row("X", 30, 6, 7), "Điểm thi lại", "chỉ thi lại khi bài thu hoạch lần đầu dưới 5,0 điểm"),
    (roster_row("X", 30, "", 7), "Điểm thi lại", "chưa có điểm bài thu hoạch lần đầu"),
    (roster_row("X", 23, 8), "Điểm bài thu hoạch", "tham dự 23/30 tiết, dưới mức tối thiểu 24 tiết"),
    (roster_row("X", 30, 8, result="Giỏi"), "Kết quả", "xếp loại do hệ thống tính từ số tiết và điểm"),
]


@pytest.mark.parametrize(("row", "column", "message"), WORKBOOK_BAD)
def test_bad_marks_in_the_workbook_name_the_row_and_column_and_write_nothing(center, center_user, row, column, message):
    course, _ = scored_class(center, n=0)
    data = roster_file(roster_row("Nguyễn Văn An", 30, 9), row)
    parsed, plan = upload(center, center_user, course, data)
    errors = [str(e) for e in plan.errors]
    assert any(message in e and "dòng 3" in e and f"cột “{column}”" in e for e in errors), errors
    with pytest.raises(ValidationError):
        services.workbook_import(scope=Scope.for_user(center_user), center=center, parsed=parsed, course=course)
    assert not Enrolment.objects.exists()


def test_the_upload_page_refuses_a_bad_score_and_writes_nothing(login, center_user, center):
    course, _ = scored_class(center, n=0)
    data = roster_file(roster_row("Nguyễn Văn An", 30, 9), roster_row("Lò Thị Bình", 30, "12"))
    client = login(center_user)
    response = client.post(
        reverse("courses:roster_upload", args=[course.pk]),
        {"file": io.BytesIO(data)} | {},
        format="multipart",
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "dòng 3" in body and "Điểm 12 nằm ngoài thang 0–10." in body
    assert not Enrolment.objects.exists()


def test_an_old_class_workbook_takes_no_scores(center, center_user):
    course, _ = old_class(center, n=0)
    parsed, plan = upload(center, center_user, course, roster_file(roster_row("Nguyễn Văn An", 30, 9, result="Khá")))
    assert any("trước quy chế mới" in str(e) for e in plan.errors)
    parsed, plan = upload(center, center_user, course, roster_file(roster_row("Nguyễn Văn An", result="Khá")))
    assert plan.ok


def test_a_file_made_before_the_score_columns_still_reads(center, center_user):
    course, _ = old_class(center, n=0)
    data = xlsx(learners=[roster_row("Nguyễn Văn An", result="Giỏi")[:10]], sheets=(LEARNER_SHEET,))
    data = xlsx(
        learners=[roster_row("Nguyễn Văn An", result="Giỏi")[:10]],
        learner_headers=LEARNER_HEADERS[:10],
        sheets=(LEARNER_SHEET,),
    )
    parsed, plan = upload(center, center_user, course, data)
    assert plan.ok, [str(e) for e in plan.errors]


def test_the_template_has_the_score_columns():
    workbook = load_workbook(io.BytesIO(template_workbook(Program.objects.none())))
    headers = [c.value for c in workbook[LEARNER_SHEET][1]]
    assert headers[-3:] == ["Số tiết tham dự", "Điểm bài thu hoạch", "Điểm thi lại"]
    assert "Số tiết" in [c.value for c in workbook["Lớp học"][1]]
