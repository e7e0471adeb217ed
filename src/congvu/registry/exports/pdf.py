"""The register as paper: cover (year, date range, number range, quyển số) and the table, A4 landscape."""

from __future__ import annotations

import datetime

from congvu.core.pdf import render_pdf

from .rows import RegisterSheet

TEMPLATE = "registry/exports/register.html"
STYLESHEET = "registry/exports/register.css"


def _cell(value) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def register_pdf(sheet: RegisterSheet) -> bytes:
    total = sum(sheet.widths)
    context = {
        "title": sheet.title,
        "sheet": sheet,
        # Strings, so the CSS never meets a localized decimal comma.
        "percent": [f"{100 * w / total:.2f}" for w in sheet.widths],
        "rows": [[_cell(v) for v in row] for row in sheet.rows],
    }
    return render_pdf(TEMPLATE, context, stylesheets=[STYLESHEET])
