"""Opening an uploaded file safely: what is not a plain .xlsx, or is too big or too strange for openpyxl to parse
in reasonable time and memory, is refused before openpyxl sees it (the container check and a streamed scan of every
XML part); then a sheet's rows are read after its headers are checked, and cells that cannot be data are named.

Every problem becomes a message in Vietnamese naming the sheet, row and column (`ParsedWorkbook.error`)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from centers.xlsx_guard import MAX_SCANNED_ROWS, Limits, Part, guard, thousands

from ..text import clean_name, fold
from .layout import MAX_BYTES, MAX_ROWS, ParsedWorkbook

MAX_CELL_CHARS = 32_767  # Excel's own limit

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
class Source:
    """A sheet to read: its cached values, its formulas (only when it has some) and its merged ranges."""

    values: object
    formulas: object | None = None
    merges: list[str] = field(default_factory=list)


def _fault(parsed: ParsedWorkbook, sheet: str, text: str) -> None:
    """A problem of the whole file or of one sheet; `text` starts with “có …”."""
    parsed.error(("trang " if sheet else "Tệp ") + text, sheet)


def check_container(data: bytes, parsed: ParsedWorkbook) -> dict[str, Part] | None:
    """Refuse what is not a plain .xlsx or is too big to read (centers/xlsx_guard.py); returns the scanned sheets
    (name → part)."""
    parts, problem = guard(data, Limits(max_bytes=MAX_BYTES, scanned_rows=MAX_SCANNED_ROWS))
    if problem is not None:
        if problem.sentence:
            parsed.error(problem.text)
        else:
            _fault(parsed, problem.sheet, problem.text)
    return parts


def read_sheet(
    source: Source, sheet: str, headers: list[str], parsed: ParsedWorkbook, optional_from: int | None = None
):
    """Yield (row number, values) for the non-empty data rows of a sheet, after checking its headers.

    `optional_from`: the columns from this index on may be left out of a file (the last ones, added to the template
    later); a file without them is read as if they were blank."""
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
    if optional_from is not None:
        present = optional_from
        while present < width and fold(found[present]) == fold(headers[present]):
            present += 1
        if not any(found[present:width]):  # the optional columns the file has, in order; the rest left out
            width = present
    bad_header = False
    for index, expected in enumerate(headers[:width]):
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
    padding = (None,) * len(headers)
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
