"""Figures across the boundary (#22): a province's figures in today's boundaries (its lineage added up) or as they
were; the nation's provinces either way with the same total; no comparison for a unit founded since; plans of a
closed center; completeness of the quarters around 1/7/2025; the wording of a period across it; caches keyed on the
boundaries; fixed query counts.

The chain is built here with the ORM, as the reorganisation leaves it: Yên Bái closed on 30/6/2025, merged into Lào
Cai (which continues as the same unit); the district centers closed the same day; a commune-level center of Lào Cai
founded on 1/7/2025. Classes keep their unit."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from centers.lineage import Boundaries
from centers.models import Unit
from centers.periods import Period
from reports import briefing
from reports.figures import completeness, counting
from reports.figures.basis import Basis
from reports.models import PlanLine

from .factories import CenterFactory, CourseFactory, EnrolmentFactory, ProvinceFactory, ReportFactory, program
from .helpers import committed, file_of, page_queries

pytestmark = pytest.mark.django_db

CLOSE = datetime.date(2025, 6, 30)
FOUNDED = datetime.date(2025, 7, 1)
TODAY, THEN = Boundaries.TODAY, Boundaries.THEN


def classes(center, *days, enrolments=2):
    for day in days:
        course = CourseFactory(center=center, start_date=datetime.date(*day))
        for _ in range(enrolments):
            EnrolmentFactory(course=course, result="gioi")


def close(unit, merged_into=None):
    unit.active_to = CLOSE
    unit.merged_into = merged_into
    unit.save()


@pytest.fixture
def reform(province, center, other_center, other_province, far_center):
    """Lào Cai (province) + Yên Bái → Lào Cai on 1/7/2025; Hà Tĩnh (other_province) unchanged."""
    yen_bai = ProvinceFactory(code="15", area_name="Yên Bái", name="Ban Tuyên giáo Tỉnh ủy Yên Bái")
    yb_center = CenterFactory(parent=yen_bai, code="132", area_name="thành phố Yên Bái")
    close(yen_bai, merged_into=province)
    for district in (center, other_center, yb_center):
        close(district)
    commune = CenterFactory(
        parent=province,
        code="03199",
        area_name="phường Cam Đường",
        area_kind=Unit.AreaKind.WARD,
        name="Trung tâm Chính trị phường Cam Đường",
        center_level=Unit.CenterLevel.COMMUNE,
        party_committee="Đảng ủy phường Cam Đường",
        active_from=FOUNDED,
    )
    classes(center, (2024, 3, 4), (2024, 9, 9), (2025, 2, 10))
    classes(yb_center, (2024, 4, 1), (2024, 5, 6), (2024, 10, 7), (2025, 3, 3), (2025, 5, 12))
    classes(commune, (2025, 8, 4), (2025, 10, 6), (2025, 11, 3), (2025, 12, 1), (2026, 8, 3))
    classes(far_center, (2024, 6, 3), (2025, 6, 2), (2025, 9, 8))
    return {"yen_bai": yen_bai, "yb_center": yb_center, "commune": commune}


def rollup(unit, key, boundaries=None, **kwargs):
    return counting.rollup(unit=unit, period=Period.parse(key), basis=Basis.ALL, boundaries=boundaries, **kwargs)


# == 1. today's boundaries ======================================================================================
def test_new_lao_cai_2025_counts_yen_bais_first_half_and_compares_with_both_in_2024(reform, province):
    today = rollup(province, "2025")  # the default for a period reaching past 1/7/2025
    assert today.bounds.boundaries is TODAY
    # Old Lào Cai 1 + Yên Bái 2 until 30/6, the commune-level center 4 after.
    assert (today.total.classes, today.total.enrolments) == (7, 14)
    assert today.previous.total.classes == 2 + 3  # năm 2024 of Lào Cai and Yên Bái
    assert today.change("classes").diff == 2
    assert reform["yb_center"].pk in today.by_center
    then = rollup(province, "2025", THEN)
    assert (then.total.classes, then.previous.total.classes) == (5, 2)
    assert reform["yb_center"].pk not in then.by_center
    # The maintained figures equal the raw counting in both views.
    for boundaries in (TODAY, THEN):
        fast, raw = rollup(province, "2025", boundaries), rollup(province, "2025", boundaries, raw=True)
        assert (fast.total, fast.previous.total, fast.by_center) == (raw.total, raw.previous.total, raw.by_center)
    # Năm 2026 compares with năm 2025 in the same boundaries: Yên Bái's first half is in the year before.
    assert (rollup(province, "2026").total.classes, rollup(province, "2026").previous.total.classes) == (1, 7)
    assert [p.area_name for p in rollup(province, "2026").predecessors] == ["Yên Bái"]
    assert rollup(province, "2026-Q3").predecessors == []  # quý III/2025 has no Yên Bái: both views the same
    # A period before the reform is shown as it was unless asked: Lào Cai alone.
    assert rollup(province, "2024").bounds.boundaries is THEN
    assert rollup(province, "2024").total.classes == 2
    assert rollup(province, "2024", TODAY).total.classes == 5


def test_the_nation_lists_todays_provinces_or_those_of_the_period_with_the_same_total(reform, central, province):
    yen_bai = reform["yen_bai"]
    today, then = rollup(central, "2025", TODAY), rollup(central, "2025", THEN)
    assert today.total == then.total and today.previous.total == then.previous.total
    assert today.total.classes == 7 + 2
    listed = {p.area_name: (f.classes, before.classes) for p, f, before in today.by_province()}
    assert listed == {"Lào Cai": (7, 5), "Hà Tĩnh": (2, 1)}
    listed = {p.area_name: (f.classes, before.classes) for p, f, before in then.by_province()}
    assert listed == {"Lào Cai": (5, 2), "Yên Bái": (2, 3), "Hà Tĩnh": (2, 1)}
    # As they were in 2026: Yên Bái no longer exists.
    assert yen_bai not in [p for p, _, _ in rollup(central, "2026", THEN).by_province()]
    assert [p.area_name for p in today.predecessors] == ["Yên Bái"]


# == 2. the pages and the files say which view they show ==========================================================
def dashboard(client, key, period, **params):
    response = client.get(reverse("reports:dashboard", args=[key, period]), {"so_lieu": "all", **params})
    assert response.status_code == 200
    return response


def card(response, key):
    return next(c for c in response.context["cards"] if c.key == key)


def test_a_board_of_a_merged_province_sees_yen_bais_first_half_and_can_switch(reform, login, board_user):
    client = login(board_user)
    response = dashboard(client, "10", "2025")
    body = response.content.decode()
    assert "Số liệu theo địa giới hiện nay, gồm cả số liệu của Yên Bái đến 30/6/2025" in body
    assert card(response, "classes").value == 7
    assert "data-boundaries-switch" in body and "ranh-gioi=khi-do" in body
    assert "ranh-gioi=hien-nay" in body  # the exports and the briefing link carry the view shown
    assert "Trung tâm chính trị thành phố Yên Bái" in body
    trend = {point.period.key: point.classes for point, _before in response.context["trend"]}
    assert (trend["2025-Q1"], trend["2025-Q2"], trend["2024-Q2"]) == (2, 1, 2)  # Lào Cai and Yên Bái, by quarter
    then = dashboard(client, "10", "2025", **{"ranh-gioi": "khi-do"})
    trend = {point.period.key: point.classes for point, _before in then.context["trend"]}
    assert (trend["2025-Q1"], trend["2025-Q2"], trend["2024-Q2"]) == (1, 0, 0)
    assert card(then, "classes").value == 5
    assert "Số liệu theo địa giới khi đó" in then.content.decode()
    assert "Trung tâm chính trị thành phố Yên Bái" not in then.content.decode()
    # The briefing says it too, in the view's own words.
    assert "theo địa giới hiện nay, gồm cả số liệu của Yên Bái" in response.context["briefing_text"]
    assert "số liệu theo địa giới khi đó)." in then.context["briefing_text"]  # not the default: said
    # A period before the reform, shown as it was by default, says nothing of boundaries.
    assert "địa giới" not in dashboard(client, "10", "2024").context["briefing_text"]


def test_no_switch_where_both_views_are_the_same(reform, login, other_board_user, board_user):
    body = dashboard(login(other_board_user), "42", "2025").content.decode()
    assert "data-boundaries-switch" not in body
    assert "Số liệu theo địa giới hiện nay" in body  # the label still says which view
    # Lào Cai in 2027: Yên Bái ended long before; both views are the same.
    assert "data-boundaries-switch" not in dashboard(login(board_user), "10", "2027").content.decode()


def test_the_exports_say_which_view_they_show(reform, login, board_user):
    client = login(board_user)
    url = reverse("reports:export_xlsx", args=["10", "2025"])
    response = client.get(url, {"so_lieu": "all"})
    assert response["Content-Disposition"].endswith('filename="bao-cao-10-2025-tat-ca.xlsx"')
    wb = load_workbook(io.BytesIO(file_of(client, response)))
    title = wb["Tổng hợp"]["A4"].value
    assert "Số liệu theo địa giới hiện nay, gồm cả số liệu của Yên Bái đến 30/6/2025" in title
    total = [row for row in wb["Tổng hợp"].iter_rows(values_only=True) if row[1] == "Tổng cộng"][0]
    assert total[2] == 7 and total[5] == 5
    response = client.get(url, {"so_lieu": "all", "ranh-gioi": "khi-do"})
    assert response["Content-Disposition"].endswith('filename="bao-cao-10-2025-tat-ca-khi-do.xlsx"')
    wb = load_workbook(io.BytesIO(file_of(client, response)))
    assert "Số liệu theo địa giới khi đó" in wb["Tổng hợp"]["A4"].value
    total = [row for row in wb["Tổng hợp"].iter_rows(values_only=True) if row[1] == "Tổng cộng"][0]
    assert total[2] == 5 and total[5] == 2
    response = client.get(reverse("reports:export_docx", args=["10", "2025"]), {"so_lieu": "all"})
    text = "\n".join(p.text for p in Document(io.BytesIO(file_of(client, response))).paragraphs)
    assert "Số liệu theo địa giới hiện nay, gồm cả số liệu của Yên Bái" in text


def test_the_national_dashboard_and_workbook_list_todays_provinces(reform, login, central_user):
    client = login(central_user)
    rows = {row.unit.area_name: row.figures.classes for row in dashboard(client, "VN", "2025").context["rows"]}
    assert rows == {"Lào Cai": 7, "Hà Tĩnh": 2}
    then = dashboard(client, "VN", "2025", **{"ranh-gioi": "khi-do"})
    assert {row.unit.area_name: row.figures.classes for row in then.context["rows"]} == {
        "Lào Cai": 5,
        "Yên Bái": 2,
        "Hà Tĩnh": 2,
    }
    assert card(then, "classes").value == 9
    response = client.get(reverse("reports:export_xlsx", args=["VN", "2025"]), {"so_lieu": "all"})
    wb = load_workbook(io.BytesIO(file_of(client, response)))
    names = [row[1] for row in wb["Theo đơn vị"].iter_rows(values_only=True) if isinstance(row[0], int)]
    assert len(names) == 2 and not any("Yên Bái" in name for name in names)


# == 3. no comparison for a unit founded since ===================================================================
def test_a_commune_center_has_no_comparison_before_its_founding(reform, login, board_user):
    commune = reform["commune"]
    client = login(board_user)
    response = dashboard(client, "10-03199", "2026")
    body = response.content.decode()
    assert card(response, "classes").change is None and card(response, "classes").no_history
    assert "chưa có số liệu cùng kỳ" in body and "▲" not in body and "▼" not in body
    year = rollup(commune, "2026")
    assert year.change("classes") is None
    assert "chưa có số liệu cùng kỳ năm 2025 để so sánh" in briefing.figures_paragraph(year)
    assert "tăng" not in briefing.figures_paragraph(year)
    # Quý III/2026 against quý III/2025: it existed from the first day, so the change is real.
    assert rollup(commune, "2026-Q3").change("classes").diff == 1 - 1
    # The province's table: the commune-level center's row has no change, the district center's has its fall.
    rows = {row.unit.pk: row for row in dashboard(client, "10", "2025", **{"ranh-gioi": "khi-do"}).context["rows"]}
    assert rows[commune.pk].classes_change is None and not rows[commune.pk].existed
    assert "chưa có số liệu cùng kỳ" in dashboard(client, "10", "2025").content.decode()


def test_the_workbook_and_the_word_file_of_a_new_center_say_there_is_nothing_to_compare(reform, login, board_user):
    client = login(board_user)
    response = client.get(reverse("reports:export_xlsx", args=["10-03199", "2025"]))
    wb = load_workbook(io.BytesIO(file_of(client, response)))
    total = [row for row in wb["Tổng hợp"].iter_rows(values_only=True) if row[1] == "Tổng cộng"][0]
    assert total[2] == 4
    assert total[5:9] == (None, None, "chưa có số liệu cùng kỳ", None)  # never −100% nor a rise from zero
    response = client.get(reverse("reports:export_docx", args=["10-03199", "2025"]))
    document = Document(io.BytesIO(file_of(client, response)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "chưa có số liệu cùng kỳ" in cells
    assert not any(text.startswith("+4") for text in cells)


def test_a_plan_a_closed_center_wrote_for_after_its_close_does_not_count(reform, province, center):
    commune = reform["commune"]
    q2 = ReportFactory(center=center, year=2025, quarter=2)  # written in quý II for quý III: the center is gone
    PlanLine.objects.create(report=q2, program=program("KND"), planned_classes=5)
    q1 = ReportFactory(center=center, year=2025, quarter=1)  # for quý II, while it still works
    PlanLine.objects.create(report=q1, program=program("KND"), planned_classes=3)
    for raw in (False, True):
        assert rollup(province, "2025-Q3", THEN, raw=raw).total.planned_classes == 0
        assert rollup(center, "2025-Q3", raw=raw).total.planned_classes == 0
        assert rollup(province, "2025-Q2", THEN, raw=raw).total.planned_classes == 3
    q3 = ReportFactory(center=commune, year=2025, quarter=3)  # the new unit sets its own
    PlanLine.objects.create(report=q3, program=program("KND"), planned_classes=4)
    for raw in (False, True):
        year = rollup(province, "2025", THEN, raw=raw)
        assert year.total.planned_classes == 3 + 4
        assert rollup(commune, "2025-Q4", raw=raw).total.planned_classes == 4


# == 4. completeness expects the units of the quarter ===========================================================
def test_completeness_expects_the_district_centers_until_june_and_the_commune_centers_after(
    reform, province, center, other_center
):
    later = CenterFactory(
        parent=province,
        code="03200",
        area_kind=Unit.AreaKind.COMMUNE,
        center_level=Unit.CenterLevel.COMMUNE,
        active_from=datetime.date(2025, 10, 15),
    )
    expected = {
        key: {row.center.pk for row in completeness.completeness(province=province, period=Period.parse(key)).rows}
        for key in ("2025-Q2", "2025-Q3", "2025-Q4")
    }
    commune = reform["commune"].pk
    assert expected == {
        "2025-Q2": {center.pk, other_center.pk},
        "2025-Q3": {commune},
        "2025-Q4": {commune, later.pk},
    }
    national = {key: completeness.national_completeness(period=Period.parse(key)) for key in ("2025-Q2", "2025-Q3")}
    assert {row.province.area_name: row.expected for row in national["2025-Q2"]} == {
        "Lào Cai": 2,
        "Yên Bái": 1,
        "Hà Tĩnh": 1,
    }
    assert {row.province.area_name: row.expected for row in national["2025-Q3"]} == {"Lào Cai": 1, "Hà Tĩnh": 1}


# == 5. the wording of a period across the reform ===============================================================
def test_the_briefing_of_2025_speaks_of_both_kinds_of_centers_with_their_days(reform, province, central):
    paragraph = briefing.figures_paragraph(rollup(province, "2025", THEN))
    assert paragraph.startswith(
        "Năm 2025, các trung tâm chính trị cấp huyện, thành phố (đến 30/6/2025) và các trung tâm chính trị xã, "
        "phường (từ 1/7/2025) đã mở 5 lớp"
    )
    assert briefing.figures_paragraph(rollup(central, "2025")).startswith(
        "Năm 2025, các trung tâm chính trị cấp huyện trên toàn quốc (đến 30/6/2025) và các trung tâm chính trị xã, "
        "phường trên toàn quốc (từ 1/7/2025) đã mở 9 lớp"
    )
    # Periods on one side of the reform keep their one phrase.
    assert briefing.figures_paragraph(rollup(province, "2025-H1", THEN)).startswith(
        "6 tháng đầu năm 2025, các trung tâm chính trị cấp huyện, thành phố đã mở"
    )
    assert briefing.figures_paragraph(rollup(province, "2025-Q3")).startswith(
        "Quý III/2025, các trung tâm chính trị xã, phường đã mở 1 lớp"
    )


def test_no_reports_code_or_template_hard_codes_the_old_chain():
    """The unit's own name or kind speaks: no "cấp huyện" nor "Ban Tuyên giáo tỉnh ủy" written into what the pages,
    the briefing and the files say (docstrings and comments aside)."""
    import ast
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    found = []
    for path in [*root.glob("reports/**/*.py"), *root.glob("templates/reports/*.html")]:
        if "demo" in path.parts:
            continue
        text = path.read_text()
        if path.suffix == ".py":
            tree = ast.parse(text)
            docs = {
                id(node.body[0].value)
                for node in ast.walk(tree)
                if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
                and node.body
                and isinstance(node.body[0], ast.Expr)
                and isinstance(node.body[0].value, ast.Constant)
            }
            strings = [
                n.value
                for n in ast.walk(tree)
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
            ]
        else:
            strings = [text]
        for string in strings:
            lowered = string.lower()
            if "cấp huyện" in lowered or "ban tuyên giáo tỉnh ủy" in lowered:
                found.append(f"{path.relative_to(root)}: {string[:60]!r}")
    assert found == []


# == 6. caches keyed on the boundaries, fixed query counts =========================================================
def test_a_switch_never_shows_the_other_views_cached_figures(province, center, other_center):
    """A predecessor with a center but no data in the years read: both views read the same stamps, so only the
    boundaries in the key tell the cached values apart."""
    older = ProvinceFactory(code="16", area_name="Nghĩa Lộ")
    close(CenterFactory(parent=older, code="133", area_name="thị xã Nghĩa Lộ", area_kind=Unit.AreaKind.TOWN))
    close(older, merged_into=province)
    classes(center, (2025, 2, 3))
    period = Period.parse("2025")
    with committed():
        today_text = briefing.generate(unit=province, period=period, basis=Basis.ALL, boundaries=TODAY)
        today_rate = completeness.reporting_rate(
            unit=province, period=period, bounds=rollup(province, "2025", TODAY).bounds
        )
    then_text = briefing.generate(unit=province, period=period, basis=Basis.ALL, boundaries=THEN)
    then_rate = completeness.reporting_rate(unit=province, period=period, bounds=rollup(province, "2025", THEN).bounds)
    assert "gồm cả số liệu của Nghĩa Lộ" in today_text and "Nghĩa Lộ" not in then_text
    assert (today_rate.expected, then_rate.expected) == (4 + 4 + 2, 4 + 4)  # its center expected in 2 quarters


def test_the_dashboard_in_todays_boundaries_costs_the_same_queries_with_more_predecessors(
    reform, login, board_user, central_user, province, other_province
):
    addresses = {
        board_user: reverse("reports:dashboard", args=["10", "2025"]) + "?so_lieu=all&ranh-gioi=hien-nay",
        central_user: reverse("reports:dashboard", args=["VN", "2025"]) + "?so_lieu=all&ranh-gioi=hien-nay",
    }

    def counts():
        return {user.username: page_queries(login(user), address) for user, address in addresses.items()}

    before = counts()
    for n, successor in enumerate((province, other_province, province)):  # two more for Lào Cai, one for Hà Tĩnh
        merged = ProvinceFactory(code=f"Q{n}", area_name=f"Tỉnh cũ {n}")
        for m in range(2):
            classes(CenterFactory(parent=merged, code=f"{200 + m}", area_name=f"huyện Cũ {n}.{m}"), (2024, 5, 6))
        close(merged, merged_into=successor)
        classes(CenterFactory(parent=merged, code="300", active_to=CLOSE), (2025, 4, 7))
    assert counts() == before
    assert rollup(province, "2025", TODAY).total.classes == 7 + 2


def test_the_briefing_command_takes_the_boundaries(reform, capsys):
    from django.core.management import call_command

    call_command("briefing", "--unit", "10", "--period", "2025", "--basis", "all", "--generated")
    today = capsys.readouterr().out
    call_command(
        "briefing", "--unit", "10", "--period", "2025", "--basis", "all", "--generated", "--ranh-gioi", "khi-do"
    )
    then = capsys.readouterr().out
    assert "đã mở 7 lớp" in today and "gồm cả số liệu của Yên Bái" in today
    assert "đã mở 5 lớp" in then and "Yên Bái" not in then


def test_what_yen_bais_centers_wrote_and_who_taught_there_come_with_todays_boundaries(reform, login, board_user):
    from courses.models import Course

    from .factories import LecturerFactory

    yb_center = reform["yb_center"]
    ReportFactory(center=yb_center, year=2025, quarter=1, shortcomings="Thiếu giảng viên kiêm chức.")
    course = Course.objects.filter(center=yb_center, start_date__year=2025).first()
    course.lecturers.add(LecturerFactory(center=yb_center, full_name="Hoàng Văn Sơn"))
    point = "- Trung tâm chính trị thành phố Yên Bái: Thiếu giảng viên kiêm chức."
    period = Period.parse("2025")
    assert point in briefing.generate(unit=reform["yen_bai"].merged_into, period=period, basis=Basis.ALL)
    then = briefing.generate(unit=reform["yen_bai"].merged_into, period=period, basis=Basis.ALL, boundaries=THEN)
    assert "Yên Bái" not in then
    client = login(board_user)
    for params, found in (({}, 1), ({"ranh-gioi": "khi-do"}, 0)):
        response = client.get(reverse("reports:export_xlsx", args=["10", "2025"]), {"so_lieu": "all", **params})
        wb = load_workbook(io.BytesIO(file_of(client, response)))
        names = [row[1] for row in wb["Giảng viên"].iter_rows(values_only=True)]
        assert names.count("Hoàng Văn Sơn") == found


def test_closing_a_center_counts_its_provinces_plans_again(province, center, other_center):
    """A plan written while the center worked, for the quarter after its close: the close takes it out of the
    maintained province figures as of the raw counting (check_aggregates stays exact)."""
    from django.core.management import call_command

    report = ReportFactory(center=center, year=2025, quarter=2)
    PlanLine.objects.create(report=report, program=program("KND"), planned_classes=5)
    assert rollup(province, "2025-Q3", THEN).total.planned_classes == 5
    close(center)
    for raw in (False, True):
        assert rollup(province, "2025-Q3", THEN, raw=raw).total.planned_classes == 0
    call_command("check_aggregates")  # exits 1 on any difference


def test_a_commune_centers_quarterly_report_says_there_is_no_year_earlier_quarter(reform, login, board_user):
    body = login(board_user).get(reverse("reports:report", args=["10-03199", "2025-Q3"])).content.decode()
    assert "quý III/2024: chưa có số liệu cùng kỳ (trung tâm chưa thành lập)." in body
    assert "▲" not in body
