import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from centers.models import Staff, Unit, UnitName
from courses.models import Course, Enrolment, Learner, Program, ProgramMapping

from .factories import CenterFactory, CourseFactory, EnrolmentFactory, LearnerFactory, program

pytestmark = pytest.mark.django_db


def _integrity_error(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_the_catalogue_has_the_nine_programs_until_30_11_2025_and_the_five_groups_since():
    old = list(Program.objects.in_force_on(datetime.date(2025, 11, 30)))
    assert [p.code for p in old] == ["KND", "DVM", "BTCB", "DT", "CD", "NVTG", "CNKT", "TCLL", "NQ"]
    assert old[1].briefing_phrase == "bồi dưỡng đảng viên mới"
    assert all(p.is_in_force_on(datetime.date(2023, 1, 1)) for p in old)
    new = list(Program.objects.in_force_on(datetime.date(2025, 12, 1)))
    assert [p.code for p in new] == ["N1", "N2", "N3-CTD", "N3-TGDV", "N3-MTDT", "N4", "N5"]
    assert [p.group for p in new] == [1, 2, 3, 3, 3, 4, 5]
    assert new[0].get_group_display() == "Bồi dưỡng nhận thức về Đảng"
    # Each program of 2022 that continues names its counterpart; the intermediate-level course and the study of
    # resolutions have none.
    continued = {m.earlier.code: m.later.code for m in ProgramMapping.objects.select_related("earlier", "later")}
    assert continued == {
        "KND": "N1",
        "DVM": "N2",
        "BTCB": "N3-CTD",
        "NVTG": "N3-TGDV",
        "DT": "N3-MTDT",
        "CD": "N4",
        "CNKT": "N5",
    }


def test_a_class_cannot_end_before_it_starts_in_the_database(center):
    course = CourseFactory.build(
        center=center, start_date=datetime.date(2023, 3, 10), end_date=datetime.date(2023, 3, 1)
    )
    _integrity_error(lambda: Course.objects.bulk_create([course]))


def test_a_class_ending_before_it_starts_gets_a_vietnamese_message(center):
    course = CourseFactory.build(
        center=center, start_date=datetime.date(2023, 3, 10), end_date=datetime.date(2023, 3, 1)
    )
    with pytest.raises(ValidationError) as error:
        course.full_clean()
    assert error.value.message_dict["end_date"] == ["Ngày kết thúc không được trước ngày bắt đầu."]


def test_a_program_not_in_force_on_the_start_date_is_refused(center):
    old = Program.objects.create(
        code="CU",
        name="Chương trình cũ",
        briefing_phrase="chương trình cũ",
        valid_from=datetime.date(2015, 1, 1),
        valid_to=datetime.date(2020, 12, 31),
    )
    course = CourseFactory.build(center=center, program=old, start_date=datetime.date(2023, 1, 5))
    with pytest.raises(ValidationError) as error:
        course.full_clean()
    assert "không còn áp dụng vào ngày 05/01/2023" in error.value.message_dict["program"][0]
    early = CourseFactory.build(center=center, program=program("N1"), start_date=datetime.date(2020, 3, 10))
    with pytest.raises(ValidationError) as error:
        early.full_clean()
    assert "chưa áp dụng vào ngày 10/03/2020 (áp dụng từ 01/12/2025)" in error.value.message_dict["program"][0]


def test_class_codes_are_unique_within_a_center_only(center, other_center):
    CourseFactory(center=center, code="2023-KND-01")
    CourseFactory(center=other_center, code="2023-KND-01")
    _integrity_error(lambda: CourseFactory(center=center, code="2023-KND-01"))


def test_one_enrolment_per_learner_per_class(center):
    enrolment = EnrolmentFactory(course__center=center)
    _integrity_error(lambda: Enrolment.objects.create(course=enrolment.course, learner=enrolment.learner))


def test_cccd_is_unique_when_given_and_may_be_missing(center):
    LearnerFactory(center=center, national_id=None)
    LearnerFactory(center=center, national_id=None)
    LearnerFactory(center=center, national_id="010190000001")
    _integrity_error(lambda: LearnerFactory(center=center, national_id="010190000001"))


def test_a_cccd_that_is_not_12_digits_is_refused_with_a_message(center):
    learner = LearnerFactory.build(center=center, national_id="12345")
    with pytest.raises(ValidationError) as error:
        learner.full_clean()
    assert error.value.message_dict["national_id"] == ["Số CCCD phải gồm đúng 12 chữ số."]


def test_counts_are_never_negative(center):
    _integrity_error(lambda: CourseFactory(center=center, planned_size=-1))


def test_unit_codes_are_unique_within_their_parent(province, other_province):
    CenterFactory(parent=province, code="085")
    CenterFactory(parent=other_province, code="085")
    _integrity_error(lambda: CenterFactory(parent=province, code="085"))


def test_a_center_must_hang_under_a_province(center):
    misplaced = CenterFactory.build(parent=center, code="999")
    with pytest.raises(ValidationError) as error:
        misplaced.full_clean()
    assert "Đơn vị cấp trên phải là" in error.value.message_dict["parent"][0]


def test_a_renamed_unit_keeps_its_old_name_for_past_days(center):
    UnitName.objects.create(
        unit=center,
        name="Trung tâm bồi dưỡng chính trị thành phố Lào Cai",
        valid_from=datetime.date(2010, 1, 1),
        valid_to=datetime.date(2019, 12, 31),
    )
    assert center.name_on(datetime.date(2015, 6, 1)) == "Trung tâm bồi dưỡng chính trị thành phố Lào Cai"
    assert center.name_on(datetime.date(2023, 6, 1)) == "Trung tâm chính trị thành phố Lào Cai"


def test_a_merged_unit_keeps_its_classes_and_is_inactive_afterwards(province, center, other_center):
    course = CourseFactory(center=other_center, start_date=datetime.date(2023, 2, 1))
    other_center.active_to = datetime.date(2024, 12, 31)
    other_center.merged_into = center
    other_center.save()
    course.refresh_from_db()
    assert course.center == other_center
    assert other_center.is_active_on(datetime.date(2023, 2, 1))
    assert not other_center.is_active_on(datetime.date(2025, 1, 1))
    active = Unit.objects.centers().active_between(datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    assert list(active) == [center]


def test_the_role_follows_the_unit(center_user, board_user, central_user):
    assert center_user.staff.role == Staff.Role.CENTER
    assert board_user.staff.role == Staff.Role.BOARD
    assert central_user.staff.role == Staff.Role.CENTRAL


def test_a_learner_from_a_minority_and_a_masked_cccd(center):
    learner = LearnerFactory(center=center, ethnicity="Mông", national_id="010190001234")
    assert learner.is_ethnic_minority
    assert learner.masked_national_id == "********1234"
    assert not Learner(ethnicity="Kinh").is_ethnic_minority
    assert program("NQ").name.startswith("Học tập")
