"""Opening an uploaded .xlsx safely, before openpyxl sees it: what is not a plain .xlsx, or is too big or too strange
for openpyxl to parse in reasonable time and memory, is refused (the container check and a streamed scan of every
XML part, never more than 256 KB in memory). Every workbook users upload goes through `guard`: the class and roster
workbook (courses/workbook/), the accounts workbook and the reorganisation plans (centers), each with its limits.

Problems are Vietnamese: a whole sentence about the file, or a fragment starting “có …” about a sheet (the caller
says “Trang “…” có …” or “Tệp có …”).
"""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

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


@dataclass(frozen=True)
class Limits:
    """What one kind of upload may hold (the defaults: the class and roster workbook of 20,000 learners)."""

    max_bytes: int = 10 * 1024 * 1024
    too_large: str = ""  # the message for a file over max_bytes ("" : the general one)
    max_uncompressed: int = MAX_UNCOMPRESSED
    max_ratio: int = MAX_RATIO
    xml_tags: int = MAX_XML_TAGS
    part_tags: int = MAX_PART_TAGS
    scanned_rows: int = MAX_SCANNED_ROWS  # rows scanned per sheet, blank ones included (a sheet "of a million rows")
    sheet_cells: int = MAX_SHEET_CELLS


@dataclass(frozen=True)
class Problem:
    text: str
    sheet: str = ""
    sentence: bool = True  # a whole sentence about the file; else a fragment “có …” about `sheet` (or the file)

    def message(self) -> str:
        if self.sentence:
            return self.text
        return (f"Trang “{self.sheet}” " if self.sheet else "Tệp ") + self.text


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass
class Part:
    """What the scan found in one XML part of the file."""

    name: str
    sheet: str = ""  # the sheet it holds, when it is a worksheet
    tags: int = 0
    rows: int = 0
    cells: int = 0
    formulas: bool = False
    merges: list[str] = field(default_factory=list)


def guard(data: bytes, limits: Limits | None = None) -> tuple[dict[str, Part] | None, Problem | None]:
    """Refuse what is not a plain .xlsx or is too big to read: (the scanned sheets, name → part, None), or (None,
    the problem)."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        return None, Problem(
            limits.too_large or f"Tệp lớn hơn {limits.max_bytes // (1024 * 1024)} MB; hãy chia thành nhiều tệp nhỏ hơn."
        )
    if not data:
        return None, Problem("Tệp rỗng.")
    if data.startswith(_OLE_SIGNATURE):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data:
            return None, Problem("Tệp đang được đặt mật khẩu. Hãy gỡ mật khẩu trong Excel rồi tải lên lại.")
        return None, Problem("Tệp ở định dạng Excel 97-2003 (.xls). Hãy mở bằng Excel, lưu lại dạng .xlsx rồi tải lên.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return None, Problem("Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
                return None, Problem("Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống.")
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None, Problem(
                    "Tệp có chứa macro (.xlsm), không được nhận. Hãy lưu lại dạng .xlsx không có macro."
                )
            total = sum(info.file_size for info in infos)
            packed = max(1, sum(info.compress_size for info in infos))
            if total > limits.max_uncompressed or total / packed > limits.max_ratio:
                return None, Problem("Tệp có nội dung giải nén quá lớn bất thường, không được nhận.")
            return _scan(archive, infos, limits)
    except Exception:  # a broken zip: bad CRC, truncated or unsupported member, encrypted entry…
        return None, Problem("Tệp bị hỏng, không mở được. Hãy lưu lại tệp trong Excel rồi tải lên.")


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


def _scan(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits):
    """Stream every part once (never more than _CHUNK bytes in memory) and refuse what openpyxl should not parse."""
    sheet_of = _sheet_parts(archive, {info.filename: info.file_size for info in infos})
    sheets: dict[str, Part] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        part = Part(info.filename, sheet_of.get(info.filename, ""))
        is_sheet = info.filename in sheet_of or info.filename.startswith("xl/worksheets/")
        big = is_sheet or posixpath.basename(info.filename).lower().startswith("sharedstrings")
        problem = _scan_part(archive, info, part, is_sheet, limits.xml_tags if big else limits.part_tags, limits)
        total += part.tags
        if not problem and total > limits.xml_tags:
            problem, part.sheet = _TOO_BIG, ""
        if problem:
            return None, Problem(problem, part.sheet, sentence=False)
        if part.sheet:
            sheets[part.sheet] = part
    return sheets, None


_TOO_BIG = (
    "có cấu trúc quá lớn bất thường (quá nhiều ô, dòng hoặc định dạng), không đọc được. Hãy chép dữ liệu sang "
    "tệp mẫu mới tải từ hệ thống, hoặc chia thành nhiều tệp."
)


def _scan_part(archive, info, part: Part, is_sheet: bool, limit: int, limits: Limits) -> str | None:
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
                if part.rows > limits.scanned_rows + 1:
                    return f"có quá nhiều dòng (trên {thousands(limits.scanned_rows)} dòng, kể cả dòng trống)."
                part.cells += sum(chunk.count(tag) for tag in _CELL_TAGS)
                if part.cells > limits.sheet_cells:
                    return (
                        f"có quá nhiều ô (trên {thousands(limits.sheet_cells)} ô, kể cả ô trống có định dạng); "
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
