"""Certificates (giấy chứng nhận) as printable PDFs, and the master register (sổ gốc) as a workbook and a PDF.

Drawn with reportlab (pure Python, no system library): one page per certificate, A4 or A5 landscape, laid out as a
Party document: the issuing center under its Party committee on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" on the right,
"GIẤY CHỨNG NHẬN", the learner, the program and class, the dates and grade, the number in the register, the place
and date and the director's signature block; a QR code and a short code lead to the public verification page.

The layout is configurable: `settings.CERTIFICATE_LAYOUT` overrides the keys of `DEFAULT_LAYOUT`. The text is set
in Source Serif Pro (the PyPI package font-source-serif-pro, pinned in pyproject.toml and installed with the
project), embedded in the file as a subset; a deployment may point `font`/`font_bold` at other TrueType files (for
example Debian's fonts-dejavu-core, /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf). Nothing is downloaded.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

import segno
from django.conf import settings
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from courses.models import Certificate, Enrolment

from .base import DATE, INTEGER, Column, Renderer, Sheet

DEFAULT_LAYOUT = {
    "page": "A4",  # "A4" or "A5", landscape
    "nation": "ĐẢNG CỘNG SẢN VIỆT NAM",
    "title": "GIẤY CHỨNG NHẬN",
    "subtitle": "HOÀN THÀNH KHÓA BỒI DƯỠNG",
    "issuer_line": "GIÁM ĐỐC TRUNG TÂM CHÍNH TRỊ",  # before "chứng nhận"
    "signer_title": "GIÁM ĐỐC",
    "place": "",  # the place before the date; empty: the center's area
    "border": True,
    "font": "",  # TrueType files; empty: Source Serif Pro from font-source-serif-pro
    "font_bold": "",
}
FONT, FONT_BOLD = "CertSerif", "CertSerif-Bold"
QR_MASK = 2
GRADES = dict(Enrolment.Result.choices)


def layout() -> dict:
    return {**DEFAULT_LAYOUT, **getattr(settings, "CERTIFICATE_LAYOUT", {})}


def font_files(config: dict | None = None) -> tuple[str, str]:
    """The regular and bold TrueType files the certificates are set in (embedded in every PDF)."""
    config = config or layout()
    if config.get("font"):
        return config["font"], config.get("font_bold") or config["font"]
    import font_source_serif_pro

    files = font_source_serif_pro.font_files_ttf
    return files["SourceSerifPro"], files["SourceSerifProBold"]


_registered: tuple[str, str] | None = None


def _fonts() -> None:
    """Register the fonts once per process (reportlab keeps them; a changed setting registers the new files)."""
    global _registered
    files = font_files()
    if _registered == files:
        return
    pdfmetrics.registerFont(TTFont(FONT, files[0]))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, files[1]))
    _registered = files


def _page_size(config: dict):
    return landscape(A5 if str(config.get("page", "A4")).upper() == "A5" else A4)


def day_words(day: datetime.date, place: str) -> str:
    """ "Lào Cai, ngày 05 tháng 12 năm 2026", as Party documents write the place and date."""
    text = f"ngày {day:%d} tháng {day:%m} năm {day.year}"
    return f"{place[:1].upper()}{place[1:]}, {text}" if place else text.capitalize()  # "Phường Lào Cai, ngày …"


def vn_date(day: datetime.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


@dataclass(frozen=True)
class Printed:
    """What one certificate prints (everything read before drawing: no query per page)."""

    number_label: str
    code: str
    full_name: str
    date_of_birth: datetime.date | None
    grade: str
    issued_on: datetime.date
    program: str
    course_title: str
    course_code: str
    start_date: datetime.date
    end_date: datetime.date
    decision_number: str
    decision_signed_on: datetime.date
    signer: str
    center_name: str
    party_committee: str
    place: str
    verify_url: str


def printed(certificates: Iterable[Certificate], *, verify_url) -> list[Printed]:
    """The certificates' printed values; `verify_url(code)` gives each one's public verification address. The
    certificates come with register__center, enrolment__course__program and decision selected."""
    config = layout()
    names: dict[tuple[int, datetime.date], str] = {}
    rows = []
    for cert in certificates:
        center = cert.register.center
        course = cert.enrolment.course
        key = (center.pk, cert.issued_on)
        if key not in names:
            names[key] = center.name_on(cert.issued_on)
        rows.append(
            Printed(
                number_label=cert.number_label,
                code=cert.code,
                full_name=cert.full_name,
                date_of_birth=cert.date_of_birth,
                grade=str(GRADES.get(cert.grade, cert.grade)),
                issued_on=cert.issued_on,
                program=course.program.name,
                course_title=course.title,
                course_code=course.code,
                start_date=course.start_date,
                end_date=course.end_date,
                decision_number=cert.decision.number,
                decision_signed_on=cert.decision.signed_on,
                signer=cert.decision.signer,
                center_name=names[key],
                party_committee=center.party_committee,
                place=config.get("place") or center.area_name,
                verify_url=verify_url(cert.code),
            )
        )
    return rows


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float, smallest: float = 7) -> float:
    """The size at which `text` fits `width` (down to `smallest`)."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _centred(canvas: Canvas, x: float, y: float, text: str, font: str, size: float, width: float) -> None:
    canvas.setFont(font, _fit(canvas, text, font, size, width))
    canvas.drawCentredString(x, y, text)


