"""The classes-and-learners workbook: reading an upload (`read_workbook`) and the blank template (`template_workbook`).

- layout.py: the template's sheets, headers and limits, and what reading gives (`ParsedWorkbook` of rows and errors);
- reading.py: opening a file safely (refusing what openpyxl should not parse) and reading a sheet's rows;
- parsing.py: the rows into classes and learners, every cell checked, every problem named;
- template.py: the blank template.

The names below are the package's public API; the rest stays inside the modules.
"""

from .layout import (
    CLASS_HEADERS,
    CLASS_SHEET,
    LEARNER_HEADERS,
    LEARNER_SHEET,
    MAX_BYTES,
    CellError,
    ClassRow,
    LearnerRow,
    ParsedWorkbook,
)
from .parsing import read_workbook
from .template import template_workbook

__all__ = [
    "CLASS_HEADERS",
    "CLASS_SHEET",
    "LEARNER_HEADERS",
    "LEARNER_SHEET",
    "MAX_BYTES",
    "CellError",
    "ClassRow",
    "LearnerRow",
    "ParsedWorkbook",
    "read_workbook",
    "template_workbook",
]
