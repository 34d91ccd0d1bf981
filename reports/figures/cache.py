"""Cached figures that are never stale.

Every write that changes a figure raises the data stamp of the (center, year) it touched, in its own
transaction (`touch`): the maintained aggregates' refresh does it for classes, enrolments, results and
learners; reports/signals.py for report statuses, plans and lecturers. Rare changes that reach everything
(the organisation chain, the program catalogue, a rebuild or a restore) replace the epoch token (`new_epoch`).
`touch` first locks the stamps of the centers' provinces (rows of the same table, never raised): the write that
holds them counts the provinces' maintained figures (reports/figures/maintained.py).

A cached value is keyed on what it was computed from: the epoch token, and the count and sum of the stamps
of the centers and years it read. Stamps only grow, so once a change has committed, every key that covers it
is new and the value is computed again; values computed inside a transaction are stored only once it has
committed, so a rolled-back write never leaves figures behind.

`cached_parts` keys each part of a figure (a province's centers) on its own stamps, fetched for all parts in one
grouped query: a write in one center leaves every other province's part in the cache.

Two levels: each process's memory (settings.CACHES["figures"]), then a table every process shares
(SharedFigure), so a figure one worker computed serves the others, and a restart does not empty the cache. In
front of them, what the process has unpickled already (`Unpickled`): keys never change meaning, so neither can it.
"""

from __future__ import annotations

import copy
import datetime
import enum
import hashlib
import logging
import pickle
import secrets
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection, connections, router, transaction
from django.db.models import F, Model, Q, QuerySet
from django.db.models.base import ModelState
from django.utils import timezone

from centers.compiled import CompiledQuery
from centers.models import Unit
from courses.models import COUNTING_VERSION

from ..models import DataStamp, FiguresEpoch, ProvinceFigures, QuarterAggregate, SharedFigure

T = TypeVar("T")
CACHE_ALIAS = "figures"
KEEP_SHARED = datetime.timedelta(days=1)  # as long as a process keeps a figure in memory (settings.CACHES)
PRUNE_EVERY = 3600  # seconds between two prunings of the shared table by one process
_pruned_at = -float(PRUNE_EVERY)
logger = logging.getLogger(__name__)


def _cache():
    return caches[CACHE_ALIAS if CACHE_ALIAS in settings.CACHES else "default"]


class Unpickled:
    """A bounded, process-local memo of values already unpickled, keyed on what they were unpickled from (a cache
    key, which names one value forever: it is computed from the epoch and the stamps; or a hash of the pickled
    bytes). A cached hit then costs a dictionary lookup, not an unpickling (the country's 693 centers: 6 ms).
    `get` returns the memo itself for a key it lacks.

    The values are shared: whoever reads one must not change it, and hands callers a copy (`fresh`)."""

    def __init__(self, size: int):
        self.size, self.values, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.values.get(key, self)
            if value is not self:
                self.values.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


unpickled = Unpickled(512)  # by cache key
# The maintained province figures, by the MD5 of their pickled bytes (counting.province_parts): a national page reads
# 126, some 30 KB each unpickled.
unpickled_parts = Unpickled(512)


def fresh(value):
    """A copy of a shared value that its caller may change at the top (a rollup gets its unit, centers and
    bounds attached; a list of centers gets their names of the time prefetched), a tuple's items each: model
    instances in a list or a dict are copied (with the related instances cached on them, each once), other
    objects shallowly. Nested figures are shared: no reader changes them."""
    if isinstance(value, (str, bytes, int, float, type(None))):
        return value
    if isinstance(value, tuple):
        return tuple(fresh(item) for item in value)
    if isinstance(value, list):
        return _copy_models(value, {})
    if isinstance(value, dict):
        return dict(zip(value, _copy_models(list(value.values()), {}), strict=True))
    return copy.copy(value)


def _copy_models(items: list, copies: dict) -> list:
    """As unpickling a pickled list would give (the country's 693 centers: 1,7 ms, not 6): each model instance
    with its own state and without prefetched objects, a related instance cached on several copied once."""
    found = []
    for item in items:
        if not isinstance(item, Model):
            found.append(item)
            continue
        done = copies.get(id(item))
        if done is None:
            values = item.__dict__.copy()
            values.pop("_prefetched_objects_cache", None)
            old = values["_state"]
            state = values["_state"] = ModelState()
            state.db, state.adding = old.db, old.adding
            related = old.__dict__.get("fields_cache")
            if related:
                state.fields_cache = {
                    name: copies.get(id(other)) or _copy_models([other], copies)[0] for name, other in related.items()
                }
            done = copies[id(item)] = object.__new__(item.__class__)
            done.__dict__ = values
        found.append(done)
    return found


