import datetime

import pytest

from centers.periods import Period, PeriodError


@pytest.mark.parametrize(
    ("key", "start", "end", "label"),
    [
        ("2023-Q1", datetime.date(2023, 1, 1), datetime.date(2023, 3, 31), "quý I/2023"),
        ("2023-Q4", datetime.date(2023, 10, 1), datetime.date(2023, 12, 31), "quý IV/2023"),
        ("2024-Q1", datetime.date(2024, 1, 1), datetime.date(2024, 3, 31), "quý I/2024"),
        ("2023-H1", datetime.date(2023, 1, 1), datetime.date(2023, 6, 30), "6 tháng đầu năm 2023"),
        ("2023-H2", datetime.date(2023, 7, 1), datetime.date(2023, 12, 31), "6 tháng cuối năm 2023"),
        ("2023-9M", datetime.date(2023, 1, 1), datetime.date(2023, 9, 30), "9 tháng năm 2023"),
        ("2023", datetime.date(2023, 1, 1), datetime.date(2023, 12, 31), "năm 2023"),
    ],
)
def test_it_turns_keys_into_dates_and_labels_and_back(key, start, end, label):
    period = Period.parse(key)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert Period.parse(period.key) == period
    assert period.key == key


def test_february_of_a_leap_year_ends_the_quarter_right():
    assert Period.parse("2024-Q1").end == datetime.date(2024, 3, 31)
    assert Period.quarter_of(datetime.date(2024, 2, 29)).key == "2024-Q1"


def test_year_earlier_and_neighbours():
    assert Period.parse("2023-Q1").year_earlier().key == "2022-Q1"
    assert Period.parse("2023-9M").year_earlier().label == "9 tháng năm 2022"
    assert Period.parse("2023-Q4").next_quarter().key == "2024-Q1"
    assert Period.parse("2023-Q1").previous_quarter().key == "2022-Q4"
    assert [q.key for q in Period.parse("2023-9M").quarters()] == ["2023-Q1", "2023-Q2", "2023-Q3"]
    assert [q.key for q in Period.parse("2023-H2").quarters()] == ["2023-Q3", "2023-Q4"]


def test_title_and_sentence_labels():
    assert Period.parse("2023-Q1").title_label == "quý I năm 2023"
    assert Period.parse("2023-Q1").sentence_label == "Quý I/2023"
    assert Period.parse("2023").sentence_label == "Năm 2023"


@pytest.mark.parametrize("bad", ["", "2023-Q5", "2023Q1", "quý 1", "1899", "2023-H3"])
def test_a_bad_key_gets_a_vietnamese_message(bad):
    with pytest.raises(PeriodError, match="không hợp lệ|nằm ngoài"):
        Period.parse(bad)
