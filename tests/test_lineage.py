"""Lineage (#22): a province that took over others carries them in today's boundaries; the default boundaries of a
period follow the reorganisation date."""

import datetime

import pytest

from centers.lineage import (
    Boundaries,
    default_boundaries,
    lineage_ids,
    predecessor_map,
    successor_map,
    successor_today,
)
from centers.models import Unit

from .factories import ProvinceFactory

pytestmark = pytest.mark.django_db

CLOSE = datetime.date(2025, 6, 30)


def test_a_province_carries_every_province_merged_into_it_however_deep():
    lao_cai, yen_bai, older = ProvinceFactory(), ProvinceFactory(), ProvinceFactory()
    untouched = ProvinceFactory()
    Unit.objects.filter(pk=yen_bai.pk).update(active_to=CLOSE, merged_into=lao_cai)
    Unit.objects.filter(pk=older.pk).update(active_to=datetime.date(2020, 12, 31), merged_into=yen_bai)

    assert predecessor_map() == {lao_cai.pk: {yen_bai.pk, older.pk}, yen_bai.pk: {older.pk}}
    assert lineage_ids([lao_cai.pk, untouched.pk]) == {
        lao_cai.pk: {lao_cai.pk, yen_bai.pk, older.pk},
        untouched.pk: {untouched.pk},
    }
    older.refresh_from_db()
    assert successor_today(older) == lao_cai
    assert successor_map() == {yen_bai.pk: lao_cai.pk, older.pk: lao_cai.pk}


def test_a_period_reaching_past_the_reorganisation_is_shown_in_todays_boundaries(settings):
    assert default_boundaries(datetime.date(2025, 6, 30)) is Boundaries.THEN
    assert default_boundaries(datetime.date(2025, 12, 31)) is Boundaries.TODAY
    assert Boundaries.parse("khi-do", datetime.date(2026, 9, 30)) is Boundaries.THEN
    assert Boundaries.parse("rubbish", datetime.date(2023, 3, 31)) is Boundaries.THEN
    assert Boundaries.TODAY.label == "theo địa giới hiện nay"
    settings.REORGANISATION_DATE = datetime.date(2026, 1, 1)
    assert default_boundaries(datetime.date(2025, 12, 31)) is Boundaries.THEN
