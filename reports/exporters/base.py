"""A sheet is a small class: a title, a header and rows (and optionally totals). The base renders every sheet
the same way, in openpyxl's write-only mode so that a roster of 130.000 enrolments streams to the file:
title rows, a bold bordered wrapped header, frozen panes, fitted column widths, Vietnamese number formats,
A4 landscape fitted to the width with the title and header repeated on every page.

Text that users typed and that starts with "=", "+", "-" or "@" is stored as text, never as a formula.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell import cell as openpyxl_cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

INTEGER = "#,##0"
PERCENT = "0.0%"
DATE = "DD/MM/YYYY"
LINE_HEIGHT = 15  # points: a line of the default 11-point font


def day_month_year_dates() -> None:
    """Every date openpyxl writes without a format of its own reads 24/11/2026, as users write dates (its default
    is 2026-11-24). Styling the date cells of a streamed roster one by one cost a sixth of a province-year
    workbook's time; once per process (ReportsConfig.ready), every workbook the app writes gets it."""
    openpyxl_cell.TIME_FORMATS[datetime.date] = DATE
    openpyxl_cell.TIME_FORMATS[datetime.datetime] = f"{DATE} HH:MM"


TEXT = "@"

_thin = Side(style="thin", color="808080")
BORDER = Border(top=_thin, bottom=_thin, left=_thin, right=_thin)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


@dataclass(frozen=True)
class Column:
    label: str
    width: float = 14
    format: str | None = None  # INTEGER, PERCENT, DATE or None (text)
    wrap: bool = False


class Sheet:
    """Subclasses set `title` and `columns` and yield rows (lists of values) from `rows()`."""

    title: str = ""
    columns: list[Column] = []
    heading: str = ""  # the first title row; the workbook adds unit, period and date below it
    # Long sheets (the roster) write plain values: a styled cell per value costs ~10x the time.
    plain: bool = False

    def rows(self) -> Iterable[list]:
        raise NotImplementedError

    def totals(self) -> list | None:
        return None

    def notes(self) -> list[str]:
        return []


class Renderer:
    """Renders sheets into one write-only workbook."""

    def __init__(self, *, title_lines: list[str]):
        self.workbook = Workbook(write_only=True)
        self.title_lines = title_lines

    def _cell(self, ws, value, *, fmt=None, bold=False, border=True, wrap=False, fill=None):
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
        if fmt and not isinstance(value, str):
            cell.number_format = fmt
        elif isinstance(value, (datetime.date, datetime.datetime)):
            cell.number_format = DATE
        if bold:
            cell.font = Font(bold=True)
        if border:
            cell.border = BORDER
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if fill:
            cell.fill = fill
        return cell

    def add(self, sheet: Sheet) -> None:
        ws = self.workbook.create_sheet(sheet.title)
        columns = sheet.columns
        lines = [sheet.heading, *self.title_lines] if sheet.heading else list(self.title_lines)
        header_row = len(lines) + 2
        # In write-only mode everything that precedes the rows in the file is fixed by the first append.
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"1:{header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        for i, line in enumerate(lines):
            ws.append([self._cell(ws, line, bold=i == 0, border=False)])
        ws.append([])
        self._fit_height(ws, header_row, [c.label for c in columns], [replace(c, wrap=True) for c in columns], 1.15)
        ws.append([self._cell(ws, c.label, bold=True, wrap=True, fill=HEADER_FILL) for c in columns])
        if sheet.plain:
            for row in sheet.rows():
                ws.append(self._plain_row(ws, row))
        else:
            for number, row in enumerate(sheet.rows(), start=header_row + 1):
                self._fit_height(ws, number, row, columns)
                ws.append(self._row(ws, columns, row))
        totals = sheet.totals()
        if totals is not None:
            ws.append(self._row(ws, columns, totals, bold=True))
        for note in sheet.notes():  # a line under the table, running on across the empty cells to its right
            ws.append([self._cell(ws, note, border=False)])

    @staticmethod
    def _fit_height(ws, number: int, values, columns: list[Column], widen: float = 1.0) -> None:
        """Give a row the height of its longest wrapped text. Neither Excel nor LibreOffice grows a row for
        wrapped text in a file they did not lay out themselves, so the second line would be hidden; a width unit
        holds about one character (bold ones are wider: `widen`)."""
        lines = 1
        for column, value in zip(columns, values, strict=False):
            if column.wrap and isinstance(value, str) and value:
                per_line = max(1, int(column.width / widen) - 1)
                lines = max(lines, sum(-(-len(part) // per_line) or 1 for part in value.split("\n")))
        if lines > 1:
            ws.row_dimensions[number].height = LINE_HEIGHT * lines

    def _plain_row(self, ws, values):
        """A streamed row as plain values (dates take DATE from `day_month_year_dates`); only a text that would
        read as a formula gets a cell of its own, marked text."""
        values = list(values)
        for i, value in enumerate(values):
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # text, never a formula
                values[i] = cell
        return values

    def _row(self, ws, columns, values, bold=False):
        return [
            self._cell(ws, value, fmt=column.format, bold=bold, wrap=column.wrap)
            for column, value in zip(columns, values, strict=False)
        ]

    def save(self, target) -> None:
        self.workbook.save(target)
