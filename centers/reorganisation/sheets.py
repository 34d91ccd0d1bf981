"""The plan workbook's sheets and columns (the format agreed in issue #22; the template documents it in its
"Hướng dẫn" sheet). One place: the reader, the template and the messages all read these."""

from __future__ import annotations

from ..models import ServedCommune, Unit

PLAN = "Phương án"
RENAMES = "Đổi tên"
MERGERS = "Sáp nhập tỉnh"
NEW_UNITS = "Đơn vị mới"
SERVED = "Xã, phường phục vụ"
CLOSURES = "Đóng đơn vị"
GUIDE = "Hướng dẫn"

# Key/value rows of the "Phương án" sheet: (key, label).
PLAN_KEYS = [("name", "Tên phương án"), ("basis", "Căn cứ"), ("day", "Ngày hiệu lực")]

# The data sheets, in the order they are applied: {sheet: [(field, heading), ...]} (columns A, B, C…).
COLUMNS: dict[str, list[tuple[str, str]]] = {
    RENAMES: [("province", "Mã tỉnh"), ("unit", "Mã đơn vị"), ("name", "Tên mới"), ("day", "Ngày hiệu lực")],
    MERGERS: [
        ("province", "Mã tỉnh bị sáp nhập"),
        ("check_name", "Tên tỉnh bị sáp nhập"),
        ("successor", "Mã tỉnh hợp nhất"),
        ("day", "Ngày hiệu lực"),
    ],
    NEW_UNITS: [
        ("province", "Mã tỉnh"),
        ("unit", "Mã đơn vị"),
        ("name", "Tên đơn vị"),
        ("kind", "Loại đơn vị"),
        ("area_name", "Địa bàn"),
        ("area_kind", "Loại địa bàn"),
        ("party_committee", "Cấp ủy trực thuộc"),
        ("day", "Ngày hiệu lực"),
        ("email", "Thư điện tử"),
    ],
    SERVED: [
        ("province", "Mã tỉnh"),
        ("unit", "Mã trung tâm"),
        ("kind", "Loại"),
        ("name", "Tên"),
        ("code", "Mã đơn vị hành chính"),
        ("day", "Ngày hiệu lực"),
    ],
    CLOSURES: [
        ("province", "Mã tỉnh"),
        ("unit", "Mã đơn vị"),
        ("day", "Ngày hiệu lực"),
        ("successor_province", "Mã tỉnh kế thừa"),
        ("successor", "Mã đơn vị kế thừa"),
    ],
}
DATA_SHEETS = list(COLUMNS)

# "Loại đơn vị" of a new unit: label → (kind, center level).
UNIT_KINDS = {
    "Trung tâm chính trị xã, phường, đặc khu": (Unit.Kind.CENTER, Unit.CenterLevel.COMMUNE),
    "Trường Chính trị": (Unit.Kind.SCHOOL, ""),
    "Cấp ủy, cơ quan khác": (Unit.Kind.ORGANISER, ""),
}
# "Loại địa bàn" / "Loại": the commune-level kinds.
AREA_KINDS = {
    "xã": (Unit.AreaKind.COMMUNE, ServedCommune.Kind.COMMUNE),
    "phường": (Unit.AreaKind.WARD, ServedCommune.Kind.WARD),
    "đặc khu": (Unit.AreaKind.SPECIAL_ZONE, ServedCommune.Kind.SPECIAL_ZONE),
}


def letter(index: int) -> str:
    return chr(ord("A") + index)


def column_label(sheet: str, field: str) -> str:
    """ "B (Mã đơn vị)": a column as the messages name it."""
    for index, (name, heading) in enumerate(COLUMNS[sheet]):
        if name == field:
            return f"{letter(index)} ({heading})"
    return ""
