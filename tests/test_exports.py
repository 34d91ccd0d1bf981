"""The review-meeting files: opened with openpyxl and python-docx, checked against the rollup selectors."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from centers.periods import Period
from reports.figures import counting

from .factories import (
    CenterFactory,
    CourseFactory,
    EnrolmentFactory,
    LearnerFactory,
    LecturerFactory,
    approve,
    program,
)
from .helpers import file_of

pytestmark = pytest.mark.django_db

SHEETS = ["Tổng hợp", "Theo đơn vị", "Kết quả học tập", "Giảng viên", "Nhận định"]


@pytest.fixture
def data(center, other_center, far_center):
    q1 = datetime.date(2023, 2, 6)
    lecturer = LecturerFactory(center=center, full_name="Lê Thị Mai", kind="chuyen_trach")
    first = CourseFactory(center=center, start_date=q1, program=program("KND"), code="2023-KND-01")
    first.lecturers.add(lecturer)
    second = CourseFactory(center=center, start_date=q1, program=program("DVM"), co_organised=True)
    third = CourseFactory(center=other_center, start_date=q1, program=program("KND"))
    hostile = LearnerFactory(center=center, full_name='=HYPERLINK("http://x","bấm")', ethnicity="+Mông")
    EnrolmentFactory(course=first, learner=hostile, result="gioi")
    EnrolmentFactory(course=first, result="kha")
    EnrolmentFactory(course=second, result="khong_dat")
    EnrolmentFactory(course=third, result="gioi")
    CourseFactory(center=center, start_date=datetime.date(2022, 2, 1), program=program("KND"))
    CourseFactory(center=far_center, start_date=q1)
    for unit in (center, other_center, far_center):
        approve(unit, 2023, 1)
        approve(unit, 2022, 1)


def download(client, key, period, fmt, **params):
    """The file a user gets: at once, or (the roster, the nation) from the background job's page."""
    response = client.get(reverse(f"reports:export_{fmt}", args=[key, period]), params)
    content = file_of(client, response)
    if response.status_code == 302:  # the job's download carries the name
        response = client.get(client.get(response["Location"] + "trang-thai/").json()["download"])
    return content, response


def rows(ws):
    return [row for row in ws.iter_rows(values_only=True) if any(v is not None for v in row)]


