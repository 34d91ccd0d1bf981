"""The briefing report as a Word document in the layout of a Party report (ready to edit and print):
the issuing body and "ĐẢNG CỘNG SẢN VIỆT NAM" side by side, place and date, the title, the sections, the table."""

from __future__ import annotations

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from centers import wording
from centers.models import Unit

from ..dashboard import scored_lines
from ..figures.types import Change, result_scales
from ..formatting import vn_int, vn_percent
from .context import ExportContext

FONT = "Times New Roman"


# A district's Party committee, by the kind of district (a center heads its report under it).
DISTRICT_COMMITTEES = {
    Unit.AreaKind.RURAL_DISTRICT: "HUYỆN ỦY",
    Unit.AreaKind.URBAN_DISTRICT: "QUẬN ỦY",
    Unit.AreaKind.TOWN: "THỊ ỦY",
    Unit.AreaKind.PROVINCIAL_CITY: "THÀNH ỦY",
    Unit.AreaKind.MUNICIPAL_CITY: "THÀNH ỦY",
}
AREA_PREFIXES = ("thành phố ", "thị xã ", "huyện ", "quận ", "phường ", "xã ", "đặc khu ")


def _issuer(unit: Unit, day) -> tuple[str, str]:
    """(the Party committee, the issuing body) as they head a report of a period ending on `day`: the body as it
    was named then ("BAN TUYÊN GIÁO" in 2023, "BAN TUYÊN GIÁO VÀ DÂN VẬN" once the board's name says so)."""
    if unit.kind == Unit.Kind.CENTRAL:
        return "BAN CHẤP HÀNH TRUNG ƯƠNG", wording.issuing_body(unit, day).upper()
    if unit.kind == Unit.Kind.PROVINCE:
        committee = "THÀNH ỦY" if unit.area_kind == Unit.AreaKind.CITY else "TỈNH ỦY"
        return f"{committee} {unit.area_name.upper()}", wording.issuing_body(unit, day).upper()
    if unit.party_committee:  # a commune-level center, under the commune's Party committee
        return unit.party_committee.upper(), unit.name_on(day).upper()
    committee = DISTRICT_COMMITTEES.get(unit.area_kind, "HUYỆN ỦY")
    return f"{committee} {_place(unit).upper()}", unit.name_on(day).upper()


def _place(unit: Unit) -> str:
    """The place name of the date line: "Lào Cai" for the city of Lào Cai, "Bát Xát" for its district."""
    if unit.kind == Unit.Kind.CENTRAL:
        return "Hà Nội"
    name = unit.area_name
    for prefix in AREA_PREFIXES:
        if name.lower().startswith(prefix):
            return name[len(prefix) :]
    return name


def _signs(unit: Unit, day) -> tuple[str, str]:
    """(the number line's issuer code, the signature): a board as itself, signed by its head (Hướng dẫn
    36-HD/VPTW; "T/M Ban Thường vụ" is the standing committee's signature, not the board's); a center by its
    director."""
    if unit.kind == Unit.Kind.CENTER:
        return "TTCT", "GIÁM ĐỐC"
    words = wording.on(day)
    return (words.central_code if unit.kind == Unit.Kind.CENTRAL else words.board_code), "TRƯỞNG BAN"