def _qr(canvas: Canvas, url: str, x: float, y: float, side: float) -> None:
    """A QR code of `url` drawn as vector squares, its lower left corner at (x, y). One mask for every code (the
    search for the best of eight cost five sixths of a 200-certificate file) and each row's dark runs as one
    rectangle, in module units."""
    qr = segno.make(url, error="m", micro=False, mask=QR_MASK)
    matrix = [bytes(row) for row in qr.matrix]
    count = len(matrix)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(side / count, side / count)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        top = count - 1 - r
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                path.rect(start, top, c - start, 1)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _draw(canvas: Canvas, cert: Printed, config: dict) -> None:
    width, height = _page_size(config)
    k = width / landscape(A4)[0]  # everything scales with the page: A5 is the same drawing, smaller
    margin = 18 * mm * k
    if config.get("border"):
        canvas.setLineWidth(2 * k)
        canvas.rect(margin / 2, margin / 2, width - margin, height - margin)
        canvas.setLineWidth(0.6 * k)
        canvas.rect(margin / 2 + 4 * k, margin / 2 + 4 * k, width - margin - 8 * k, height - margin - 8 * k)
    half = (width - 2 * margin) / 2
    left_x, right_x = margin + half / 2, margin + half * 1.5
    top = height - margin - 8 * mm * k
    # The header: the issuing body on the left (its Party committee above it), the Party on the right.
    if cert.party_committee:
        _centred(canvas, left_x, top, cert.party_committee.upper(), FONT, 12 * k, half - 10 * k)
    _centred(canvas, left_x, top - 16 * k, cert.center_name.upper(), FONT_BOLD, 12 * k, half - 10 * k)
    canvas.setFont(FONT_BOLD, 12 * k)
    canvas.drawCentredString(left_x, top - 30 * k, "*")
    _centred(canvas, right_x, top - 16 * k, config["nation"], FONT_BOLD, 13 * k, half - 10 * k)
    line = pdfmetrics.stringWidth(config["nation"], FONT_BOLD, 13 * k)
    canvas.setLineWidth(0.8 * k)
    canvas.line(right_x - line / 2, top - 20 * k, right_x + line / 2, top - 20 * k)
    canvas.setFont(FONT, 12 * k)
    canvas.drawCentredString(right_x, top - 40 * k, day_words(cert.issued_on, cert.place))
    # The title and the body.
    centre = width / 2
    body_width = width - 2 * margin - 20 * k
    y = height * 0.66
    _centred(canvas, centre, y, config["title"], FONT_BOLD, 30 * k, body_width)
    if config.get("subtitle"):
        _centred(canvas, centre, y - 22 * k, config["subtitle"], FONT_BOLD, 14 * k, body_width)
    y -= 50 * k
    _centred(canvas, centre, y, f"{config['issuer_line']} chứng nhận:", FONT, 13 * k, body_width)
    y -= 26 * k
    _centred(canvas, centre, y, f"Đồng chí: {cert.full_name}", FONT_BOLD, 18 * k, body_width)
    lines = [
        f"Sinh ngày: {vn_date(cert.date_of_birth)}" if cert.date_of_birth else "",
        f"Đã hoàn thành chương trình: {cert.program}",
        f"Lớp: {cert.course_title} (mã lớp {cert.course_code}), "
        f"từ ngày {vn_date(cert.start_date)} đến ngày {vn_date(cert.end_date)}",
        f"Xếp loại: {cert.grade}",
        f"Theo Quyết định số {cert.decision_number} ngày {vn_date(cert.decision_signed_on)} "
        "công nhận hoàn thành khóa học.",
    ]
    for text in lines:
        if text:
            y -= 19 * k
            _centred(canvas, centre, y, text, FONT, 13 * k, body_width)
    # The number, the QR code and its short code on the left; the director's signature on the right.
    bottom = margin + 6 * mm * k
    side = 26 * mm * k
    _qr(canvas, cert.verify_url, margin + 4 * k, bottom, side)
    canvas.setFont(FONT, 10 * k)
    text_x = margin + side + 10 * k
    canvas.drawString(text_x, bottom + side - 10 * k, f"Số vào sổ: {cert.number_label}")
    canvas.drawString(text_x, bottom + side - 24 * k, f"Mã xác minh: {cert.code}")
    canvas.setFont(FONT, 8 * k)
    canvas.drawString(text_x, bottom + side - 36 * k, cert.verify_url[:90])
    canvas.setFont(FONT_BOLD, 13 * k)
    canvas.drawCentredString(right_x, bottom + 72 * k, config["signer_title"])
    canvas.setFont(FONT_BOLD, 13 * k)
    canvas.drawCentredString(right_x, bottom + 4 * k, cert.signer)


