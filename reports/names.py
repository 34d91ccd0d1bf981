"""The units' names of the time (`Unit.name_on`) for the pages that list units: their former names, read once per
epoch instead of prefetched on every page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from centers.models import Unit, UnitName

from .figures import cache


def _former_names() -> dict[int, list[UnitName]]:
    """Every unit's former names, in the order a prefetch of `former_names` gives them (UnitName's ordering). A
    UnitName saved or deleted starts a new epoch (reports/signals.py), and so does a restore: never stale."""

    def compute():
        by_unit = defaultdict(list)
        for name in UnitName.objects.order_by("unit", "valid_from", "pk"):
            by_unit[name.unit_id].append(name)
        return dict(by_unit)

    return cache.per_epoch("former-names", params=(), compute=compute)


def attach_former_names(units: Iterable[Unit]) -> None:
    """As `prefetch_related_objects(units, "former_names")` leaves them (each unit's names cached on it, each name's
    unit the unit), from the names read once per epoch: one small query (the epoch) instead of composing and
    running the prefetch on every page. Units that have their names prefetched already keep them."""
    units = [unit for unit in units if "former_names" not in getattr(unit, "_prefetched_objects_cache", {})]
    if not units:
        return
    names = _former_names()
    unit_field = UnitName._meta.get_field("unit")
    for unit in units:
        own = cache.fresh(names.get(unit.pk, []))  # copies: the cached instances are shared with other requests
        for name in own:
            unit_field.set_cached_value(name, unit)
        # As prefetch_one_level does: the related manager's queryset (its filter deferred until it is chained on),
        # holding the names.
        found = unit.former_names.get_queryset()
        found._result_cache, found._prefetch_done = own, True
        if not hasattr(unit, "_prefetched_objects_cache"):
            unit._prefetched_objects_cache = {}
        unit._prefetched_objects_cache["former_names"] = found