def _date_line(place: str, day) -> str:
    """ "Lào Cai, ngày 05 tháng 3 năm 2026": a day under 10, and January and February, take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _paragraph(doc, text, *, bold=False, italic=False, size=13, align=None, space_after=6, indent=True):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        paragraph.alignment = align
    elif indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def _cell_text(cell, text, *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.LEFT, size=12):
    cell.text = ""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    paragraph.alignment = align


def render_docx(ctx: ExportContext, target) -> None:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.font.size = Pt(13)
    heading = doc.styles["Heading 2"]
    heading.font.name, heading.font.size, heading.font.bold = FONT, Pt(13), True
    heading.font.color.rgb = RGBColor(0, 0, 0)
    fonts = heading.element.rPr.rFonts
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # the theme font would win over the named one
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    _page_numbers(section)

    committee, body = _issuer(ctx.unit, ctx.period.end)
    header = doc.add_table(rows=2, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_text(header.cell(0, 0), committee, align=WD_ALIGN_PARAGRAPH.CENTER, size=13)
    _cell_text(header.cell(1, 0), body, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=13)
    _cell_text(header.cell(0, 1), "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    _cell_text(
        header.cell(1, 1),
        _date_line(_place(ctx.unit), ctx.made_on),
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=13,
    )
    code, signer = _signs(ctx.unit, ctx.period.end)
    # Under the issuing body, as in a Party document: a star, then the number (no colon; the number is written in
    # by the office that registers the report).
    for text in ("*", f"Số       -BC/{code}"):
        paragraph = header.cell(1, 0).add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(text).font.size = Pt(13 if text != "*" else 11)
    doc.add_paragraph()

    _paragraph(doc, "BÁO CÁO", bold=True, size=15, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _paragraph(
        doc,
        f"Kết quả công tác giáo dục lý luận chính trị {ctx.period.title_label}",
        bold=True,
        size=14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=0,
    )
    _paragraph(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    about = f"Đơn vị: {ctx.unit_title}. Số liệu: {ctx.basis_label.lower()}."
    if ctx.boundaries_label:
        about += f" {ctx.boundaries_label}."
    _paragraph(doc, about, italic=True, size=12)

    doc.add_heading("I. KẾT QUẢ ĐẠT ĐƯỢC", level=2)
    _paragraph(doc, ctx.figures_paragraph)
    _figure_table(doc, ctx)
    _scored_table(doc, ctx)
    for line in ctx.points["achievements"]:  # the centers' own account of the period, after the figures
        _paragraph(doc, line)

    sections = ctx.briefing_text.split("\n\n")[1:]
    shortcomings = _section(sections, "Tồn tại, hạn chế:")
    proposals = _section(sections, "Đề xuất, kiến nghị:")
    doc.add_heading("II. TỒN TẠI, HẠN CHẾ", level=2)
    for line in shortcomings or ["Không có."]:
        _paragraph(doc, line)
    if ctx.points["causes"]:
        _paragraph(doc, "Nguyên nhân:", bold=True, italic=True)
        for line in ctx.points["causes"]:
            _paragraph(doc, line)
    doc.add_heading("III. ĐỀ XUẤT, KIẾN NGHỊ", level=2)
    for line in proposals or ["Không có."]:
        _paragraph(doc, line)
    doc.add_heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", level=2)
    for line in ctx.points["next_tasks"] or [
        "Tiếp tục thực hiện kế hoạch công tác giáo dục lý luận chính trị đã được phê duyệt."
    ]:
        _paragraph(doc, line)

    signature = doc.add_table(rows=1, cols=2)
    _cell_text(signature.cell(0, 0), "Nơi nhận:\n- Như trên;\n- Lưu VT.", size=11)
    _cell_text(signature.cell(0, 1), f"{signer}\n\n\n\n", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.save(target)


def _page_numbers(section) -> None:
    """Page numbers as a Party document has them (Hướng dẫn 36-HD/VPTW): Arabic numerals, size 14, upright,
    centred in the top margin, none on the first page. A PAGE field, so Word and LibreOffice count the pages."""
    section.different_first_page_header_footer = True
    section.header_distance = Cm(1)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = paragraph.add_run("2")  # shown until the field is updated; Word and LibreOffice update it on opening
    run.font.size = Pt(14)
    run._r.addprevious(field)
    field.append(run._r)


def _section(sections: list[str], heading: str) -> list[str]:
    for section in sections:
        if section.startswith(heading):
            return [line for line in section.split("\n")[1:] if line.strip()]
    return []


def _figure_table(doc, ctx: ExportContext) -> None:
    rollup = ctx.rollup
    earlier = ctx.period.year_earlier().label
    # "trong đó phối hợp": the briefing names each program's own classes and the co-organised ones apart
    headers = ["TT", "Chương trình", "Số lớp", "Trong đó phối hợp", "Lượt học viên", f"Số lớp {earlier}", "Tăng/giảm"]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for i, text in enumerate(headers):
        _cell_text(table.rows[0].cells[i], text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=11)
    for number, line in enumerate(ctx.programs, start=1):
        change = Change(line.now.classes, line.before.classes)
        values = [
            str(number),
            line.name,
            vn_int(change.current),
            vn_int(line.now.co_organised_classes),
            vn_int(line.now.enrolments),
            "" if ctx.no_history else vn_int(change.previous),
            _change_text(change, ctx.no_history),
        ]
        cells = table.add_row().cells
        for i, text in enumerate(values):
            _cell_text(cells[i], text, align=WD_ALIGN_PARAGRAPH.LEFT if i == 1 else WD_ALIGN_PARAGRAPH.RIGHT, size=11)
    total, before_total = rollup.total, rollup.previous.total
    change = Change(total.classes, before_total.classes)
    cells = table.add_row().cells
    for i, text in enumerate(
        [
            "",
            "Tổng cộng",
            vn_int(total.classes),
            vn_int(total.co_organised_classes),
            vn_int(total.enrolments),
            "" if ctx.no_history else vn_int(before_total.classes),
            _change_text(change, ctx.no_history),
        ]
    ):
        _cell_text(
            cells[i], text, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT if i == 1 else WD_ALIGN_PARAGRAPH.RIGHT, size=11
        )
    widths = [Cm(1), Cm(5.2), Cm(1.5), Cm(1.8), Cm(2.0), Cm(2.0), Cm(2.5)]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice follows
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width  # the cells, which Word follows
    doc.add_paragraph()


def _scored_table(doc, ctx: ExportContext) -> None:
    """The classes under the 2025 rules (only where the period has some): certificates, grades, attendance; and
    where the period holds classes of both rule sets, the grades of each, never added up."""
    lines = scored_lines(ctx.rollup.total, ctx.made_on)
    if not lines:
        return
    _paragraph(doc, "Các lớp theo Quy chế bồi dưỡng, giảng dạy:", bold=True, italic=True)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for line in lines:
        cells = table.add_row().cells
        _cell_text(cells[0], line.label, size=11)
        _cell_text(cells[1], line.value, align=WD_ALIGN_PARAGRAPH.RIGHT, size=11)
    scales = result_scales(ctx.rollup.total)
    if len(scales) > 1:
        for caption, counts in scales:
            _paragraph(
                doc,
                f"{caption}: " + ", ".join(f"{str(label).lower()} {vn_int(n)}" for label, n in counts) + ".",
                size=12,
            )
    doc.add_paragraph()


def _change_text(change: Change, no_history: bool = False) -> str:
    if no_history:  # the unit did not exist a year earlier: not a rise from zero
        return "chưa có số liệu cùng kỳ"
    if change.diff == 0:
        return "bằng"
    sign = "+" if change.diff > 0 else "-"
    text = f"{sign}{vn_int(abs(change.diff))}"
    if change.ratio is not None:
        text += f" ({sign}{vn_percent(abs(change.ratio))})"
    return text