# -- writes -------------------------------------------------------------------------------------------------------
def touch(center_years: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Raise the stamps of these (center id, year) pairs after locking their provinces' (returned as (province id,
    year) pairs), two queries. Call it inside the write's transaction.

    The stamps stay locked until the write commits, taken in one order: two writes to the same center and year
    take turns (the maintained aggregates lock them before they count, so each counts the other's committed
    rows), and never wait for each other in a circle."""
    pairs = _pairs(center_years)
    if not pairs:
        return set()
    parents = dict(Unit.objects.filter(pk__in={center for center, _ in pairs}).values_list("pk", "parent_id"))
    return _raise(pairs, parents)


def touch_reading_centers(center_years: Iterable[tuple[int, int]]) -> tuple[set[tuple[int, int]], list[Unit]]:
    """`touch`, and the centers of those provinces (id and parent id only) read in the same query: what a write's
    upkeep counts the provinces' figures from (reports/figures/maintained.py)."""
    pairs = _pairs(center_years)
    if not pairs:
        return set(), []
    written = {center for center, _ in pairs}
    of_provinces = Unit.objects.filter(pk__in=written).values("parent_id")
    units = list(
        Unit.objects.filter(Q(pk__in=written) | Q(kind=Unit.Kind.CENTER, parent_id__in=of_provinces)).only(
            "id", "parent_id", "kind"
        )
    )
    parents = {unit.pk: unit.parent_id for unit in units if unit.pk in written}
    provinces = _raise(pairs, parents)
    province_ids = {province_id for province_id, _ in provinces}
    return provinces, [unit for unit in units if unit.kind == Unit.Kind.CENTER and unit.parent_id in province_ids]