def render_certificates(certificates: list[Printed], target: IO[bytes], *, title: str = "") -> None:
    """One PDF, a page per certificate (the whole class in one file, or a single certificate)."""
    _fonts()
    config = layout()
    canvas = Canvas(target, pagesize=_page_size(config), pageCompression=1, initialFontName=FONT)
    canvas.setTitle(title or config["title"])
    canvas.setAuthor(certificates[0].center_name if certificates else "")
    for cert in certificates:
        _draw(canvas, cert, config)
        canvas.showPage()
    canvas.save()


# -- the master register -------------------------------------------------------------------------------------------
REGISTER_HEADERS = [
    ("Số vào sổ", 10),
    ("Họ và tên", 26),
    ("Ngày sinh", 12),
    ("Mã lớp", 12),
    ("Tên lớp", 32),
    ("Chương trình", 32),
    ("Từ ngày", 12),
    ("Đến ngày", 12),
    ("Xếp loại", 12),
    ("Quyết định số", 14),
    ("Ngày quyết định", 12),
    ("Ngày cấp", 12),
    ("Mã xác minh", 14),
    ("Ghi chú", 14),
]


def register_line(row: tuple) -> list:
    """A register row (courses.selectors.register_rows) as the files show it."""
    (number, name, born, code, title, program, start, end, grade, decision, signed, issued, verify, revoked) = row
    note = f"Thu hồi {revoked:%d/%m/%Y}" if revoked else ""
    return [
        number,
        name,
        born,
        code,
        title,
        program,
        start,
        end,
        str(GRADES.get(grade, grade)),
        decision,
        signed,
        issued,
        verify,
        note,
    ]


