"""Opening an uploaded file safely: what is not a plain .xlsx, or is too big or too strange for openpyxl to parse
in reasonable time and memory, is refused before openpyxl sees it (the container check and a streamed scan of every
XML part); then a sheet's rows are read after its headers are checked, and cells that cannot be data are named.

Every problem becomes a message in Vietnamese naming the sheet, row and column (`ParsedWorkbook.error`)."""

from __future__ import annotations

import codecs
import datetime
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from openpyxl.utils import get_column_letter

from ..text import clean_name, fold
from .layout import MAX_BYTES, MAX_ROWS, ParsedWorkbook

# Rows scanned per sheet, blank ones included, before the file is refused (a sheet "with a million rows").
MAX_SCANNED_ROWS = 60_000
MAX_UNCOMPRESSED = 150 * 1024 * 1024
MAX_RATIO = 150
# openpyxl's time and memory grow with the number of XML elements it parses, whatever the file's size: a 1 MB
# file of empty cells (`<c/>` × 30 million) kept it busy for minutes. So every XML part is streamed once and
# its tags counted before openpyxl sees the file. A full template of 20,000 learners has about 1.3 million.
MAX_XML_TAGS = 2_000_000  # "<" in all XML parts together, and in one sheet or the shared strings
MAX_PART_TAGS = 100_000  # in any other part (styles, workbook, relationships…)
MAX_SHEET_CELLS = 600_000  # per sheet, empty formatted cells included (20,000 rows × 30 columns)
MAX_TEXT_RUN = 1024 * 1024  # bytes between two tags (a cell holds at most 32,767 characters)
MAX_PART_BYTES = 40 * 1024 * 1024  # one XML part, uncompressed: openpyxl holds some whole (a full sheet: ~13 MB)
MAX_CELL_CHARS = 32_767  # Excel's own limit

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 256 * 1024  # must not exceed MAX_TEXT_RUN (see _scan_part)
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"  # a tag, with or without a namespace prefix
# Start tags of rows and cells, with or without a namespace prefix (counted with bytes.count: no allocation).
_ROW_TAGS = tuple(a + b"row" + b for a in (b"<", b":") for b in (b" ", b">", b"/"))
_CELL_TAGS = tuple(a + b"c" + b for a in (b"<", b":") for b in (b" ", b">", b"/"))
_FORMULA_TAGS = tuple(a + b"f" + b for a in (b"<", b":") for b in (b" ", b">", b"/"))
_MERGE_REF = re.compile(
    _PREFIX + rb"mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)"
)
# Characters XML 1.0 forbids, raw or as references: Excel never writes them, a broken export or a paste does.
# (The patterns run only where a quick bytes test found a candidate: re is slow on long inputs.)
_CONTROL_BYTES = bytes(range(9)) + b"\x0b\x0c" + bytes(range(14, 32))
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_CONTROL_REFERENCE = re.compile(rb"&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)""")
# In cell text: control characters (Excel stores them as _x0001_), C1 controls, the replacement character.
_ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ufffe\uffff\ud800-\udfff]")
_LATIN = re.compile("[^\x00-\x7f\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff]")
_EXCEL_ERRORS = {
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#UNKNOWN!",
    "#CONNECT!",
    "#BUSY!",
}


# -- cells ---------------------------------------------------------------------------------------------
def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%d/%m/%Y")
    return clean_name(str(value))


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def shortened(value, limit: int = 40) -> str:
    """A cell's text for a message: cut, and with characters that cannot be shown replaced."""
    text = _BAD_CHAR.sub("?", str(getattr(value, "text", value)))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unescape(value):
    """Excel stores characters XML cannot hold as _x0001_ (a pasted line break as _x000D_); openpyxl leaves them."""
    if isinstance(value, str) and "_x" in value:
        return _ESCAPED_CHAR.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def _unmangled(text: str) -> str | None:
    """The text a UTF-8 string was before it was read as Windows-1252 (“Nguyá»…n” → “Nguyễn”), if it was."""
    if text.isascii():
        return None
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if fixed != text and not _LATIN.search(fixed):
            return fixed
    return None


