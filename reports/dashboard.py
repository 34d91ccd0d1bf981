"""What the dashboard page shows, assembled from the selectors (no counting here): cards, chart data, tables."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from html import escape as html_escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

from centers.lineage import Boundaries
from centers.models import Unit
from centers.periods import Period, period_groups
from centers.scoping import unit_key
from courses import rules as teaching_rules
from courses.models import Course

from . import briefing
from .figures import completeness, counting, programs
from .figures.basis import admitted_statuses, bounds_of, default_basis
from .figures.types import Change, Figures, result_scales, results_of
from .formatting import vn_int, vn_percent
from .templatetags.vn import change as change_text
from .templatetags.vn import get, number, percent

TREND_QUARTERS = 12


@dataclass
class Card:
    key: str
    label: str
    value: float | None
    change: Change | None
    percent: bool = False
    no_history: bool = False  # the unit did not exist a year earlier: "chưa có số liệu cùng kỳ"


@dataclass
class Row:
    unit: Unit
    figures: Figures
    previous: Figures
    reporting: float | None
    status: str
    admitted: bool = True  # False: the basis leaves this center's quarter out (its report is not yet approved)
    existed: bool = True  # False: the unit did not exist through the year-earlier period ("chưa có số liệu cùng kỳ")

    @property
    def classes_change(self) -> Change | None:
        """None when the quarter is left out (its 0 is "not counted yet", not a fall on a year earlier) or the unit
        has no year-earlier period to compare with (founded since: not a rise from zero)."""
        return Change(self.figures.classes, self.previous.classes) if self.admitted and self.existed else None


@dataclass
class Line:
    key: str
    label: str
    value: str


def scored_lines(figures: Figures, today) -> list[Line]:
    """What the 2025 rules add, for the classes that follow them (nothing where there are none): learners eligible
    for a certificate, the grades, certificates issued, late, not yet issued and past due, attendance."""
    if not figures.scored_classes:
        return []

    since = teaching_rules.scored_since()

    def share(value):
        return vn_percent(value) if value is not None else "–"

    return [
        Line(
            "scored-classes",
            f"Lớp từ {since:%d/%m/%Y} (xếp loại theo thang điểm 10)",
            f"{vn_int(figures.scored_classes)} lớp, {vn_int(figures.scored_enrolments)} lượt học viên",
        ),
        Line(
            "eligible",
            "Đủ điều kiện cấp giấy chứng nhận",
            f"{vn_int(figures.eligible)} ({share(figures.eligible_rate)})",
        ),
        Line("good-or-better", "Xếp loại khá, giỏi trở lên", share(figures.good_or_better_rate)),
        Line("issued", "Giấy chứng nhận đã cấp", vn_int(figures.certificates_issued)),
        Line("late", "trong đó cấp quá thời hạn", vn_int(figures.certificates_late)),
        Line("pending", "Đủ điều kiện, chưa được cấp", vn_int(figures.certificates_pending)),
        Line("past-due", "trong đó đã quá hạn cấp", vn_int(figures.certificates_past_due(today))),
        Line("attendance", "Tỷ lệ tham dự (số tiết)", share(figures.attendance_rate)),
        Line("below-attendance", "Không đủ số tiết để làm bài thu hoạch", vn_int(figures.below_attendance)),
    ]


def rate_change(now: float | None, before: float | None) -> Change | None:
    """A rate's change at the precision shown (96,0%): 0,04 points is "= 0", not a red "▼ 0,0 điểm %"."""
    return Change(round(now, 3), round(before, 3)) if now is not None and before is not None else None