def test_the_workbook_has_the_sheets_and_the_dashboard_figures(login, board_user, province, data):
    content, response = download(login(board_user), "10", "2023-Q1", "xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-10-2023-Q1.xlsx"'
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == SHEETS
    rollup = counting.rollup(unit=province, period=Period.parse("2023-Q1"))
    summary = rows(wb["Tổng hợp"])
    assert summary[0][0] == "TỔNG HỢP KẾT QUẢ CÔNG TÁC GIÁO DỤC LÝ LUẬN CHÍNH TRỊ"
    assert summary[2][0] == "Kỳ báo cáo: quý I/2023"
    by_name = {row[1]: row for row in summary[5:]}
    knd = by_name[program("KND").name]
    assert knd[2:8] == (2, 0, 3, 1, 0, 1)  # classes, co-organised, enrolments, year earlier, ..., change
    assert knd[8] == pytest.approx(1.0)  # +100%
    total = by_name["Tổng cộng"]
    assert total[2] == rollup.total.classes == 3
    assert total[4] == rollup.total.enrolments == 4
    assert isinstance(total[2], int) and wb["Tổng hợp"].cell(row=summary.index(total) + 2, column=3).data_type == "n"


def test_units_results_and_lecturers_sheets(login, board_user, data):
    content, _ = download(login(board_user), "10", "2023-Q1", "xlsx")
    wb = load_workbook(io.BytesIO(content))
    units = {row[1]: row for row in rows(wb["Theo đơn vị"])[5:]}
    assert units["Trung tâm chính trị thành phố Lào Cai"][2:5] == (2, 3, 3)
    assert units["Trung tâm chính trị thành phố Lào Cai"][5] == pytest.approx(2 / 3)
    assert units["Trung tâm chính trị thành phố Lào Cai"][7] == "Đã phê duyệt"
    assert units["Tổng cộng"][2:4] == (3, 4)
    results = {row[1]: row for row in rows(wb["Kết quả học tập"])[5:]}
    assert results["Tổng cộng"][2:9] == (2, 1, 0, 1, 0, 0, 4)
    lecturers = rows(wb["Giảng viên"])[5:]
    assert lecturers[0][1:] == (
        "Lê Thị Mai",
        "Trung tâm chính trị thành phố Lào Cai",
        "Giảng viên chuyên trách",
        "Thạc sĩ",
        1,
    )
    notes = [row[0] for row in rows(wb["Nhận định"])]
    assert any(text.startswith("Quý I/2023, các trung tâm chính trị cấp") for text in notes)


def test_the_print_setup_and_header_style(login, board_user, data):
    content, _ = download(login(board_user), "10", "2023-Q1", "xlsx")
    wb = load_workbook(io.BytesIO(content))
    for name in SHEETS:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape", name
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$6"
        assert ws.freeze_panes == "A7"
        header = ws.cell(row=6, column=1)
        assert header.font.b and header.border.top.style == "thin" and header.alignment.wrap_text
    assert wb["Tổng hợp"].column_dimensions["B"].width == 48
    assert wb["Tổng hợp"].cell(row=7, column=3).number_format == "#,##0"


def test_the_roster_sheet_streams_every_enrolment_and_never_writes_a_formula(login, board_user, data):
    content, _ = download(login(board_user), "10", "2023-Q1", "xlsx", danh_sach="1")
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == [*SHEETS, "Danh sách học viên"]
    ws = wb["Danh sách học viên"]
    roster = rows(ws)[5:]
    assert len(roster) == 4
    hostile = next(row for row in roster if row[4].startswith("=HYPERLINK"))
    assert hostile[9] == "Giỏi"
    assert hostile[3] == datetime.datetime(2023, 2, 6)
    dates = [c for start, _, born in ws.iter_rows(min_col=4, max_col=6) for c in (start, born) if c.is_date]
    assert len(dates) == 8 and {c.number_format for c in dates} == {"DD/MM/YYYY"}  # as users write dates
    cell = next(c for c in ws.iter_rows(min_col=5, max_col=5) if str(c[0].value).startswith("="))[0]
    assert cell.data_type == "s"  # text, not a formula


def test_the_roster_sheet_lists_each_class_in_the_order_of_the_class_page(login, board_user, center, data):
    """Class by class as before; inside a class by given name, then whole name, Đ after D (entered in another
    order, and in code-point order "Đức" would come last and "Thu" before "Thị")."""
    course = CourseFactory(center=center, start_date=datetime.date(2023, 3, 1), code="2023-KND-09")
    for name in ("Lê Văn Đức", "Trần Thị Thu", "Phạm Văn Dũng", "Nguyễn Thị Thị", "Trần Thị An"):
        EnrolmentFactory(course=course, learner=LearnerFactory(center=center, full_name=name))
    content, _ = download(login(board_user), "10", "2023-Q1", "xlsx", danh_sach="1")
    roster = rows(load_workbook(io.BytesIO(content))["Danh sách học viên"])[5:]
    assert [row[4] for row in roster if row[1] == "2023-KND-09"] == [
        "Trần Thị An", "Phạm Văn Dũng", "Lê Văn Đức", "Nguyễn Thị Thị", "Trần Thị Thu"
    ]  # fmt: skip
    assert [row[1] for row in roster].index("2023-KND-09") == 3  # after the center's February classes


def test_the_word_report_has_the_party_layout_and_the_table(login, board_user, data):
    content, response = download(login(board_user), "10", "2023-Q1", "docx")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(content))
    header = doc.tables[0]
    assert header.cell(0, 1).text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert header.cell(0, 0).text == "TỈNH ỦY LÀO CAI" and header.cell(1, 0).paragraphs[0].text == "BAN TUYÊN GIÁO"
    assert header.cell(1, 1).text.startswith("Lào Cai, ngày ")
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Kết quả công tác giáo dục lý luận chính trị quý I năm 2023" in texts
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "II. TỒN TẠI, HẠN CHẾ",
        "III. ĐỀ XUẤT, KIẾN NGHỊ",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
    ]
    assert doc.tables[-1].cell(0, 1).text.strip() == "TRƯỞNG BAN"  # the board signs as itself
    figures = doc.tables[1]
    assert [c.text for c in figures.rows[0].cells][2:4] == ["Số lớp", "Trong đó phối hợp"]
    assert [c.text for c in figures.rows[-1].cells] == ["", "Tổng cộng", "3", "1", "4", "1", "+2 (+200,0%)"]
    dvm = next(row for row in figures.rows if row.cells[1].text == str(program("DVM").name))
    assert [c.text for c in dvm.cells][2:4] == ["1", "1"]  # the briefing's "phối hợp … mở 1 lớp" is in the table


