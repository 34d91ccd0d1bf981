"""Queries run on every request, composed and compiled by the ORM once rather than once a request.

Composing a queryset (filter, annotate, select_related) and compiling it to SQL costs far more CPU than running a
one-row query: 80% of the user's lookup behind every page (centers/auth.py). A `CompiledQuery` has the ORM's own
compiler write the SQL once per thread and database, with placeholder values, and then runs the same text with
the caller's values as parameters, turning the rows into instances as the ORM does (`from_db`, the related objects
select_related caches, the annotations), or into the tuples and dicts of `values_list()` and `values()`: the text
holds only the ORM's quoted names and placeholders.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesIterable, ValuesListIterable, get_related_populators


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple  # the query's own constants (e.g. PostgreSQL's "SELECT 1" of an EXISTS), with the values' places
    places: tuple[tuple[int, int], ...]  # (position in params, index of the caller's value)
    compiler: object  # the compiler that wrote `sql`: its converters (SQLite's booleans and dates)
    converters: dict
    model: type
    start: int = 0
    end: int = 0
    init_list: tuple[str, ...] = ()
    populators: tuple = ()
    annotations: tuple[tuple[str, int], ...] = ()
    names: tuple[str, ...] | None = None  # values(): the dicts' keys; values_list(): None, with `values` set
    values: bool = False  # rows of values (values() or values_list()), not instances


class CompiledQuery:
    """`build(*values, *context)` (a queryset of `model` instances, or its `values()` or `values_list()` rows)
    compiled once per thread, database and context: `rows(*values, context=...)` returns what
    `list(build(*values, *context))` would, read from the same database (the router's for `model`). `context` is
    what else the query is built from that is not a parameter (rules it writes as constants, say): one plan is kept
    for each, and a context that cannot be a key (a list in it) leaves the query to the ORM.

    `samples` are two sets of values, each value different from the other set's and from every other value: the
    query is compiled with both, and the parameters that differ are where the values go. When the two texts differ,
    or a parameter is not one value as given (a value the ORM transforms or spreads), the query is left to the ORM
    each time. Values must be given as the database column takes them (an int for an id, not "12"), and `build` must
    put them in the query as given: a parameter it derives from a value (the year before) and that both samples
    happen to share would be kept as a constant."""

    def __init__(self, model: type, build: Callable[..., QuerySet], samples: tuple[tuple, tuple]):
        self.model, self.build, self.samples = model, build, samples
        self.local = threading.local()  # a compiler belongs to its thread's connection

    def rows(self, *values, context: tuple = ()) -> list:
        db = router.db_for_read(self.model)
        plans = self.local.__dict__.setdefault("plans", {})
        key = (db, context)
        try:
            hash(key)
        except TypeError:  # a context that cannot be a key
            return list(self.build(*values, *context))
        plan = plans[key] if key in plans else plans.setdefault(key, self._plan(db, context))
        if plan is None:
            return list(self.build(*values, *context))
        params = list(plan.params)
        for position, index in plan.places:
            params[position] = values[index]
        with connections[db].cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if plan.converters:
            rows = plan.compiler.apply_converters(rows, plan.converters)
        if plan.values:
            if plan.names is None:
                return [tuple(row) for row in rows]
            return [dict(zip(plan.names, row, strict=True)) for row in rows]
        found = []
        for row in rows:
            obj = plan.model.from_db(db, plan.init_list, row[plan.start : plan.end])
            for populator in plan.populators:
                populator.populate(row, obj)
            for name, position in plan.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def _plan(self, db: str, context: tuple = ()) -> _Plan | None:
        """Compile `build` with both samples; None when the values do not map one to one onto parameters."""
        compiled = []
        for sample in self.samples:
            queryset = self.build(*sample, *context)
            if queryset.model is not self.model or queryset._hints:
                return None  # another model's router, or a queryset bound to an instance's database
            if queryset._known_related_objects or queryset._prefetch_related_lookups:
                return None  # what the iterables alone add
            rows_of = queryset._iterable_class
            if rows_of not in (ModelIterable, ValuesIterable, ValuesListIterable):
                return None  # flat or named values_list()
            compiler = queryset.query.get_compiler(using=db)
            try:
                compiled.append((compiler, *compiler.as_sql()))
            except (EmptyResultSet, FullResultSet):  # a sample the ORM answers without SQL: no one text for all
                return None
        (_, sql, params), (compiler, other_sql, other_params) = compiled
        (one, other) = self.samples
        if sql != other_sql or len(params) != len(other_params):
            return None
        places, used = [], set()
        for position, (a, b) in enumerate(zip(params, other_params, strict=True)):
            if a == b and a not in one and a not in other:
                continue  # a constant of the query
            indexes = [i for i, (x, y) in enumerate(zip(one, other, strict=True)) if x == a and y == b]
            if len(indexes) != 1:
                return None
            places.append((position, indexes[0]))
            used.add(indexes[0])
        if used != set(range(len(one))):
            return None
        select = compiler.select
        common = {
            "sql": sql,
            "params": tuple(params),
            "places": tuple(places),
            "compiler": compiler,
            "converters": compiler.get_converters([column[0] for column in select[: compiler.col_count]]),
        }
        if rows_of in (ValuesIterable, ValuesListIterable):
            if compiler.col_count != len(select) or compiler.has_composite_fields([c[0] for c in select]):
                return None  # columns the ORM trims off (an ordering's), or rows it regroups
            query = queryset.query
            names = query.selected or [*query.extra_select, *query.values_select, *query.annotation_select]
            named = tuple(names) if rows_of is ValuesIterable else None
            return _Plan(**common, model=self.model, names=named, values=True)
        klass_info = compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Plan(
            **common,
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=tuple(column[0].target.attname for column in select[start:end]),
            populators=tuple(get_related_populators(klass_info, select, db)),
            annotations=tuple(compiler.annotation_col_map.items()),
        )


def pk_value(model: type, value):
    """A primary key as the ORM's lookup prepares it for `model`'s database ("12" → 12, junk raises as the ORM
    raises), or None where the ORM finds no row without asking the database (None, or out of the column's range)."""
    connection = connections[router.db_for_read(model)]
    pk = model._meta.pk
    value = pk.get_db_prep_value(value, connection)
    if value is None:
        return None
    low, high = connection.ops.integer_field_range(pk.get_internal_type())
    if (low is not None and value < low) or (high is not None and value > high):
        return None
    return value