def _cell_problem(value, formula=None) -> str | None:
    """Why a cell's content cannot be read as data (whatever its column), or None.

    `formula` is the cell's formula when the file has no value computed for it.
    """
    if value is None:
        if formula is not None:
            return (
                f"ô có công thức “{shortened(formula)}” nhưng tệp không lưu kết quả tính; hãy mở tệp bằng Excel, "
                "lưu lại rồi tải lên (hoặc dán giá trị thay cho công thức)."
            )
        return None
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    if stripped in _EXCEL_ERRORS:
        return f"ô có lỗi công thức “{stripped}”; hãy sửa công thức hoặc ghi giá trị."
    if stripped.startswith("="):
        return f"ô ghi “{shortened(stripped)}” như một công thức; hãy ghi giá trị, không ghi công thức."
    if len(value) > MAX_CELL_CHARS:
        return f"ô dài quá {thousands(MAX_CELL_CHARS)} ký tự."
    fixed = _unmangled(value) or _unmangled(clean_name(value))
    if fixed:
        return (
            f"chữ bị lỗi mã hóa (“{shortened(clean_name(value))}”, có lẽ là “{shortened(clean_name(fixed))}”); "
            "hãy gõ lại bằng bảng mã Unicode."
        )
    bad = _BAD_CHAR.search(value)
    if bad:
        return (
            f"ô có ký tự không hợp lệ (mã U+{ord(bad.group()):04X}); hãy xóa ký tự đó "
            "(có thể dùng hàm CLEAN của Excel)."
        )
    return None


# -- the file ------------------------------------------------------------------------------------------
_COLUMNS = {get_column_letter(n): n for n in range(1, 64)}  # the first columns, enough to name a header


@dataclass
class _Part:
    """What the scan found in one XML part of the file."""

    name: str
    sheet: str = ""  # the sheet it holds, when it is a worksheet
    tags: int = 0
    rows: int = 0
    cells: int = 0
    formulas: bool = False
    merges: list[str] = field(default_factory=list)


@dataclass
class Source:
    """A sheet to read: its cached values, its formulas (only when it has some) and its merged ranges."""

    values: object
    formulas: object | None = None
    merges: list[str] = field(default_factory=list)


def _fault(parsed: ParsedWorkbook, sheet: str, text: str) -> None:
    """A problem of the whole file or of one sheet; `text` starts with “có …”."""
    parsed.error(("trang " if sheet else "Tệp ") + text, sheet)


def check_container(data: bytes, parsed: ParsedWorkbook) -> dict[str, _Part] | None:
    """Refuse what is not a plain .xlsx or is too big to read; returns the scanned sheets (name → part)."""
    if len(data) > MAX_BYTES:
        parsed.error(f"Tệp lớn hơn {MAX_BYTES // (1024 * 1024)} MB; hãy chia thành nhiều tệp nhỏ hơn.")
        return None
    if not data:
        parsed.error("Tệp rỗng.")
        return None
    if data.startswith(_OLE_SIGNATURE):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data:
            parsed.error("Tệp đang được đặt mật khẩu. Hãy gỡ mật khẩu trong Excel rồi tải lên lại.")
        else:
            parsed.error("Tệp ở định dạng Excel 97-2003 (.xls). Hãy mở bằng Excel, lưu lại dạng .xlsx rồi tải lên.")
        return None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        parsed.error("Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống.")
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
                parsed.error("Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống.")
                return None
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                parsed.error("Tệp có chứa macro (.xlsm), không được nhận. Hãy lưu lại dạng .xlsx không có macro.")
                return None
            total = sum(info.file_size for info in infos)
            packed = max(1, sum(info.compress_size for info in infos))
            if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
                parsed.error("Tệp có nội dung giải nén quá lớn bất thường, không được nhận.")
                return None
            return _scan(archive, infos, parsed)
    except Exception:  # a broken zip: bad CRC, truncated or unsupported member, encrypted entry…
        parsed.error("Tệp bị hỏng, không mở được. Hãy lưu lại tệp trong Excel rồi tải lên.")
        return None


def _resolve(folder: str, target: str) -> str:
    target = target.strip()
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _sheet_parts(archive: zipfile.ZipFile, sizes: dict[str, int]) -> dict[str, str]:
    """Worksheet part → sheet name, from the workbook part and its relationships ({} if anything is odd)."""

    def xml(name: str):
        if sizes.get(name, MAX_TEXT_RUN + 1) > MAX_TEXT_RUN:
            raise ValueError(name)
        content = archive.read(name)
        if _DTD.search(content):
            raise ValueError(name)
        return ElementTree.fromstring(content)

    def local(name: str) -> str:
        return name.rsplit("}", 1)[-1]

    try:
        book = "xl/workbook.xml"
        for rel in xml("_rels/.rels"):
            if rel.get("Type", "").endswith("/officeDocument"):
                book = _resolve("", rel.get("Target", ""))
        folder, base = posixpath.split(book)
        targets = {
            rel.get("Id"): _resolve(folder, rel.get("Target", ""))
            for rel in xml(posixpath.join(folder, "_rels", base + ".rels"))
        }
        found = {}
        for element in xml(book).iter():
            if isinstance(element.tag, str) and local(element.tag) == "sheet":
                rid = next((v for k, v in element.attrib.items() if local(k) == "id"), None)
                if rid in targets:
                    found[targets[rid]] = element.get("name", "")
        return found
    except Exception:
        return {}


