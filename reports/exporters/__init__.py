"""Workbooks (xlsx) and Word reports (docx) for the review meetings. See base.py for how a sheet is made."""
