"""What the class pages draw in Python rather than through Django's templates (courses/forms.py Select, the results
form's shared fields) draws and reads exactly as Django's own would: the same markup, the same cleaned values and
errors."""

import pytest
from django import forms

from courses.forms import PostedResultFormSet, ResultFormSet, Select

CHOICES = [
    ("", "Tất cả"),
    ("Năm 2026", [("2026", "Năm 2026"), ("2026-Q1", "Quý I/2026")]),
    ("a&b", "<b>“x” & 'y'</b>"),
    (7, "bảy"),
]


@pytest.mark.parametrize("value", [None, "", "2026-Q1", "a&b", "7", "missing"])
@pytest.mark.parametrize("attrs", [None, {"class": "select form-select", "required": True, "disabled": False}])
def test_the_select_draws_what_djangos_select_draws(value, attrs):
    ours = Select(choices=CHOICES).render("ky", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("ky", value, attrs=attrs)
    assert ours == django


def _post(rows, **management):
    data = {"kq-TOTAL_FORMS": str(len(rows)), "kq-INITIAL_FORMS": str(len(rows))} | management
    for i, row in enumerate(rows):
        data |= {f"kq-{i}-{key}": value for key, value in row.items()}
    return data


POSTS = [
    _post([{"enrolment": "1", "version": "1", "result": "gioi", "certificate_no": " A1 "}]),
    _post([{"enrolment": "1", "version": "x"}, {"enrolment": "abc", "version": "2"}]),
    _post([{"enrolment": "1", "version": "1", "certificate_no": "x" * 51, "score": "1" * 21}]),
    _post(
        [{"enrolment": "1", "version": "1", "dropped": "false"}, {"enrolment": "2", "version": "0", "dropped": "on"}]
    ),
    _post([{"enrolment": "1", "version": "1"}, {}], **{"kq-INITIAL_FORMS": "1"}),  # an empty row past the initial
    _post([{"enrolment": "1", "version": "1"}, {"score": "5"}], **{"kq-INITIAL_FORMS": "1"}),
    _post([{"enrolment": "1", "version": "1"}], **{"kq-TOTAL_FORMS": "6001"}),
    _post([{"enrolment": "1", "version": "1"}], **{"kq-TOTAL_FORMS": "-1"}),
    {"kq-INITIAL_FORMS": "0"},
]


@pytest.mark.parametrize("data", POSTS)
def test_the_posted_results_read_as_the_formset_reads_them(data):
    ours, django = PostedResultFormSet(data, prefix="kq"), ResultFormSet(data, prefix="kq")
    assert ours.is_valid() == django.is_valid()
    assert ours.non_form_errors() == django.non_form_errors()
    assert [f.errors for f in ours.forms] == [f.errors for f in django.forms]
    assert [getattr(f, "cleaned_data", None) for f in ours.forms] == [
        getattr(f, "cleaned_data", None) for f in django.forms
    ]