def build(*, unit: Unit, period: Period, basis: str, boundaries: Boundaries | None = None) -> dict:
    """`boundaries`: as they were or today's (None: the period's default, centers/lineage.py)."""
    bounds = bounds_of(unit, boundaries, period)
    rollup = counting.rollup(unit=unit, period=period, basis=basis, bounds=bounds)
    rate = completeness.reporting_rate(unit=unit, period=period, centers=rollup.centers, bounds=bounds)
    rate_before = completeness.reporting_rate(
        unit=unit, period=period.year_earlier(), centers=rollup.centers, bounds=bounds
    )
    last = period.quarters()[-1]
    series = counting.quarterly_series(
        unit=unit, last=last, count=TREND_QUARTERS + 4, basis=basis, centers=rollup.centers
    )
    total, previous = rollup.total, rollup.previous.total

    def count_change(attribute):  # no figures at all a year earlier: "cùng kỳ chưa có số liệu", not "▲ 709"
        return rollup.change(attribute) if rollup.previous.has_data else None

    def rate_change_of(now, before):  # a unit founded since: no comparison of its rates either
        return rate_change(now, before) if rollup.comparable else None

    cards = [
        Card("classes", "Số lớp đã mở", total.classes, count_change("classes")),
        Card("enrolments", "Lượt học viên", total.enrolments, count_change("enrolments")),
        Card("learners", "Học viên (không tính trùng)", total.learners, count_change("learners")),
        Card(
            "completion",
            "Tỷ lệ hoàn thành",
            total.completion_rate,
            rate_change_of(total.completion_rate, previous.completion_rate),
            percent=True,
        ),
        Card(
            "plan",
            "Thực hiện kế hoạch",
            total.plan_fulfilment,
            rate_change_of(total.plan_fulfilment, previous.plan_fulfilment),
            percent=True,
        ),
        Card("reporting", "Tỷ lệ báo cáo", rate.rate, rate_change_of(rate.rate, rate_before.rate), percent=True),
    ]
    for card in cards:
        card.no_history = rollup.no_history

    if unit.kind == Unit.Kind.CENTRAL:
        province_rates = rate.province_totals(rollup.centers, rollup.province_key)
        rows = []
        earlier = period.year_earlier()
        for province, figures, before in rollup.by_province():
            reported, expected = province_rates.get(province.pk, (0, 0))
            rows.append(
                Row(
                    province,
                    figures,
                    before,
                    reported / expected if expected else None,
                    f"{reported}/{expected}",
                    existed=counting.existed_throughout(province, earlier),
                )
            )
    else:
        statuses = admitted_statuses(basis)
        rows = [
            Row(
                center,
                rollup.by_center.get(center.pk, Figures()),
                rollup.previous.by_center.get(center.pk, Figures()),
                rate.center_rate(center.pk),
                rate.status_label(center.pk, period),
                admitted=not period.is_quarter
                or statuses is None
                or rate.statuses.get((center.pk, period.index)) in statuses,
                existed=counting.existed_throughout(center, period.year_earlier()),
            )
            for center in rollup.listed_centers()
        ]
    rows.sort(key=lambda row: -row.figures.classes)

    text, edited, outdated = briefing.current(unit=unit, period=period, basis=basis, rollup=rollup, rate=rate)
    trend = series[-TREND_QUARTERS:]
    year_before = series[:TREND_QUARTERS]  # the same quarters one year (four quarters) earlier
    # Quarters before the unit's first class are "no figures yet" (a gap in the chart), not a fall to 0.
    first = next((i for i, point in enumerate(series) if point.classes or point.enrolments), len(series))

    def plotted(attribute):  # (the trend's quarters, the same quarters a year earlier)
        values = [getattr(point, attribute) if i >= first else None for i, point in enumerate(series)]
        return values[-TREND_QUARTERS:], values[:TREND_QUARTERS]

    (classes, classes_before), (enrolments, enrolments_before) = plotted("classes"), plotted("enrolments")
    charts = {
        "programs": {
            "labels": [line.program.code for line in rollup.by_program.values()],
            "names": [line.program.name for line in rollup.by_program.values()],
            "classes": [line.classes for line in rollup.by_program.values()],
            "enrolments": [line.enrolments for line in rollup.by_program.values()],
        },
        "trend": {
            "labels": [p.period.label for p in trend],
            "classes": classes,
            "classes_before": classes_before,
            "enrolments": enrolments,
            "enrolments_before": enrolments_before,
        },
        "units": {
            "labels": [row.unit.area_name for row in rows],
            "classes": [row.figures.classes for row in rows],
        },
        "results": {
            "labels": [line.program.code for line in rollup.by_program.values()],
            "series": [
                {"key": key, "label": str(label), "data": [line.results[key] for line in rollup.by_program.values()]}
                for key, label in results_of(total)
            ],
        },
        "formats": {
            "labels": [str(label) for label in Course.Format.labels],
            "classes": [rollup.by_format[value][0] for value in Course.Format.values],
            "enrolments": [rollup.by_format[value][1] for value in Course.Format.values],
        },
    }
    return {
        "rollup": rollup,
        "bounds": bounds,
        "boundaries_label": rollup.boundaries_label,
        "boundaries_differ": views_differ(unit, rollup),
        "cards": cards,
        "rows": rows,
        "rate": rate,
        "charts": charts,
        "trend": list(zip(trend, year_before, strict=True)),
        "results": results_of(total),
        "result_scales": result_scales(total),
        "scored_lines": scored_lines(total, timezone.localdate()),
        # Programs of a later catalogue than a year earlier's, against their counterparts (or none).
        "program_comparison": programs.across_the_change(rollup),
        "format_rows": [(str(label), *rollup.by_format[value]) for value, label in Course.Format.choices],
        "briefing_text": text,
        "briefing_lead": text.split("\n\n", 1)[0],
        "briefing_rest": text.split("\n\n", 1)[1] if "\n\n" in text else "",
        "briefing_edited": edited,
        "briefing_outdated": outdated,
    }


