"""Hooks that the layers above courses fill in (courses imports nothing from reports).

`bulk_written` is sent by the write services after a bulk write (bulk_create and bulk_update send no model
signals), inside the write's transaction, with `touched`: the set of (center id, class start date) pairs whose
records changed. The reports app connects a receiver (reports/signals.py) that keeps its maintained aggregates
exact; Django sends signals synchronously, so the refresh happens in the same transaction as the write.
"""

from django.dispatch import Signal

bulk_written = Signal()  # kwargs: touched: set[tuple[int, datetime.date]]