def _scan(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], parsed: ParsedWorkbook) -> dict[str, _Part] | None:
    """Stream every part once (never more than _CHUNK bytes in memory) and refuse what openpyxl should not parse."""
    sheet_of = _sheet_parts(archive, {info.filename: info.file_size for info in infos})
    sheets: dict[str, _Part] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        part = _Part(info.filename, sheet_of.get(info.filename, ""))
        is_sheet = info.filename in sheet_of or info.filename.startswith("xl/worksheets/")
        big = is_sheet or posixpath.basename(info.filename).lower().startswith("sharedstrings")
        problem = _scan_part(archive, info, part, is_sheet, MAX_XML_TAGS if big else MAX_PART_TAGS)
        total += part.tags
        if not problem and total > MAX_XML_TAGS:
            problem, part.sheet = _TOO_BIG, ""
        if problem:
            _fault(parsed, part.sheet, problem)
            return None
        if part.sheet:
            sheets[part.sheet] = part
    return sheets


_TOO_BIG = (
    "có cấu trúc quá lớn bất thường (quá nhiều ô, dòng hoặc định dạng), không đọc được. Hãy chép dữ liệu sang "
    "tệp mẫu mới tải từ hệ thống, hoặc chia thành nhiều tệp."
)


def _scan_part(archive, info, part: _Part, is_sheet: bool, limit: int) -> str | None:
    """Count one part's tags (and a sheet's rows, cells, formulas and merged ranges); the problem found, if any."""
    with archive.open(info) as stream:
        chunk = stream.read(_CHUNK)
        body = chunk[3:] if chunk.startswith(b"\xef\xbb\xbf") else chunk
        if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[1:2] == b"\x00":
            return _NOT_UTF8  # UTF-16: no spreadsheet program writes it, and the counts below would not see it
        if not body.lstrip().startswith(b"<"):
            return None  # not XML (an image…): openpyxl does not parse it
        if info.file_size > MAX_PART_BYTES:  # the size zipfile holds the member to (it checks the CRC)
            return _TOO_BIG
        declared = _ENCODING.match(body)  # another ASCII-based encoding may be declared: bytes are then not checked
        utf8 = not declared or declared.group(1).lower().replace(b"-", b"") == b"utf8"
        decoder = codecs.getincrementaldecoder("utf-8")()
        tail = b""
        run = 0  # bytes since the last "<"
        while chunk:
            part.tags += chunk.count(b"<")
            if part.tags > limit:
                return _TOO_BIG
            # Within one chunk two tags are never further apart than the chunk's size (≤ MAX_TEXT_RUN): only a
            # run of text across chunks can be longer.
            first = chunk.find(b"<")
            if first < 0:
                run += len(chunk)
            elif run + first > MAX_TEXT_RUN:
                run += first
            else:
                run = len(chunk) - chunk.rfind(b"<") - 1
            if run > MAX_TEXT_RUN:
                return "có một ô hoặc đoạn nội dung dài bất thường (trên 1 MB), không đọc được."
            window = tail + chunk  # so that a pattern cut by the chunk boundary is still found
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return "có khai báo DOCTYPE trong nội dung XML, không được nhận. Hãy lưu lại bằng Excel rồi tải lên."
            controls = chunk.translate(None, _NOT_CONTROL_BYTES)
            reference = _CONTROL_REFERENCE.search(window) if b"&#" in window else None
            if controls or reference:
                raw = reference.group() if reference else controls[:1]
                code = raw[0] if len(raw) == 1 else int(raw[3:-1], 16) if raw[2:3] in b"xX" else int(raw[2:-1])
                return (
                    f"có ký tự điều khiển không hợp lệ (mã {code:#04x}) trong nội dung ô; thường do dán chữ từ "
                    "phần mềm khác. Hãy xóa ký tự đó (có thể dùng hàm CLEAN của Excel) rồi lưu lại."
                )
            if utf8 and not _is_utf8(decoder, chunk):
                return _NOT_UTF8
            if is_sheet:
                part.rows += sum(chunk.count(tag) for tag in _ROW_TAGS)
                if part.rows > MAX_SCANNED_ROWS + 1:
                    return f"có quá nhiều dòng (trên {thousands(MAX_SCANNED_ROWS)} dòng, kể cả dòng trống)."
                part.cells += sum(chunk.count(tag) for tag in _CELL_TAGS)
                if part.cells > MAX_SHEET_CELLS:
                    return (
                        f"có quá nhiều ô (trên {thousands(MAX_SHEET_CELLS)} ô, kể cả ô trống có định dạng); "
                        "hãy xóa các dòng, cột thừa rồi lưu lại."
                    )
                part.formulas = part.formulas or any(tag in window for tag in _FORMULA_TAGS)
                for match in _MERGE_REF.finditer(window) if b"mergeCell" in window else ():
                    ref = match.group(1).decode("ascii").upper()
                    if ref not in part.merges and len(part.merges) <= 20:
                        part.merges.append(ref)
            tail = chunk[-256:]
            chunk = stream.read(_CHUNK)
    if utf8 and not _is_utf8(decoder, b"", final=True):
        return _NOT_UTF8
    return None


