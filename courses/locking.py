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


_rules: list[LockRule] = []  # locks
_notices: list[LockRule] = []  # notices: not a lock, a word before a save (a submitted quarter: the board sees it)


def _register(rules: list[LockRule], rule: LockRule) -> LockRule:
    if rule not in rules:  # registering the same rule twice keeps one
        rules.append(rule)
    return rule


def _first(rules: list[LockRule], *, center: Unit, day: datetime.date) -> str | None:
    """The first sentence the rules give, in the order they were registered."""
    for rule in rules:
        sentence = rule(center=center, day=day)
        if sentence:
            return sentence
    return None


def register_lock_reason(rule: LockRule) -> LockRule:
    """Add a rule `rule(center=..., day=...) -> str | None` saying why a day's data is locked."""
    return _register(_rules, rule)


def lock_reason(*, center: Unit, day: datetime.date) -> str | None:
    """A Vietnamese sentence saying why the center's data of `day` is locked and who can unlock it, or None."""
    return _first(_rules, center=center, day=day)


def register_notice(rule: LockRule) -> LockRule:
    """Add a rule `rule(center=..., day=...) -> str | None` saying what a save of that day's data will cause."""
    return _register(_notices, rule)


def save_notice(*, center: Unit, day: datetime.date) -> str | None:
    return _first(_notices, center=center, day=day)