def unit_table(rows: list[Row], *, unit: Unit, period: Period, query: str) -> list[dict]:
    """What the units table shows of each row, formatted here once (the template's filters and lookups cost a
    national page 13 ms for its 63 rows): names of the period, so the units' former names must be prefetched.
    Numbers as text, the sort values as the template showed them: ungrouped (USE_THOUSAND_SEPARATOR is off)."""
    central, province = unit.kind == Unit.Kind.CENTRAL, unit.kind == Unit.Kind.PROVINCE
    courses = reverse("courses:course_list")
    cells = []
    for row in rows:
        figures, change = row.figures, row.classes_change
        name = row.unit.name_on(period.end)
        key = unit_key(row.unit)
        cells.append(
            {
                "key": key,
                "name": name,
                "href": f"{reverse('reports:dashboard', args=[key, period.key])}?{query}",
                "label": row.unit.area_name if central else name,
                # A province's page links each center's classes of the period.
                "classes_href": f"{courses}?trung_tam={row.unit.pk}&ky={period.key}" if province else "",
                "classes": str(figures.classes),
                "classes_text": vn_int(figures.classes),
                "enrolments": str(figures.enrolments),
                "enrolments_text": vn_int(figures.enrolments),
                "learners": str(figures.learners),
                "learners_text": vn_int(figures.learners),
                "completion": _sort_value(figures.completion_rate),
                "completion_text": percent(figures.completion_rate),
                "plan": _sort_value(figures.plan_fulfilment),
                "plan_text": percent(figures.plan_fulfilment),
                "status": row.status,
                "status_text": f"{row.status} ({percent(row.reporting)})" if central else row.status,
                "change": str(change.diff) if change is not None else "",
                "change_text": change_text(change),
                "existed": row.existed,
            }
        )
    return cells


# The units table's rows as the template drew them, one format string a row: 20 values a row cost the national page
# (63 rows) some 4 ms through the template's nodes. Each value escaped as the template escaped it.
_UNIT_ROW = (
    '\n      <tr data-unit="{key}">\n        <td class="unit-name" data-value="{name}"><a href="{href}">{label}</a>\n'
    "          {classes_link}</td>\n"
    '        <td class="num" data-value="{classes}">{classes_text}</td>\n'
    '        <td class="num" data-value="{enrolments}">{enrolments_text}</td>\n'
    '        <td class="num" data-value="{learners}">{learners_text}</td>\n'
    '        <td class="num" data-value="{completion}">{completion_text}</td>\n'
    '        <td class="num" data-value="{plan}">{plan_text}</td>\n'
    '        <td data-value="{status}">{status_text}</td>\n'
    '        <td class="num" data-value="{change}">{change_text}</td>\n      </tr>\n    '
)


@functools.lru_cache(maxsize=256)
def period_options(selected: str, last_year: int) -> str:
    """The period picker's options (years from 2020 to `last_year`, `selected` chosen) as the template drew them: a
    third of a province page's template nodes, the same for every page of a period, so drawn once a process."""
    return mark_safe(  # noqa: S308 -- every value escaped
        "".join(
            f'<optgroup label="{escape(year)}">'
            + "".join(
                f'<option value="{escape(key)}"{" selected" if key == selected else ""}>{escape(label)}</option>'
                for key, label in choices
            )
            + "</optgroup>"
            for year, choices in period_groups(range(2020, last_year + 1))
        )
    )


