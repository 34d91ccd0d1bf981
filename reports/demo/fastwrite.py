"""Writing many rows fast, for the data loaders (seed_demo, generate_load): rows are tuples of plain values in the
order of `fields`, written without building a model instance per row and without signals (the loaders count the
figures once at the end).

- PostgreSQL: COPY.
- SQLite: one executemany of the INSERT statement Django's own compiler writes for the model (parameters bound,
  nothing formatted into the SQL); about ten times faster than bulk_create, which prepares every value in Python
  and logs every statement under DEBUG.
- Anything else: bulk_create.

Rows given with an explicit id (the loaders allocate them, see `next_ids`) leave the table's sequence behind:
call `reset_sequences` after the load (SQLite's AUTOINCREMENT follows by itself).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models.sql import InsertQuery


def next_ids(*model_classes) -> dict:
    """{model: the first free id} (the loaders count up from there)."""
    return {m: (m.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1 for m in model_classes}


def reset_sequences(*model_classes) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def analyze() -> None:
    """Fresh planner statistics after a bulk load, on PostgreSQL (inside the load's transaction, ANALYZE samples its
    own uncommitted rows): without them the planner takes the new tables for empty and the aggregates' grouped
    reads ran for many minutes (reports/demo/loadgen.py does the same)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def table_writer(
    model: type[models.Model], fields: list[str], constants: dict | None = None
) -> Callable[[Iterable[tuple]], int]:
    """A function that writes rows (tuples in `fields` order) into the model's table and returns how many.
    `constants`: {field: value} the same for every row, given once (and converted once)."""
    constants = constants or {}
    if connection.vendor == "sqlite":
        return _executemany_writer(model, fields, constants)
    write = (_copy_writer if connection.vendor == "postgresql" else _bulk_create_writer)(model, [*fields, *constants])
    if not constants:
        return write
    tail = tuple(constants.values())
    return lambda rows: write([tuple(row) + tail for row in rows])


def _bulk_create_writer(model, fields):
    attnames = [model._meta.get_field(name).attname for name in fields]

    def insert_rows(rows):
        objects = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=2000)
        return len(objects)

    return insert_rows


def _copy_writer(model, fields):
    from psycopg2 import sql

    columns = [model._meta.get_field(name).column for name in fields]
    text_columns = [
        model._meta.get_field(name).column
        for name in fields
        if isinstance(model._meta.get_field(name), (models.CharField, models.TextField))
        and not model._meta.get_field(name).null
    ]
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv{})").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", FORCE_NOT_NULL ({})").format(sql.SQL(", ").join(map(sql.Identifier, text_columns)))
        if text_columns
        else sql.SQL(""),
    )

    def copy_rows(rows):
        buffer = io.StringIO()
        out = csv.writer(buffer)
        n = 0
        for row in rows:
            out.writerow(["" if v is None else v for v in row])
            n += 1
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(statement.as_string(cursor.cursor.connection), buffer)
        return n

    return copy_rows


def _adapter(field):
    """How the SQLite driver must be given a value of this field (dates and times as Django stores them)."""
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if internal == "DateField":
        return connection.ops.adapt_datefield_value
    return None


def _executemany_writer(model, fields, constants):
    model_fields = [model._meta.get_field(name) for name in [*fields, *constants]]
    query = InsertQuery(model)
    query.insert_values(model_fields, [model()])  # one row's statement; the values go in as parameters
    ((statement, _),) = query.get_compiler(connection=connection).as_sql()
    adapters = {i: a for i, a in enumerate(map(_adapter, model_fields[: len(fields)])) if a is not None}
    tail = tuple(
        value if value is None or _adapter(field) is None else _adapter(field)(value)
        for field, value in zip(model_fields[len(fields) :], constants.values(), strict=True)
    )
    memo: dict = {}

    def adapt(row):
        row = list(row)
        for i, adapter in adapters.items():
            value = row[i]
            if value is not None and not isinstance(value, str):
                key = (i, value)
                if key not in memo:
                    memo[key] = adapter(value)
                row[i] = memo[key]
        return (*row, *tail)

    def insert_rows(rows):
        rows = [adapt(row) for row in rows] if adapters else [(*row, *tail) for row in rows]
        with connection.cursor() as cursor:
            cursor.executemany(statement, rows)
        return len(rows)

    return insert_rows
