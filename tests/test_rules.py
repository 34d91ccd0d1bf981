"""The teaching rules a class follows (courses/rules.py): dated, with the regulation's numbers as defaults."""

import datetime
from decimal import Decimal

import pytest

from courses import rules
from courses.models import Course

D = Decimal


def test_a_class_follows_the_rules_in_force_on_its_start_date():
    before, since = rules.on(datetime.date(2025, 11, 30)), rules.on(datetime.date(2025, 12, 1))
    assert not before.scored and before.min_class_size is None
    assert since.scored and since.min_class_size == 25 and since.certificate_days == 15
    assert Course(start_date=datetime.date(2025, 11, 30)).is_scored is False
    assert Course(start_date=datetime.date(2026, 3, 2)).is_scored is True
    assert rules.scored_since() == datetime.date(2025, 12, 1)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("10", "xuat_sac"),
        ("9,0", "xuat_sac"),
        ("8,9", "gioi"),
        ("8.0", "gioi"),
        ("7,9", "kha"),
        ("7", "kha"),
        ("6,9", "trung_binh"),
        ("5,0", "trung_binh"),
        ("4,9", "khong_dat"),
        ("0", "khong_dat"),
    ],
)
def test_the_grade_comes_from_the_score(score, grade):
    assert rules.on(datetime.date(2026, 1, 1)).grade(rules.parse_score(score)) == grade


def test_attendance_below_80_percent_fails_whatever_the_score_and_the_retake_counts():
    today = rules.on(datetime.date(2026, 1, 1))
    assert today.attendance_threshold(30) == 24 and today.attendance_threshold(25) == 20
    assert today.result(periods=30, attended=23, score=D("9.5"), retake=None) == "khong_dat"
    assert today.result(periods=30, attended=24, score=D("9.5"), retake=None) == "xuat_sac"
    assert today.result(periods=30, attended=30, score=D("4.5"), retake=D("6.0")) == "trung_binh"
    assert today.result(periods=30, attended=30, score=D("8.0"), retake=None, dropped=True) == "bo_hoc"
    assert today.result(periods=30, attended=None, score=None, retake=None) == ""
    assert today.certificate_due(datetime.date(2026, 1, 20)) == datetime.date(2026, 2, 4)
    assert today.small_class(24) and not today.small_class(25)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("10,5", "Điểm 10,5 nằm ngoài thang 0–10."),
        ("-1", "Điểm -1 nằm ngoài thang 0–10."),
        ("7,25", "Điểm 7,25 có quá một chữ số thập phân."),
        ("bảy", "Điểm “bảy” không phải là một số."),
    ],
)
def test_a_score_typed_wrong_is_refused_with_the_reason(typed, message):
    with pytest.raises(ValueError, match=message):
        rules.parse_score(typed)


def test_scores_are_read_as_typed_and_written_as_the_users_write_them():
    assert rules.parse_score(" 7,5 ") == D("7.5") and rules.parse_score(7.5) == D("7.5")
    assert rules.parse_score("") is None and rules.parse_score(None) is None
    assert rules.format_score(D("10")) == "10,0" and rules.format_score(None) == ""


def test_a_deployment_sets_its_own_numbers_from_a_date(settings):
    settings.TEACHING_RULES = [
        *rules.DEFAULT_RULES,
        (datetime.date(2027, 1, 1), {"min_class_size": 20, "min_attendance": D("0.75")}),
    ]
    assert rules.on(datetime.date(2026, 12, 31)).min_class_size == 25
    later = rules.on(datetime.date(2027, 1, 1))
    assert later.scored and later.min_class_size == 20 and later.attendance_threshold(40) == 30