def chart_tables(*, rollup, trend: list, results: list) -> dict[str, str]:
    """The rows of the tables under the charts (by program, by quarter, results by program), drawn as the template
    drew them: another third of a province page's template nodes."""
    lines = rollup.by_program.items()

    def cells(*values) -> str:
        return "".join(f'<td class="num">{escape(number(value))}</td>' for value in values)

    return {
        "program_rows": mark_safe(  # noqa: S308 -- every value escaped
            "".join(
                f"<tr><td>{escape(line.program.name)}</td>"
                f"{cells(line.classes, line.co_organised_classes, line.enrolments, line.planned_classes)}</tr>"
                for _code, line in lines
            )
        ),
        "trend_rows": mark_safe(  # noqa: S308 -- every value escaped
            "".join(
                f"<tr><td>{escape(point.period.label)}</td>"
                f"{cells(point.classes, before.classes, point.enrolments, before.enrolments)}</tr>"
                for point, before in trend
            )
        ),
        "result_rows": mark_safe(  # noqa: S308 -- every value escaped
            "".join(
                f"<tr><td>{escape(code)}</td>{cells(*(get(line.results, key) for key, _label in results))}"
                f"{cells(get(line.results, ''))}</tr>"
                for code, line in lines
            )
        ),
    }


def escape(value) -> str:
    """As the template escapes a value (Django's conditional_escape, without its lazy-text wrapper)."""
    return value if isinstance(value, SafeData) else html_escape(str(value))


def unit_rows_html(cells: list[dict]) -> str:
    """The units table's rows (`unit_table`'s cells) as HTML."""
    link = '<span class="sep-dot"> · </span><a class="small d-print-none" href="{}">' + escape(_("các lớp")) + "</a>"
    no_history = '<span class="text-muted small">' + escape(_("chưa có số liệu cùng kỳ")) + "</span>"
    rows = []
    for cell in cells:
        values = {key: escape(value) for key, value in cell.items() if key not in ("classes_href", "existed")}
        href = cell["classes_href"]
        values["classes_link"] = link.format(escape(href)) if href else ""
        if not cell["existed"]:
            values["change_text"] = no_history
        rows.append(_UNIT_ROW.format(**values))
    return mark_safe("".join(rows))  # noqa: S308 -- every value escaped above


def _sort_value(rate: float | None) -> str:
    """A rate as the table sorts it ("-1" when there is none)."""
    return "%f" % (-1 if rate is None else rate)  # noqa: UP031 -- the template's stringformat:"f"


def views_differ(unit: Unit, rollup) -> bool:
    """Whether the two boundaries show different figures for this unit and period (the page offers the switch):
    a province with a predecessor active in the days read, or the nation when any merged province was."""
    if unit.kind not in (Unit.Kind.PROVINCE, Unit.Kind.CENTRAL):
        return False
    if rollup.bounds.boundaries is Boundaries.TODAY:
        return bool(rollup.predecessors)
    start, end = rollup.span
    if unit.kind == Unit.Kind.CENTRAL:
        merged = {center.parent for center in rollup.centers if center.parent.merged_into_id}
    else:
        merged = set(unit.merged_from.all())  # one query: the provinces merged into this one
    return any(province.is_active_between(start, end) for province in merged)


def warm(*, today, period: Period | None = None, centers: bool = False, progress=None) -> list[tuple]:
    """Count and cache what the dashboards open on, so that no user meets an empty cache: the nation and every
    province (each center too with `centers`), on the year each opens on (`period` instead, if given), on its
    default data basis. Run after a deploy (new code starts new cache keys) and every few minutes (after a change
    of units or programs). Returns (unit, period, milliseconds) per dashboard."""
    units = list(Unit.objects.filter(kind=Unit.Kind.CENTRAL, parent=None)) + list(
        Unit.objects.provinces().order_by("code")
    )
    if centers:
        units += list(Unit.objects.centers().order_by("parent__code", "code"))
    done = []
    for unit in units:
        at = period or Period(counting.landing_year(unit, today=today), "Y")
        started = time.perf_counter()
        build(unit=unit, period=at, basis=default_basis(unit))
        done.append((unit, at, (time.perf_counter() - started) * 1000))
        if progress:
            progress(*done[-1])
    return done
