"""Unit and period arguments shared by the report commands."""

from django.core.management.base import CommandError

from centers.lineage import Boundaries
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


def add_boundaries(parser) -> None:
    """--ranh-gioi hien-nay|khi-do, as the pages' `?ranh-gioi=` (centers/lineage.py); missing: the period's default."""
    parser.add_argument(
        "--ranh-gioi",
        dest="boundaries",
        choices=[member.value for member in Boundaries],
        help="hien-nay (địa giới hiện nay) hoặc khi-do (địa giới khi đó); mặc định theo kỳ",
    )


def boundaries(options) -> Boundaries | None:
    return Boundaries(options["boundaries"]) if options.get("boundaries") else None
