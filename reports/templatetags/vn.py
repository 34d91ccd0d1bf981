from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from centers.people import person_name
from centers.scoping import unit_key as _unit_key
from reports.formatting import vn_decimal, vn_int, vn_percent

register = template.Library()


@register.filter
def percent(value):
    """0.125 → 12,5%; None → —."""
    return "—" if value is None else vn_percent(value)


@register.filter
def number(value):
    """An integer grouped as Vietnamese write it, 129.557: what humanize's intcomma gives through the locale's
    formats, at a tenth of the cost (a dashboard shows some 200). Anything else as intcomma shows it."""
    return vn_int(value) if type(value) is int else intcomma(value)


@register.filter
def points(change):
    """The change of a rate in percentage points: "▲ 2,5 điểm %"."""
    if change is None:
        return ""
    if change.diff == 0:
        return "= 0 điểm %"
    arrow = "▲" if change.diff > 0 else "▼"
    return f"{arrow} {vn_decimal(abs(change.diff) * 100)} điểm %"


@register.filter
def person(user):
    """A user's name family-name first, as Vietnamese write it."""
    return person_name(user)


@register.filter
def named(unit, period):
    """A unit's name in the period shown (`Unit.name_on` its last day): a 2023 page shows the 2023 names."""
    return unit.name_on(period.end)


@register.filter
def unit_key(unit):
    return _unit_key(unit)


@register.filter
def change(value):
    """A Change as "▲ 5 (+14,3%)", "▼ 3 (-7,5%)" or "= 0"."""
    if value is None:
        return ""
    if value.diff == 0:
        return "= 0"
    arrow = "▲" if value.diff > 0 else "▼"
    sign = "+" if value.diff > 0 else "-"
    text = f"{arrow} {vn_int(abs(value.diff))}"
    if value.ratio is not None:
        text += f" ({sign}{vn_percent(abs(value.ratio))})"
    return text


@register.filter
def change_of(rollup, attribute):
    """The year-earlier change of one figure of a rollup, formatted as `change` does."""
    return change(rollup.change(attribute)) if rollup is not None else ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
