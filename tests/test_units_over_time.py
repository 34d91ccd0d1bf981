"""The organisation over time (#22): district centers until 30/6/2025, commune-level centers after, each with the
communes, wards and special zones it serves; the boards' names and the wording of a period follow its dates."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import prefetch_related_objects
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from centers import wording
from centers.models import ServedCommune, Staff, Unit, UnitName
from centers.periods import Period
from centers.scoping import unit_key
from reports import briefing
from reports.figures import counting
from reports.names import attach_former_names

from .factories import CenterFactory, CourseFactory

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


# == the wording of a period =================================================================================
@pytest.fixture
def merged_board(province):
    """Lào Cai's board as it is today, its name before the merger kept with its days."""
    UnitName.objects.create(
        unit=province, name="Ban Tuyên giáo Tỉnh ủy Lào Cai", valid_from=province.active_from, valid_to=MERGED_EVE
    )
    province.name = "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai"
    province.save()
    return province


MERGED_EVE = datetime.date(2025, 2, 28)


def paragraph(unit, key):
    return briefing.figures_paragraph(counting.rollup(unit=unit, period=Period.parse(key)))


def test_the_wording_is_dated_and_configurable(settings):
    assert wording.on(datetime.date(2025, 6, 30)).board == "Ban Tuyên giáo và Dân vận"
    assert (
        wording.on(datetime.date(2025, 6, 30)).centers_of({Unit.AreaKind.TOWN}) == "các trung tâm chính trị cấp thị xã"
    )
    assert (
        wording.on(datetime.date(2025, 7, 1)).centers_of({Unit.AreaKind.TOWN}) == "các trung tâm chính trị xã, phường"
    )
    assert wording.on(datetime.date(2024, 12, 31)).provincial_board == "Ban Tuyên giáo tỉnh"
    settings.UNIT_WORDING_RULES = [(datetime.date(2026, 1, 1), {"centers": "các trung tâm", "center_level": "commune"})]
    assert wording.on(datetime.date(2025, 12, 31)).centers_of(set()) == "các trung tâm chính trị cấp huyện"
    assert wording.on(datetime.date(2026, 1, 1)).centers_of(set()) == "các trung tâm"


def test_a_2026_briefing_speaks_of_the_commune_level_centers_and_a_2023_one_as_before(
    merged_board, center, other_center, central
):
    CourseFactory(center=center, start_date=datetime.date(2026, 2, 9), end_date=datetime.date(2026, 2, 13))
    assert paragraph(merged_board, "2026-Q1").startswith("Quý I/2026, các trung tâm chính trị xã, phường ")
    assert paragraph(merged_board, "2023-Q1").startswith("Quý I/2023, các trung tâm chính trị cấp huyện, thành phố ")
    assert paragraph(central, "2026").startswith("Năm 2026, các trung tâm chính trị xã, phường trên toàn quốc ")
    assert paragraph(central, "2024").startswith("Năm 2024, các trung tâm chính trị cấp huyện trên toàn quốc ")
    # A center is named as it was: its own name, whatever the period.
    assert paragraph(center, "2026-Q1").startswith(f"Quý I/2026, {center.name} đã mở 1 lớp")


def test_the_word_report_is_headed_by_the_board_as_it_was_named_in_the_period(login, board_user, merged_board):
    client = login(board_user)
    for period, body, code in (("2023-Q1", "BAN TUYÊN GIÁO", "BTG"), ("2026-Q1", "BAN TUYÊN GIÁO VÀ DÂN VẬN", "BTGDV")):
        response = client.get(reverse("reports:export_docx", args=["10", period]))
        assert response.status_code == 200
        doc = Document(io.BytesIO(b"".join(response.streaming_content)))
        header = doc.tables[0]
        assert header.cell(0, 0).text == "TỈNH ỦY LÀO CAI"
        assert header.cell(1, 0).paragraphs[0].text == body
        assert f"-BC/{code}" in header.cell(1, 0).text


def test_the_central_board_is_named_as_it_was(central):
    assert central.name_on(datetime.date(2024, 12, 31)) == "Ban Tuyên giáo Trung ương"
    assert central.name_on(datetime.date(2026, 1, 1)) == "Ban Tuyên giáo và Dân vận Trung ương"
    assert wording.issuing_body(central, datetime.date(2026, 1, 1)) == "Ban Tuyên giáo và Dân vận"


# == the pages of a period ===================================================================================
def test_the_dashboard_and_the_completeness_table_name_the_board_and_centers_as_in_the_period(
    login, board_user, merged_board, center
):
    UnitName.objects.create(
        unit=center,
        name="Trung tâm Bồi dưỡng chính trị thành phố Lào Cai",
        valid_from=center.active_from,
        valid_to=datetime.date(2023, 12, 31),
    )
    client = login(board_user)

    def page(name, key):
        response = client.get(reverse(name, args=[unit_key(merged_board), key]))
        assert response.status_code == 200
        return response.content.decode().split("<main", 1)[1]  # the page, not the bar (the user's unit today)

    for name, key in (("reports:dashboard", "2026-Q1"), ("reports:report", "2026-Q1")):
        body = page(name, key)
        assert "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai" in body and center.name in body, name
        assert "Trung tâm Bồi dưỡng chính trị" not in body, name
    for name, key in (("reports:dashboard", "2023-Q1"), ("reports:report", "2023-Q1")):
        body = page(name, key)
        assert "Ban Tuyên giáo Tỉnh ủy Lào Cai" in body and "Ban Tuyên giáo và Dân vận" not in body, name
        assert "Trung tâm Bồi dưỡng chính trị thành phố Lào Cai" in body, name


