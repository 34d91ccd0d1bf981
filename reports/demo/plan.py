"""The demo's reorganisation plan: the 2025 changes of the demo provinces, as a plan workbook in the agreed format
(/work/plan-format.md, centers/reorganisation/), applied by seed_demo through the same `apply_plan` users have.

The shipped file (reports/demo/plan_2025.xlsx) is the official template (`write_template`) filled with the rows
below; `manage.py seed_demo --write-plan` writes it again from reports/demo/units.py, and
tests/test_demo_data.py checks that the shipped file holds exactly these rows.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from centers.reorganisation import write_template
from centers.reorganisation.sheets import CLOSURES, COLUMNS, MERGERS, NEW_UNITS, PLAN, RENAMES, SERVED

from .units import (
    AREA_WORD,
    BOARDS_RENAMED_DAY,
    COMMUNE_CENTERS,
    MERGED_PROVINCES,
    PROVINCES,
    REFORM_DAY,
    board_renamed,
    commune_center_name,
)

PLAN_FILE = Path(__file__).with_name("plan_2025.xlsx")
PLAN_NAME = "Sắp xếp tổ chức năm 2025 theo Nghị quyết 202/2025/QH15 (dữ liệu mẫu)"
PLAN_BASIS = (
    "Nghị quyết 202/2025/QH15 ngày 12/6/2025; Nghị quyết 1669/NQ-UBTVQH15, 1673/NQ-UBTVQH15 ngày 16/6/2025; "
    "Quy định 360-QĐ/TW ngày 29/8/2025"
)
COMMUNE_CENTER_KIND = "Trung tâm chính trị xã, phường, đặc khu"


def plan_rows() -> dict[str, list[list[str]]]:
    """{sheet: rows} of the plan; "Phương án" as (label, value) rows."""
    successors = {}  # (province code, district center code) → (today's province code, commune center code)
    for province_code, centers in COMMUNE_CENTERS.items():
        for center in centers:
            for old in center.takes_over:
                successors[old] = (province_code, center.code)
    boards = {code: spec[2] for code, spec in {**PROVINCES, **MERGED_PROVINCES}.items()}
    rows: dict[str, list[list[str]]] = {
        PLAN: [["Tên phương án", PLAN_NAME], ["Căn cứ", PLAN_BASIS], ["Ngày hiệu lực", REFORM_DAY]],
        RENAMES: [[code, "", board_renamed(name), BOARDS_RENAMED_DAY] for code, name in boards.items()],
        MERGERS: [[code, spec[0], spec[5], REFORM_DAY] for code, spec in MERGED_PROVINCES.items()],
        NEW_UNITS: [],
        SERVED: [],
        CLOSURES: [],
    }
    for province_code, centers in COMMUNE_CENTERS.items():
        for center in centers:
            word = AREA_WORD[center.kind]
            rows[NEW_UNITS].append(
                [
                    province_code,
                    center.code,
                    commune_center_name(center.area_name),
                    COMMUNE_CENTER_KIND,
                    center.area_name,
                    word,
                    f"Đảng ủy {center.area_name}",
                    REFORM_DAY,
                    "",
                ]
            )
            for kind, name, code in ((center.kind, center.name, center.code), *center.served):
                rows[SERVED].append([province_code, center.code, AREA_WORD[kind], name, code, REFORM_DAY])
    for code, spec in {**PROVINCES, **MERGED_PROVINCES}.items():
        for district_code, _kind, _area in spec[4]:
            rows[CLOSURES].append([code, district_code, REFORM_DAY, *successors.get((code, district_code), ("", ""))])
    for code, spec in MERGED_PROVINCES.items():  # the merged provinces' schools: the successor's school goes on
        rows[CLOSURES].append([code, "TCT", REFORM_DAY, spec[5], "TCT"])
    return rows


def write_plan() -> bytes:
    """The plan workbook: the template with the rows filled in."""
    book = load_workbook(io.BytesIO(write_template()))
    for sheet_name, rows in plan_rows().items():
        sheet = book[sheet_name]
        if sheet_name == PLAN:
            for row_index, (label, value) in enumerate(rows, start=1):
                sheet.cell(row=row_index, column=1, value=label)
                sheet.cell(row=row_index, column=2, value=value)
            continue
        for row_index, row in enumerate(rows, start=2):
            for column_index, value in enumerate(row, start=1):
                sheet.cell(row=row_index, column=column_index, value=value or None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shipped_rows(content: bytes | None = None) -> dict[str, list[list[str]]]:
    """The rows of the shipped plan file (or of `content`), as `plan_rows` gives them."""
    book = load_workbook(io.BytesIO(content if content is not None else PLAN_FILE.read_bytes()), read_only=True)
    found = {}
    for sheet_name in plan_rows():
        sheet = book[sheet_name]
        width = 2 if sheet_name == PLAN else len(COLUMNS[sheet_name])
        values = [["" if v is None else str(v) for v in row][:width] for row in sheet.iter_rows(values_only=True)]
        values = [row + [""] * (width - len(row)) for row in values if any(row)]
        found[sheet_name] = values if sheet_name == PLAN else values[1:]
    return found