def test_a_centers_word_report_is_headed_by_its_district_committee_and_signed_by_its_director(login, center_user, data):
    doc = Document(io.BytesIO(download(login(center_user), "10-080", "2023-Q1", "docx")[0]))
    header = doc.tables[0]
    assert header.cell(0, 0).text == "THÀNH ỦY LÀO CAI"
    assert header.cell(1, 0).paragraphs[0].text == "TRUNG TÂM CHÍNH TRỊ THÀNH PHỐ LÀO CAI"
    date_line = header.cell(1, 1).paragraphs[0]
    assert date_line.text.startswith("Lào Cai, ngày ")
    assert all(run.italic for run in date_line.runs if run.text) and any(run.text for run in date_line.runs)
    assert [p.text for p in header.cell(1, 0).paragraphs][1:] == ["*", "Số       -BC/TTCT"]  # under the center
    assert doc.tables[-1].cell(0, 1).text.strip() == "GIÁM ĐỐC"


def test_every_table_lists_the_same_programs_and_their_rows_add_up(login, board_user, center, data):
    """The catalogue's programs in force, and one with classes only a year earlier (the comparison column must add
    up to its total), in the summary, the results sheet and the Word table alike; a program retired before the
    period, with no class, in none of them."""
    from courses.models import Program

    CourseFactory(center=center, start_date=datetime.date(2022, 3, 1), program=program("CD"))
    Program.objects.create(
        code="CU", name="Chương trình đã thôi áp dụng", briefing_phrase="cũ", order=99,
        valid_from=datetime.date(2015, 1, 1), valid_to=datetime.date(2020, 12, 31),
    )  # fmt: skip
    board = login(board_user)
    wb = load_workbook(io.BytesIO(download(board, "10", "2023-Q1", "xlsx")[0]))
    in_force = list(Program.objects.in_force_on(datetime.date(2023, 3, 31)).values_list("name", flat=True))
    summary = rows(wb["Tổng hợp"])[5:]
    results = rows(wb["Kết quả học tập"])[5:]
    table = Document(io.BytesIO(download(board, "10", "2023-Q1", "docx")[0])).tables[1]
    names = [row[1] for row in summary[:-1]]
    assert names == [row[1] for row in results[:-1]] == [row.cells[1].text for row in table.rows[1:-1]]
    assert names == in_force and len(names) == 9 and "Chương trình đã thôi áp dụng" not in names
    cd = next(row for row in summary if row[1] == program("CD").name)
    assert cd[2:8] == (0, 0, 0, 1, 0, -1)
    assert next(row for row in results if row[1] == program("CD").name)[2:] == (0, 0, 0, 0, 0, 0, 0, None)
    word_rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert sum(int(row[5]) for row in word_rows[:-1]) == int(word_rows[-1][5]) == 2  # KND and CD a year earlier
    assert [row for row in word_rows if row[1] == program("CD").name][0][2:] == ["0", "0", "0", "1", "-1 (-100,0%)"]


def test_the_word_report_numbers_its_pages_from_the_second_at_the_top(login, board_user, data):
    """As a Party document (Hướng dẫn 36-HD/VPTW): a PAGE field centred in the top margin, size 14, and the first
    page without a number."""
    doc = Document(io.BytesIO(download(login(board_user), "10", "2023-Q1", "docx")[0]))
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
    paragraph = section.header.paragraphs[0]
    assert paragraph.alignment == 1  # centred
    fields = paragraph._p.findall(qn("w:fldSimple"))
    assert [field.get(qn("w:instr")).strip() for field in fields] == ["PAGE"]
    assert fields[0].find(qn("w:r")).find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "28"  # 14 pt


