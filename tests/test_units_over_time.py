"""The organisation over time (#22): district centers until 30/6/2025, commune-level centers after, each with the
communes, wards and special zones it serves; the boards' names and the wording of a period follow its dates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from centers.models import ServedCommune, Unit

from .factories import CenterFactory

pytestmark = pytest.mark.django_db

LE_CHAN = dict(
    code="11311",
    name="Trung tâm Chính trị phường Lê Chân",
    area_name="phường Lê Chân",
    area_kind=Unit.AreaKind.WARD,
    center_level=Unit.CenterLevel.COMMUNE,
    party_committee="Đảng ủy phường Lê Chân",
    active_from=datetime.date(2025, 7, 1),
)


def test_a_center_entered_without_a_level_is_a_district_center_and_both_levels_report(province):
    district = CenterFactory(parent=province)
    commune = CenterFactory(parent=province, **LE_CHAN)
    assert district.center_level == Unit.CenterLevel.DISTRICT
    assert not district.is_commune_center and commune.is_commune_center
    assert set(Unit.objects.centers()) >= {district, commune}  # Kind.CENTER: every center that reports
    assert list(Unit.objects.commune_centers()) == [commune]
    assert commune.province == province
    assert district.active_to is None  # nothing closes a center but its own data


def test_the_database_refuses_a_level_on_a_board_and_a_center_without_one(province):
    with pytest.raises(ValidationError):
        Unit(kind=Unit.Kind.PROVINCE, center_level=Unit.CenterLevel.COMMUNE, parent=province.parent).clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        Unit.objects.bulk_create(
            [Unit(kind=Unit.Kind.CENTER, parent=province, code="999", name="x", area_name="x", area_kind="huyen")]
        )


def test_a_commune_center_records_the_communes_it_serves_with_dates(province):
    center = CenterFactory(parent=province, **LE_CHAN)
    served = ServedCommune.objects.create(
        center=center, kind=ServedCommune.Kind.WARD, name="Lê Chân", code="11311", active_from=datetime.date(2025, 7, 1)
    )
    ServedCommune.objects.create(
        center=center,
        kind=ServedCommune.Kind.COMMUNE,
        name="An Biên",
        code="11312",
        active_from=datetime.date(2025, 7, 1),
        active_to=datetime.date(2026, 3, 31),
    )
    assert str(served) == "phường Lê Chân"
    assert [str(c) for c in center.served_communes.all() if c.is_active_on(datetime.date(2026, 6, 1))] == [
        "phường Lê Chân"
    ]
    # Only a commune-level center serves communes.
    with pytest.raises(ValidationError):
        ServedCommune(
            center=CenterFactory(parent=province), kind="xa", name="A", code="1", active_from=datetime.date(2025, 7, 1)
        ).full_clean()
