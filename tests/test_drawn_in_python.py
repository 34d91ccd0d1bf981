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


# The dashboard's units table as its template drew it before reports/dashboard.py drew its rows in Python.
UNIT_ROWS_TEMPLATE = """{% load i18n %}    {% for row in unit_rows %}{# formatted by reports/dashboard.py unit_table #}
      <tr data-unit="{{ row.key }}">
        <td class="unit-name" data-value="{{ row.name }}"><a href="{{ row.href }}">{{ row.label }}</a>
          {% if row.classes_href %}<span class="sep-dot"> · </span><a class="small d-print-none" href="{{ row.classes_href }}">{% translate "các lớp" %}</a>{% endif %}</td>
        <td class="num" data-value="{{ row.classes }}">{{ row.classes_text }}</td>
        <td class="num" data-value="{{ row.enrolments }}">{{ row.enrolments_text }}</td>
        <td class="num" data-value="{{ row.learners }}">{{ row.learners_text }}</td>
        <td class="num" data-value="{{ row.completion }}">{{ row.completion_text }}</td>
        <td class="num" data-value="{{ row.plan }}">{{ row.plan_text }}</td>
        <td data-value="{{ row.status }}">{{ row.status_text }}</td>
        <td class="num" data-value="{{ row.change }}">{% if row.existed %}{{ row.change_text }}{% else %}<span class="text-muted small">{% translate "chưa có số liệu cùng kỳ" %}</span>{% endif %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501


def test_the_units_table_rows_are_the_templates_byte_for_byte():
    from django.template import Context, Template
    from django.utils.safestring import mark_safe

    from reports.dashboard import unit_rows_html

    cell = {
        "key": "10-080",
        "name": "Trung tâm <Chính trị> & “Ba Đình”",
        "href": "/tong-hop/10-080/2026/?so_lieu=all&ranh-gioi=khi-do",
        "label": "Ba Đình's",
        "classes_href": "/lop/?trung_tam=3&ky=2026",
        "classes": "1234",
        "classes_text": "1.234",
        "enrolments": "0",
        "enrolments_text": "0",
        "learners": "7",
        "learners_text": "7",
        "completion": "0.950000",
        "completion_text": "95,0%",
        "plan": "-1.000000",
        "plan_text": "–",
        "status": "2/3",
        "status_text": "2/3 (66,7%)",
        "change": "-5",
        "change_text": mark_safe('<span class="text-danger">▼ 5</span>'),
        "existed": True,
    }
    cells = [cell, cell | {"classes_href": "", "existed": False, "change": ""}, cell | {"change_text": "<b>"}]
    drawn = "    " + unit_rows_html(cells)
    assert drawn == Template(UNIT_ROWS_TEMPLATE).render(Context({"unit_rows": cells}))
    assert "&lt;Chính trị&gt; &amp; “Ba Đình”" in drawn and "chưa có số liệu cùng kỳ" in drawn


CHART_TABLES_TEMPLATE = (
    "{% load vn %}"
    "<tbody>{% for code, line in rollup.by_program.items %}<tr><td>{{ line.program.name }}</td>"
    '<td class="num">{{ line.classes|number }}</td><td class="num">{{ line.co_organised_classes|number }}</td>'
    '<td class="num">{{ line.enrolments|number }}</td><td class="num">{{ line.planned_classes|number }}</td></tr>'
    "{% endfor %}</tbody>"
    "<tbody>{% for point, before in trend %}<tr><td>{{ point.period.label }}</td>"
    '<td class="num">{{ point.classes|number }}</td><td class="num">{{ before.classes|number }}</td>'
    '<td class="num">{{ point.enrolments|number }}</td><td class="num">{{ before.enrolments|number }}</td></tr>'
    "{% endfor %}</tbody>"
    "<tbody>{% for code, line in rollup.by_program.items %}<tr><td>{{ code }}</td>{% for key, label in results %}"
    '<td class="num">{{ line.results|get:key|number }}</td>{% endfor %}<td class="num">{{ line.results|get:""|number }}'
    "</td></tr>{% endfor %}</tbody>"
)


def test_the_dashboards_chart_tables_are_the_templates_byte_for_byte():
    from types import SimpleNamespace

    from django.template import Context, Template

    from reports.dashboard import chart_tables
    from reports.figures.types import ProgramFigures

    def line(name, classes, **results):
        return ProgramFigures(
            program=SimpleNamespace(name=name), classes=classes, own_classes=1, enrolments=129557, results=results
        )

    rollup = SimpleNamespace(
        by_program={"KND": line("Lý luận <chính trị> & “KND”", 1234, gioi=5, kha=0), "A&B": line("B", 0, **{"": 7})}
    )

    def point(label, classes):
        return SimpleNamespace(period=SimpleNamespace(label=label), classes=classes, enrolments=classes * 1000)

    trend = [(point("Quý I/2026", 12), point("Quý I/2025", 0)), (point("Quý <II>", 1001), point("x", 3))]
    results = [("gioi", "Giỏi"), ("kha", "Khá"), ("xuat_sac", "Xuất sắc")]
    drawn = chart_tables(rollup=rollup, trend=trend, results=results)
    ours = "".join(f"<tbody>{drawn[key]}</tbody>" for key in ("program_rows", "trend_rows", "result_rows"))
    context = Context({"rollup": rollup, "trend": trend, "results": results})
    assert ours == Template(CHART_TABLES_TEMPLATE).render(context)
    assert "1.234" in ours and "129.557" in ours and "None" in ours  # a result no class has: as the template showed it