_NOT_UTF8 = (
    "có chữ không đúng bảng mã UTF-8 (thường do phần mềm khác xuất tệp); hãy mở tệp bằng Excel, lưu lại rồi tải lên."
)


def _is_utf8(decoder, chunk: bytes, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return False
    return True


def read_sheet(source: Source, sheet: str, headers: list[str], parsed: ParsedWorkbook):
    """Yield (row number, values) for the non-empty data rows of a sheet, after checking its headers."""
    width = len(headers)
    if source.merges:
        for ref in source.merges[:20]:
            letters, row = re.match(r"([A-Z]+)(\d+)", ref).groups()
            column = _COLUMNS.get(letters, 0)
            parsed.error(
                f"có ô gộp {ref}; hãy bỏ gộp ô (Merge & Center) và ghi giá trị vào từng ô.",
                sheet,
                int(row),
                headers[column - 1] if 0 < column <= width else None,
            )
        if len(source.merges) > 20:
            parsed.error("… và các ô gộp khác.", sheet)
        return
    rows = source.values.iter_rows(min_row=1, max_col=width + 20, values_only=True)
    if source.formulas is not None:
        rows = zip(rows, source.formulas.iter_rows(min_row=1, max_col=width + 20, values_only=True), strict=False)
    else:
        rows = ((values, None) for values in rows)
    first = next(rows, None)
    found = [cell_text(_unescape(v)) for v in (first[0] if first else ())]
    found += [""] * (width - len(found))
    bad_header = False
    for index, expected in enumerate(headers):
        got = found[index]
        letter = get_column_letter(index + 1)
        if fold(got) != fold(expected):
            bad_header = True
            if got:
                parsed.error(f"cột {letter} phải có tiêu đề “{expected}”, tệp ghi “{shortened(got)}”.", sheet, 1)
            else:
                parsed.error(f"thiếu cột “{expected}” (cột {letter}).", sheet, 1)
    for index in range(width, len(found)):
        if found[index]:
            bad_header = True
            parsed.error(
                f"cột {get_column_letter(index + 1)} “{shortened(found[index])}” không có trong mẫu; hãy xóa cột này.",
                sheet,
                1,
            )
    if bad_header:
        return
    scanned = 0
    data_rows = 0
    padding = (None,) * width
    for number, (values, formulas) in enumerate(rows, start=2):
        scanned += 1
        if scanned > MAX_SCANNED_ROWS:
            parsed.error(f"trang có quá nhiều dòng (trên {thousands(MAX_SCANNED_ROWS)} dòng, kể cả dòng trống).", sheet)
            return
        values, formulas = values[:width], formulas[:width] if formulas else ()
        if all(v is None for v in values) and all(f is None for f in formulas):
            continue  # an empty row, the quick way: a sheet may have thousands
        values = tuple(_unescape(v) for v in values) + padding[len(values) :]
        formulas = tuple(formulas) + padding[len(formulas) :]
        problems = [
            (headers[i], problem)
            for i, value in enumerate(values)
            if (problem := _cell_problem(value, formulas[i] if value is None else None))
        ]
        if not problems and all(v is None or cell_text(v) == "" for v in values):
            continue  # blank rows are skipped
        data_rows += 1
        if data_rows > MAX_ROWS:
            parsed.error(f"quá {thousands(MAX_ROWS)} dòng dữ liệu; hãy chia thành nhiều tệp.", sheet)
            return
        if problems:  # the row is not read further: its other messages would only repeat these
            for header, problem in problems:
                parsed.error(problem, sheet, number, header)
            continue
        yield number, values
