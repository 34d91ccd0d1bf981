"""The downloadable file of an export: its name, its content type and its bytes (or a temporary file)."""

from __future__ import annotations

import io
import tempfile

from centers.lineage import default_boundaries
from centers.scoping import unit_key

from ..figures.basis import Basis, default_basis
from .context import ExportContext, cached_file
from .docx import render_docx
from .xlsx import render_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {"xlsx": XLSX, "docx": DOCX}

# A file on another basis than the unit's own, or with the roster, is named apart: saved side by side, the
# approved-only figures and the ones with drafts must not overwrite each other.
BASIS_SLUGS = {Basis.APPROVED: "da-duyet", Basis.SUBMITTED: "da-gui", Basis.ALL: "tat-ca"}


def export_filename(ctx: ExportContext, *, fmt: str, roster: bool) -> str:
    parts = ["bao-cao", unit_key(ctx.unit), ctx.period.key]
    if ctx.basis != default_basis(ctx.unit):
        parts.append(BASIS_SLUGS[ctx.basis])
    if ctx.unit.kind != "center" and ctx.bounds.boundaries is not default_boundaries(ctx.period.end):
        parts.append(ctx.bounds.key)  # the other view, named apart: "khi-do", "hien-nay"
    if roster:
        parts.append("danh-sach")
    return "-".join(parts) + f".{fmt}"


def export_content(ctx: ExportContext, *, fmt: str, roster: bool):
    """The file, positioned at its start: a temporary file for the roster, else the (cached) bytes in memory."""
    if roster:
        # A temporary file keeps a 130.000-row roster out of memory while it is written and sent.
        target = tempfile.TemporaryFile()  # noqa: SIM115 -- the caller (FileResponse) closes it after sending
        render_workbook(ctx, target, roster=True)
        target.seek(0)
        return target
    return io.BytesIO(cached_file(ctx, fmt, render_workbook if fmt == "xlsx" else render_docx))
