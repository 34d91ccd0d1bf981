"""Reorganisation plans (issue #22): read and check a plan workbook, preview it, apply it in one transaction.

read_plan(file) -> Plan                 # parse + validate; Plan.errors: (sheet, row, column, message)
preview(plan) -> Preview                # what closes, opens, renames, accounts moved, open work affected
apply_plan(plan, by=user, file_name=...) -> ReorganisationPlan
write_template() -> bytes               # the empty template, its "Hướng dẫn" sheet explains the format
"""

from .applying import apply_plan
from .preview import Preview, preview
from .reading import Plan, Problem, read_plan
from .template import write_template

__all__ = ["Plan", "Preview", "Problem", "apply_plan", "preview", "read_plan", "write_template"]
