"""Whether a center's records of a given day may still be changed.

Every write service asks `lock_reason()` before it touches a class, its roster or its results. This is the
single place that asks; the layers above fill it in (courses imports nothing from reports): the reports app
registers its rule at startup (ReportsConfig.ready: an approved quarter locks that center's classes of the
quarter, until board staff unlock it).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from centers.models import Unit

LockRule = Callable[..., "str | None"]  # called as rule(center=..., day=...)

_rules: list[LockRule] = []


def register_lock_reason(rule: LockRule) -> LockRule:
    """Add a rule `rule(center=..., day=...) -> str | None`; registering the same rule twice keeps one."""
    if rule not in _rules:
        _rules.append(rule)
    return rule


def lock_reason(*, center: Unit, day: datetime.date) -> str | None:
    """A Vietnamese sentence saying why the center's data of `day` is locked and who can unlock it, or None."""
    for rule in _rules:
        reason = rule(center=center, day=day)
        if reason:
            return reason
    return None


# -- notices: not a lock, a word before a save ---------------------------------------------------------------------
_notices: list[LockRule] = []


def register_notice(rule: LockRule) -> LockRule:
    """Add a rule `rule(center=..., day=...) -> str | None` saying what a save of that day's data will cause (e.g. a
    submitted quarter: the board sees the change)."""
    if rule not in _notices:
        _notices.append(rule)
    return rule


def save_notice(*, center: Unit, day: datetime.date) -> str | None:
    for rule in _notices:
        notice = rule(center=center, day=day)
        if notice:
            return notice
    return None