def _pairs(center_years: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    return {(int(center), int(year)) for center, year in center_years if center is not None and year is not None}


def _raise(pairs: set[tuple[int, int]], parents: dict[int, int | None]) -> set[tuple[int, int]]:
    """Lock the provinces' stamps, then raise the centers' (see `touch`); the (province, year) pairs."""
    provinces = {(parents[center], year) for center, year in pairs if parents.get(center) is not None}
    with transaction.atomic(savepoint=False):
        _upsert_stamps([(*pair, 0) for pair in sorted(provinces - pairs)] + [(*pair, 1) for pair in sorted(pairs)])
    return provinces


# One statement creates the missing stamps at their step and raises the others by it (a province's, step 0, is a
# lock only), locking each until the transaction ends, in the order given (provinces first, each in order).
# PostgreSQL and SQLite alike.
_UPSERT_STAMPS = (
    "INSERT INTO reports_datastamp (center_id, year, version) VALUES {rows} ON CONFLICT (center_id, year) "
    "DO UPDATE SET version = reports_datastamp.version + excluded.version"
)


def _upsert_stamps(rows: list[tuple[int, int, int]]) -> None:
    """(unit id, year, step) rows, in one statement."""
    sql = _UPSERT_STAMPS.format(rows=", ".join(["(%s, %s, %s)"] * len(rows)))  # placeholders only; values are params
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def _stamps(pairs: set[tuple[int, int]]) -> QuerySet:
    """The stamps of these (unit id, year) pairs, created where missing."""
    DataStamp.objects.bulk_create(
        [DataStamp(center_id=unit, year=year) for unit, year in sorted(pairs)], ignore_conflicts=True
    )
    condition = Q(pk__in=[])
    by_year: dict[int, list[int]] = defaultdict(list)
    for unit, year in pairs:
        by_year[year].append(unit)
    for year, units in by_year.items():
        condition |= Q(year=year, center_id__in=units)
    return DataStamp.objects.filter(condition)


def lock_provinces(province_years: set[tuple[int, int]]) -> None:
    """Lock these (province id, year) stamps, in order, until the transaction ends (they are never raised)."""
    if province_years:
        _upsert_stamps([(*pair, 0) for pair in sorted(province_years)])


def _lock_and_raise(stamps: QuerySet) -> None:
    locked = stamps.order_by("center_id", "year").select_for_update(no_key=True).values_list("pk", flat=True)
    DataStamp.objects.filter(pk__in=list(locked)).update(version=F("version") + 1)


def touch_all_years(center_ids: Iterable[int]) -> None:
    """Raise every stamp of these centers (a lecturer's name and kind count in every year they taught), locked in
    the same order as `touch`.

    The stamps of the years they have classes in are created first: a bulk load (seed_demo, loadgen) writes rows
    and rebuilds the aggregates without a stamp, and a figure cached over years with no stamp would otherwise be
    keyed the same before and after the change."""
    center_ids = list(center_ids)
    years = QuarterAggregate.objects.filter(center_id__in=center_ids).values_list("center_id", "year")
    with transaction.atomic(savepoint=False):
        _stamps(set(years.distinct().order_by()))
        _lock_and_raise(DataStamp.objects.filter(center_id__in=center_ids))


def new_epoch() -> None:
    """Invalidate every cached figure, here and in every other process."""
    FiguresEpoch.objects.update_or_create(pk=1, defaults={"token": secrets.randbits(62)})


# -- reads ----------------------------------------------------------------------------------------------------------
def fingerprint(*, centers: QuerySet, years: Iterable[int]) -> str:
    """What figures of these centers in these years were computed from (one small query)."""
    ((epoch, n, s),) = _read_stamps(centers, sorted(set(years)), by_province=False)
    return f"{epoch or 0}.{n or 0}.{s or 0}"  # no epoch row (a test database flushed of it): the stamps alone


def fingerprints(*, centers: QuerySet, years: Iterable[int], part: str) -> dict:
    """The fingerprints of the parts of a set of centers, each part the centers sharing the value of `part` (a
    lookup on the stamps' center: "center__parent_id" parts them by province). One small query (two when none
    of the centers has a stamp in these years)."""
    if part != PROVINCE_PART:
        raise ValueError(f"centers are parted by province only, not by {part}")
    rows = _read_stamps(centers, sorted(set(years)), by_province=True)
    epoch = rows[0][0] if rows else _epoch()
    found = {province: f"{epoch or 0}.{n}.{s}" for _, province, n, s in rows}
    return defaultdict(lambda: f"{epoch or 0}.0.0", found)


PROVINCE_PART = "center__parent_id"


def _read_stamps(centers: QuerySet, years: list[int], *, by_province: bool) -> list[tuple]:
    """The epoch token (None without its row) with the count and sum of the stamps of these centers in these
    years, in one statement: [(epoch, count, sum)], or by province [(epoch, province id, count, sum)], no row for a
    province without stamps. Written as SQL, the centers' subquery compiled by the ORM: composing it as a
    queryset costs more than running it (1,7 ms a fingerprint, six of them a page)."""
    # Only quoted table and column names, the ORM's own compiled subquery and "%s" placeholders go into the text;
    # every value (the subquery's and the years) is a parameter.
    alias = router.db_for_read(DataStamp)
    quote = connections[alias].ops.quote_name
    centers_sql, params = centers.order_by().values("pk").query.get_compiler(using=alias).as_sql()
    epoch = f"(SELECT e.{quote('token')} FROM {quote(FiguresEpoch._meta.db_table)} e WHERE e.{quote('id')} = 1)"
    stamps, units = quote(DataStamp._meta.db_table), quote(Unit._meta.db_table)
    where = f"s.{quote('center_id')} IN ({centers_sql}) AND s.{quote('year')} IN ({', '.join(['%s'] * len(years))})"
    counts = f"COUNT(s.{quote('id')}), SUM(s.{quote('version')})"
    if by_province:
        parent = f"u.{quote('parent_id')}"
        sql = (
            f"SELECT {epoch}, {parent}, {counts} FROM {stamps} s INNER JOIN {units} u "
            f"ON s.{quote('center_id')} = u.{quote('id')} WHERE {where} GROUP BY {parent}"
        )
    else:
        sql = f"SELECT {epoch}, {counts} FROM {stamps} s WHERE {where}"
    if not years:  # IN () is not SQL: nothing counted
        return [] if by_province else [(_epoch(), 0, 0)]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [*params, *years])
        return cursor.fetchall()


