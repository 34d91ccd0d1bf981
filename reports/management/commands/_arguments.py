"""Unit and period arguments shared by the report commands."""

from django.core.management.base import CommandError

from centers.periods import Period, PeriodError
from centers.scoping import unit_from_key


def unit_and_period(options):
    unit = unit_from_key(options["unit"])
    if unit is None:
        raise CommandError(f"Không có đơn vị mã “{options['unit']}”.")
    try:
        return unit, Period.parse(options["period"])
    except PeriodError as error:
        raise CommandError(str(error)) from error