def test_the_date_line_pads_days_and_only_the_first_two_months():
    from reports.exporters.docx import _date_line

    assert _date_line("Bát Xát", datetime.date(2026, 3, 5)) == "Bát Xát, ngày 05 tháng 3 năm 2026"
    assert _date_line("Lào Cai", datetime.date(2026, 2, 14)) == "Lào Cai, ngày 14 tháng 02 năm 2026"
    assert _date_line("Lào Cai", datetime.date(2026, 11, 24)) == "Lào Cai, ngày 24 tháng 11 năm 2026"


def test_the_national_files_count_the_centers_points_by_province_never_none(login, central_user, center, data):
    """Nationally the points are counted by province (the province's file lists them), in both files and in
    all three sections; "Không có." would tell the central level that nobody reported a shortcoming."""
    from reports.models import CenterReport

    CenterReport.objects.filter(center=center, year=2023, quarter=1).update(
        shortcomings="Thiếu giảng viên.", proposals="Bổ sung kinh phí.", next_tasks="Mở 3 lớp."
    )
    client = login(central_user)
    doc = Document(io.BytesIO(download(client, "VN", "2023-Q1", "docx")[0]))
    texts = [p.text for p in doc.paragraphs]
    line = "- Tỉnh Lào Cai: 1 trung tâm nêu 1 ý kiến (chi tiết trong báo cáo của tỉnh Lào Cai)."
    for heading in ("II. TỒN TẠI, HẠN CHẾ", "III. ĐỀ XUẤT, KIẾN NGHỊ", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"):
        assert texts[texts.index(heading) + 1] == line
    assert "Không có." not in texts
    notes = [
        row[0] for row in rows(load_workbook(io.BytesIO(download(client, "VN", "2023-Q1", "xlsx")[0]))["Nhận định"])
    ]
    assert notes[notes.index("Phương hướng nhiệm vụ:") + 1] == line
    assert notes.count(line) == 3


def test_what_a_center_wrote_of_its_results_and_their_causes_reaches_both_files(
    login, center_user, board_user, central_user, center, data
):
    """Every part a center writes reaches the files: its results after the figures, the causes in section II."""
    from reports.models import CenterReport

    CenterReport.objects.filter(center=center, year=2023, quarter=1).update(
        achievements="Quản lý học viên chặt chẽ.", shortcomings="Thiếu giảng viên.", causes="Kinh phí hạn hẹp."
    )

    def word(client, key):
        return [p.text for p in Document(io.BytesIO(download(client, key, "2023-Q1", "docx")[0])).paragraphs]

    def notes(client, key):
        return [
            row[0] for row in rows(load_workbook(io.BytesIO(download(client, key, "2023-Q1", "xlsx")[0]))["Nhận định"])
        ]

    own, board = word(login(center_user), "10-080"), word(login(board_user), "10")
    for texts, prefix in ((own, "- "), (board, "- Trung tâm chính trị thành phố Lào Cai: ")):
        first, second, third = (
            texts.index(h) for h in ("I. KẾT QUẢ ĐẠT ĐƯỢC", "II. TỒN TẠI, HẠN CHẾ", "III. ĐỀ XUẤT, KIẾN NGHỊ")
        )
        assert prefix + "Quản lý học viên chặt chẽ." in texts[first:second]
        assert texts[second + 1 : third] == [prefix + "Thiếu giảng viên.", "Nguyên nhân:", prefix + "Kinh phí hạn hẹp."]
    sheet = notes(login(board_user), "10")
    assert (
        sheet[sheet.index("Kết quả đạt được (trung tâm nêu):") + 1]
        == "- Trung tâm chính trị thành phố Lào Cai: Quản lý học viên chặt chẽ."
    )
    assert (
        sheet[sheet.index("Nguyên nhân của tồn tại, hạn chế:") + 1]
        == "- Trung tâm chính trị thành phố Lào Cai: Kinh phí hạn hẹp."
    )
    national = word(login(central_user), "VN")
    line = "- Tỉnh Lào Cai: 1 trung tâm nêu 1 ý kiến (chi tiết trong báo cáo của tỉnh Lào Cai)."
    assert national[national.index("Nguyên nhân:") + 1] == line


def test_wrapped_rows_are_tall_enough_and_notes_run_on_unwrapped(login, board_user, data):
    """Neither Excel nor LibreOffice grows a row for wrapped text in a generated file: the file sets the height."""
    wb = load_workbook(io.BytesIO(download(login(board_user), "10", "2023-Q1", "xlsx")[0]))
    summary = wb["Tổng hợp"]
    assert summary.row_dimensions[6].height >= 30  # "Trong đó phối hợp" and the other headers take two lines
    notes = wb["Nhận định"]
    paragraph_row = next(r for r in range(7, notes.max_row + 1) if len(str(notes.cell(r, 1).value or "")) > 300)
    assert notes.row_dimensions[paragraph_row].height >= 45
    lecturers = wb["Giảng viên"]
    total = next(
        c for row in lecturers.iter_rows(min_col=1, max_col=1) for c in row if str(c.value).startswith("Tổng số")
    )
    assert total.value == "Tổng số: giảng viên chuyên trách 1, giảng viên kiêm chức 0, báo cáo viên 0."
    assert not total.alignment.wrap_text  # wrapped in the 6-wide first column it printed as "Tổng / số:"


def test_files_on_another_basis_or_with_the_roster_are_named_apart(login, board_user, center_user, data):
    board = login(board_user)
    name = lambda response: response["Content-Disposition"].split('filename="')[1].rstrip('"')  # noqa: E731
    assert name(download(board, "10", "2023-Q1", "xlsx", so_lieu="all", danh_sach="1")[1]) == (
        "bao-cao-10-2023-Q1-tat-ca-danh-sach.xlsx"
    )
    assert name(download(board, "10", "2023-Q1", "docx", so_lieu="submitted")[1]) == "bao-cao-10-2023-Q1-da-gui.docx"
    assert name(download(board, "10", "2023-Q1", "xlsx", so_lieu="approved")[1]) == "bao-cao-10-2023-Q1.xlsx"
    center = login(center_user)  # a center's own basis is everything it entered
    assert name(download(center, "10-080", "2023-Q1", "xlsx", so_lieu="approved")[1]) == (
        "bao-cao-10-080-2023-Q1-da-duyet.xlsx"
    )


def test_the_national_workbook_has_one_row_per_province(login, central_user, data):
    content, _ = download(login(central_user), "VN", "2023-Q1", "xlsx")
    units = {row[1]: row for row in rows(load_workbook(io.BytesIO(content))["Theo đơn vị"])[5:]}
    assert units["Ban Tuyên giáo Tỉnh ủy Lào Cai"][2] == 3
    assert units["Ban Tuyên giáo Tỉnh ủy Hà Tĩnh"][2] == 1
    assert units["Tổng cộng"][2] == 4


@pytest.mark.parametrize(
    ("user_fixture", "key", "expected"),
    [
        ("center_user", "10-080", 200),
        ("center_user", "10", 404),
        ("other_board_user", "10", 404),
        ("board_user", "42-436", 404),
        ("central_user", "42", 200),
    ],
)
@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_nobody_exports_a_unit_they_cannot_see(request, login, data, user_fixture, key, expected, fmt):
    client = login(request.getfixturevalue(user_fixture))
    assert client.get(reverse(f"reports:export_{fmt}", args=[key, "2023-Q1"])).status_code == expected


def test_anonymous_users_cannot_export(client, data):
    response = client.get(reverse("reports:export_xlsx", args=["10", "2023-Q1"]))
    assert response.status_code == 302


def test_the_command_writes_both_formats(data, tmp_path):
    call_command(
        "export_report",
        "--unit",
        "10",
        "--period",
        "2023-Q1",
        "--format",
        "xlsx",
        "--roster",
        "--output",
        str(tmp_path / "a.xlsx"),
    )
    assert load_workbook(tmp_path / "a.xlsx").sheetnames[-1] == "Danh sách học viên"
    call_command(
        "export_report", "--unit", "10", "--period", "2023", "--format", "docx", "--output", str(tmp_path / "a.docx")
    )
    assert "Kết quả công tác giáo dục lý luận chính trị năm 2023" in [
        p.text for p in Document(tmp_path / "a.docx").paragraphs
    ]
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command(
            "export_report",
            "--unit",
            "99",
            "--period",
            "2023",
            "--format",
            "xlsx",
            "--output",
            str(tmp_path / "b.xlsx"),
        )
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command(
            "export_report",
            "--unit",
            "10",
            "--period",
            "2023-Q9",
            "--format",
            "xlsx",
            "--output",
            str(tmp_path / "b.xlsx"),
        )


def export_queries(client, fmt):
    """Queries one download of the province's first quarter costs, with the figures cache filled first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .helpers import committed

    with committed():
        download(client, "10", "2023-Q1", fmt)
    with CaptureQueriesContext(connection) as ctx:
        download(client, "10", "2023-Q1", fmt)
    return len(ctx)


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_an_export_costs_the_same_queries_with_more_centers(login, board_user, province, data, fmt):
    from centers.models import UnitName

    from .factories import CenterFactory

    client = login(board_user)
    before = export_queries(client, fmt)
    for code in ("090", "091", "092"):  # more centers, each with a class, a learner and a former name
        extra = CenterFactory(parent=province, code=code)
        UnitName.objects.create(
            unit=extra,
            name=f"Trung tâm cũ {code}",
            valid_from=datetime.date(2000, 1, 1),
            valid_to=datetime.date(2024, 1, 1),
        )
        EnrolmentFactory(course=CourseFactory(center=extra, start_date=datetime.date(2023, 2, 6)))
        approve(extra, 2023, 1)
    assert export_queries(client, fmt) == before


def test_a_center_renamed_since_shows_its_name_of_the_time(login, board_user, center, data):
    from centers.models import UnitName

    from .helpers import committed

    client = login(board_user)
    with committed():  # the centers list is cached, as it is between two requests
        content, _ = download(client, "10", "2023-Q1", "xlsx")
    assert "Trung tâm chính trị thành phố Lào Cai" in {
        row[1] for row in rows(load_workbook(io.BytesIO(content))["Theo đơn vị"])
    }
    UnitName.objects.create(
        unit=center,
        name="Trung tâm bồi dưỡng chính trị thị xã Lào Cai",
        valid_from=datetime.date(2000, 1, 1),
        valid_to=datetime.date(2024, 1, 1),
    )
    content, _ = download(client, "10", "2023-Q1", "xlsx")
    names = {row[1] for row in rows(load_workbook(io.BytesIO(content))["Theo đơn vị"])}
    assert "Trung tâm bồi dưỡng chính trị thị xã Lào Cai" in names


def test_a_file_downloaded_again_shows_what_changed_since(login, board_user, province, center, data):
    """The files are cached on the figures they show: a write, a report's text or the briefing's edit since the
    last download is in the next one."""
    from centers.scoping import Scope
    from reports import services as report_services

    from .helpers import committed

    client = login(board_user)

    def fetch(fmt):
        with committed():
            return download(client, "10", "2023-Q1", fmt)[0]

    def total_classes(content):
        return {row[1]: row for row in rows(load_workbook(io.BytesIO(content))["Theo đơn vị"])}["Tổng cộng"][2]

    def docx_text(content):
        return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)

    assert total_classes(fetch("xlsx")) == 3 and fetch("xlsx") == fetch("xlsx")
    CourseFactory(center=center, start_date=datetime.date(2023, 3, 6), program=program("KND"))
    assert total_classes(fetch("xlsx")) == 4

    assert "Họp giao ban tháng Tư" not in docx_text(fetch("docx"))
    report_services.briefing_save(
        scope=Scope.for_user(board_user), unit=province, period=Period.parse("2023-Q1"), text="Họp giao ban tháng Tư."
    )
    assert "Họp giao ban tháng Tư" in docx_text(fetch("docx"))


def test_a_center_closed_before_the_period_is_listed_only_with_figures_in_it(login, board_user, province, data):
    """As on the dashboard's units table: a center closed before the period, with nothing in it, owes nothing."""
    closed = CenterFactory(parent=province, code="099", area_name="huyện Cũ", active_to=datetime.date(2022, 6, 30))
    client = login(board_user)
    content, _ = download(client, "10", "2023-Q1", "xlsx")
    names = [row[1] for row in rows(load_workbook(io.BytesIO(content))["Theo đơn vị"]) if isinstance(row[0], int)]
    assert closed.name not in names and "Trung tâm chính trị thành phố Lào Cai" in names
    dashboard = client.get(reverse("reports:dashboard", args=["10", "2023-Q1"])).content.decode()
    assert closed.name not in dashboard and len(names) == dashboard.count('<tr data-unit="')