# The epoch row, read by every `per_epoch` (twice a dashboard): compiled once (centers/compiled.py).
_epoch_row = CompiledQuery(FiguresEpoch, lambda: FiguresEpoch.objects.filter(pk=1).order_by("pk")[:1], samples=((), ()))


def _epoch() -> int:
    """The epoch token (0 without its row)."""
    found = _epoch_row.rows()
    return (found[0].token if found else None) or 0


def version() -> str:
    """What maintained province figures are valid for: the counting rules' version (a deploy that raises it
    counts them again). Not the epoch: the one change of the organisation chain they depend on, a center moved
    to another province, counts both provinces again in its own transaction (reports/signals.py)."""
    return str(COUNTING_VERSION)


def _key(name: str, params: tuple, years: list[int], fingerprint: str) -> str:
    # A choice (Basis.APPROVED) keys as its value: the default basis and the same basis chosen in the page's
    # selector ("approved" from the query string) are one figure, not two.
    params = tuple(param.value if isinstance(param, enum.Enum) else param for param in params)
    # The counting rules' version, not a hash of the source: an edit of a message or a page leaves every stored
    # figure valid, and a change to the counting in courses/ as well as reports/ starts new keys (see
    # courses.models.COUNTING_VERSION, and its test in tests/test_shown.py).
    text = f"{COUNTING_VERSION}|{name}|{params!r}|{years}|{fingerprint}"
    return "figures:" + hashlib.sha1(text.encode()).hexdigest()


def _load_many(keys: list[str]) -> dict:
    """The cached values of these keys: this process's memory first (what it already unpickled, then what it
    holds pickled), then the table every process shares (one query, only for what memory lacks; what it finds is
    kept in memory). An entry that no longer unpickles is left out, as not cached.

    The values are shared with the next reader: hand out `fresh` copies."""
    values = {}
    for key in keys:
        value = unpickled.get(key)
        if value is not unpickled:
            values[key] = value
    if len(values) == len(keys):
        return values
    keys = [key for key in keys if key not in values]
    cache = _cache()
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        rows = SharedFigure.objects.filter(key__in=missing).values_list("key", "value", "stored_at")
        shared, ageing = {}, []
        renew_before = timezone.now() - KEEP_SHARED / 2
        for key, value, stored_at in rows:
            shared[key] = bytes(value)
            if stored_at < renew_before:
                ageing.append(key)
        if shared:
            cache.set_many(shared)
            found.update(shared)
        if ageing:  # after the reader's transaction, like a store: no row lock held through someone's write
            transaction.on_commit(lambda: _renew(ageing))
    for key, stored in found.items():
        try:
            values[key] = pickle.loads(stored)
            if not isinstance(values[key], (str, bytes)):  # text and files (exports) unpickle at the cost of a copy
                unpickled.put(key, values[key])
        except Exception:  # noqa: BLE001 -- an entry that cannot be read is a miss, never a broken page
            logger.warning("Bỏ qua một số liệu đã lưu không đọc được (%s)", key, exc_info=True)
    return values


def _renew(keys: list[str]) -> None:
    """Mark shared rows still in use, so pruning keeps them: a row is pruned a day after it was last read from the
    table (at most one renewal per row in half a day), not a day after it was written."""
    try:
        with transaction.atomic():
            SharedFigure.objects.filter(key__in=keys).update(stored_at=timezone.now())
    except DatabaseError:  # as when storing: a figure that is not kept is computed again, the page must not fail
        logger.exception("Không gia hạn được số liệu dùng chung")


def _store(values: dict[str, bytes]) -> None:
    """In this process's memory and the shared table: outside a transaction at once; inside one, only if it
    commits (a rolled-back write leaves nothing)."""
    transaction.on_commit(lambda: _write_both(values))


def _write_both(values: dict[str, bytes]) -> None:
    global _pruned_at
    _cache().set_many(values)
    now = time.monotonic()
    try:
        with transaction.atomic():
            SharedFigure.objects.bulk_create(
                [SharedFigure(key=key, value=value) for key, value in values.items()], ignore_conflicts=True
            )
            if now - _pruned_at > PRUNE_EVERY:
                _pruned_at = now
                SharedFigure.objects.filter(stored_at__lt=timezone.now() - KEEP_SHARED).delete()
    except DatabaseError:  # a figure not shared is computed again elsewhere; the page must not fail for it
        logger.exception("Không lưu được số liệu dùng chung")