class RegisterSheet(Sheet):
    title = "Sổ gốc"
    heading = "SỔ GỐC CẤP GIẤY CHỨNG NHẬN"
    plain = True  # a 5.000-line register streams as plain values

    def __init__(self, rows):
        self._rows = rows
        self.columns = [
            Column(label, width, INTEGER if i == 0 else (DATE if label.startswith(("Ngày", "Từ", "Đến")) else None))
            for i, (label, width) in enumerate(REGISTER_HEADERS)
        ]

    def rows(self):
        for row in self._rows.iterator(chunk_size=2000) if hasattr(self._rows, "iterator") else self._rows:
            yield register_line(row)


def render_register_xlsx(rows, target: IO[bytes], *, center_name: str, year: int) -> None:
    renderer = Renderer(title_lines=[center_name, f"Năm {year}", f"Xuất ngày {datetime.date.today():%d/%m/%Y}"])
    renderer.add(RegisterSheet(rows))
    renderer.save(target)


# The register's printable columns (a subset: the page is A4 landscape): (header, share of the width, value index).
REGISTER_PDF_COLUMNS = [
    ("Số", 0.05, 0),
    ("Họ và tên", 0.17, 1),
    ("Ngày sinh", 0.08, 2),
    ("Lớp", 0.21, 4),
    ("Thời gian học", 0.13, 6),
    ("Xếp loại", 0.07, 8),
    ("Quyết định", 0.12, 9),
    ("Ngày cấp", 0.08, 11),
    ("Ghi chú", 0.09, 13),
]


def _clip(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def render_register_pdf(rows: list[tuple], target: IO[bytes], *, center_name: str, year: int) -> None:
    """The register as a printable document: A4 landscape, the header repeated, every page numbered ("Trang 3/12")
    as a master register's pages are."""
    _fonts()
    width, height = landscape(A4)
    margin = 12 * mm
    line_height = 15
    size = 8.5
    header_top = height - margin - 30
    per_page = int((header_top - margin - 20) // line_height) - 1
    pages = max(1, math.ceil(len(rows) / per_page))
    canvas = Canvas(target, pagesize=(width, height), pageCompression=1, initialFontName=FONT)
    canvas.setTitle(f"Sổ gốc cấp giấy chứng nhận năm {year} - {center_name}")
    usable = width - 2 * margin
    xs = []
    x = margin
    for _header, share, _index in REGISTER_PDF_COLUMNS:
        xs.append(x)
        x += share * usable
    for page in range(pages):
        canvas.setFont(FONT_BOLD, 12)
        canvas.drawCentredString(width / 2, height - margin - 4, f"SỔ GỐC CẤP GIẤY CHỨNG NHẬN NĂM {year}")
        canvas.setFont(FONT, 10)
        canvas.drawCentredString(width / 2, height - margin - 18, center_name)
        y = header_top
        canvas.setFont(FONT_BOLD, size)
        for (header, share, _index), left in zip(REGISTER_PDF_COLUMNS, xs, strict=True):
            canvas.drawString(left + 2, y, _clip(header, FONT_BOLD, size, share * usable - 4))
        canvas.line(margin, y - 4, width - margin, y - 4)
        canvas.setFont(FONT, size)
        for row in rows[page * per_page : (page + 1) * per_page]:
            y -= line_height
            line = register_line(row)
            values = [
                str(line[0]),
                line[1],
                vn_date(line[2]),
                f"{line[4]} ({line[3]})",
                f"{vn_date(line[6])}–{vn_date(line[7])}",
                line[8],
                f"{line[9]} ngày {vn_date(line[10])}",
                vn_date(line[11]),
                line[13],
            ]
            for value, (_header, share, _index), left in zip(values, REGISTER_PDF_COLUMNS, xs, strict=True):
                canvas.drawString(left + 2, y, _clip(str(value or ""), FONT, size, share * usable - 4))
            canvas.setLineWidth(0.2)
            canvas.line(margin, y - 4, width - margin, y - 4)
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(width / 2, margin - 4, f"Trang {page + 1}/{pages}")
        canvas.showPage()
    canvas.save()