def test_a_commune_center_shows_the_communes_it_serves_in_the_period(login, board_user, province):
    center = CenterFactory(parent=province, **LE_CHAN)
    ServedCommune.objects.create(
        center=center, kind=ServedCommune.Kind.WARD, name="Lê Chân", code="11311", active_from=datetime.date(2025, 7, 1)
    )
    ServedCommune.objects.create(
        center=center,
        kind=ServedCommune.Kind.COMMUNE,
        name="An Biên",
        code="11312",
        active_from=datetime.date(2025, 7, 1),
        active_to=datetime.date(2025, 12, 31),
    )
    client = login(board_user)
    body = client.get(reverse("reports:dashboard", args=[unit_key(center), "2025-Q4"])).content.decode()
    assert "Trực thuộc Đảng ủy phường Lê Chân." in body
    assert "phường Lê Chân (mã 11311, từ 01/07/2025)" in body
    assert "xã An Biên (mã 11312, từ 01/07/2025, đến 31/12/2025)" in body
    later = client.get(reverse("reports:dashboard", args=[unit_key(center), "2026-Q1"])).content.decode()
    assert "phường Lê Chân" in later and "An Biên" not in later


def test_the_wording_module_speaks_of_the_models_values():
    """centers/wording.py imports no model (the models word their messages with it): its values are theirs."""
    assert {kind for kind, _ in wording.DISTRICT_AREA_WORDS} <= set(Unit.AreaKind.values)
    assert {wording.DISTRICT, wording.COMMUNE} == set(Unit.CenterLevel.values)


def test_the_apps_own_messages_call_the_board_by_todays_wording(settings):
    assert str(Staff.Role.BOARD.label) == "Cán bộ Ban Tuyên giáo và Dân vận tỉnh"
    settings.UNIT_WORDING_RULES = [(datetime.date(2099, 1, 1), {"board": "Ban Khác"})]  # the old wording today
    assert str(Staff.Role.BOARD.label) == "Cán bộ Ban Tuyên giáo tỉnh"


def test_a_commune_centers_word_report_is_headed_by_its_party_committee(login, board_user, province):
    center = CenterFactory(parent=province, **LE_CHAN)
    response = login(board_user).get(reverse("reports:export_docx", args=[unit_key(center), "2026-Q1"]))
    assert response.status_code == 200
    header = Document(io.BytesIO(b"".join(response.streaming_content))).tables[0]
    assert header.cell(0, 0).text == "ĐẢNG ỦY PHƯỜNG LÊ CHÂN"
    assert header.cell(1, 0).paragraphs[0].text == "TRUNG TÂM CHÍNH TRỊ PHƯỜNG LÊ CHÂN"
    assert header.cell(1, 1).text.startswith("Lê Chân, ngày ")


def test_the_former_names_read_once_per_epoch_follow_a_rename_and_match_a_prefetch(
    login, board_user, merged_board, center, other_center
):
    """The pages' names of the time come from the former names read once per epoch (reports/names.py): a name
    recorded or removed since shows at once (a new epoch), and each unit holds what a prefetch would give it."""
    client = login(board_user)
    old = "Trung tâm Bồi dưỡng chính trị thành phố Lào Cai"

    def body():
        response = client.get(reverse("reports:dashboard", args=[unit_key(merged_board), "2023-Q1"]))
        assert response.status_code == 200
        return response.content.decode().split("<main", 1)[1]

    assert center.name in body() and old not in body()
    renamed = UnitName.objects.create(
        unit=center, name=old, valid_from=center.active_from, valid_to=datetime.date(2023, 12, 31)
    )
    assert old in body()
    renamed.delete()
    assert old not in body() and center.name in body()

    UnitName.objects.create(unit=center, name=old, valid_from=center.active_from, valid_to=datetime.date(2023, 12, 31))
    prefetched = list(Unit.objects.filter(pk__in=[merged_board.pk, center.pk, other_center.pk]))
    attached = list(Unit.objects.filter(pk__in=[merged_board.pk, center.pk, other_center.pk]))
    prefetch_related_objects(prefetched, "former_names")
    attach_former_names(attached)
    for before, after in zip(prefetched, attached, strict=True):
        with CaptureQueriesContext(connection) as queries:
            names = list(after.former_names.all())
        assert not queries.captured_queries
        assert [(n.pk, n.name, n.valid_from, n.valid_to) for n in names] == [
            (n.pk, n.name, n.valid_from, n.valid_to) for n in before.former_names.all()
        ]
        assert all(name.unit is after for name in names)
        # Chained on, they are the unit's names read again, as a prefetch's are.
        assert list(after.former_names.order_by("-valid_from")) == list(before.former_names.order_by("-valid_from"))
        assert after.name_on(datetime.date(2023, 6, 30)) == before.name_on(datetime.date(2023, 6, 30))