def cached(name: str, *, centers: QuerySet, years: Iterable[int], params: tuple, compute: Callable[[], T]) -> T:
    """The value of compute() for (name, params) over these centers and years, from the cache when unchanged."""
    years = sorted(set(years))
    return _read_or_compute(_key(name, params, years, fingerprint(centers=centers, years=years)), compute)


def per_epoch(name: str, *, params: tuple, compute: Callable[[], T]) -> T:
    """A value that changes only with the epoch: the organisation chain or the program catalogue (one query)."""
    return _read_or_compute(_key(name, params, [], str(_epoch())), compute)


def _read_or_compute(key: str, compute: Callable[[], T]) -> T:
    found = _load_many([key])
    if key in found:
        return fresh(found[key])
    value = compute()
    _store({key: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)})  # now: the caller may change the value
    return value


def cached_parts(
    name: str,
    *,
    centers: QuerySet,
    part: str | None,
    keys: Iterable,
    years: Iterable[int],
    params: tuple,
    compute: Callable[[list], dict],
    merge: Callable[[dict], T],
) -> T:
    """merge({part key: value}) over the parts of a set of centers (see `fingerprints`), each part cached on its
    own stamps, and the merged value on all of them.

    `part` None: `keys` is one key, for all the centers. compute(missing keys) returns the values of the parts
    not in the cache, so a write in one center costs the next national look one province's figures, not the
    country's; with no write since, the merged value is read whole."""
    years, keys = sorted(set(years)), list(keys)
    if part is None:  # one part, all the centers: one query
        (only,) = keys
        prints = {only: fingerprint(centers=centers, years=years)}
    else:
        prints = fingerprints(centers=centers, years=years, part=part)
    whole_key = None
    if len(keys) > 1:
        whole_key = _key(
            f"{name}/whole", params, years, hashlib.sha1(repr([prints[k] for k in keys]).encode()).hexdigest()
        )
        found = _load_many([whole_key])
        if whole_key in found:
            return fresh(found[whole_key])
    cache_keys = {key: _key(name, (*params, key), years, prints[key]) for key in keys}
    found = _load_many(list(cache_keys.values()))
    values, missing = {}, []
    for key, cache_key in cache_keys.items():
        if cache_key in found:
            values[key] = found[cache_key]
        else:
            missing.append(key)
    to_store = {}
    if missing:
        computed = compute(missing)
        for key in missing:
            to_store[cache_keys[key]] = pickle.dumps(computed[key], protocol=pickle.HIGHEST_PROTOCOL)
            values[key] = computed[key]
    value = merge(values)
    if whole_key is not None:
        to_store[whole_key] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    if to_store:
        _store(to_store)
    return value


def clear(*, shared: bool = False) -> None:
    """Forget this process's cached figures (as a restart does); with `shared`, the shared table's too."""
    _cache().clear()
    unpickled.clear()
    unpickled_parts.clear()
    if shared:
        SharedFigure.objects.all().delete()


# -- the maintained province figures (counted by reports/figures/maintained.py and counting.py) --------------
def store_province_parts(parts: dict, *, version: str, replace: bool) -> None:
    """Store province parts: {(period, basis): {province id: part}}.

    `replace`: a write's rows, counted under the province's lock, replace whatever is there. Otherwise (a reader's)
    they only fill in: stale rows (another version, or no totals) go first, and a row present after that is a
    write's, kept."""
    rows = []
    for (period, basis), by_province in parts.items():
        for province_id, part in by_province.items():
            value = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
            rows.append(
                ProvinceFigures(
                    province_id=province_id,
                    period=period.key,
                    basis=basis,
                    version=version,
                    part=value,
                    classes=part.total.classes,
                    enrolments=part.total.enrolments,
                )
            )
    if not rows:
        return
    if replace:
        ProvinceFigures.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["province", "period", "basis"],
            update_fields=["version", "part", "classes", "enrolments"],
        )
    else:
        stale = Q(pk__in=[])
        for row in rows:
            stale |= Q(province_id=row.province_id, period=row.period, basis=row.basis)
        # Stale: another version's, or stored before the totals had their columns (migration 0013).
        ProvinceFigures.objects.filter(stale).filter(~Q(version=version) | Q(classes__isnull=True)).delete()
        ProvinceFigures.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
