"""The one way congvu writes spreadsheet rows: text stays text, never a formula.

Names, subjects and issuers come from citizens and other agencies. A string
such as ``=HYPERLINK("http://…","Bấm vào đây")`` written with openpyxl's
``ws.append`` becomes a live formula, and a cell starting with ``+``, ``-``,
``@``, a tab or a carriage return turns into one as soon as somebody edits it
in Excel or LibreOffice (CSV/DDE injection). Every export appends its rows
through :func:`append_row`, which stores such strings as plain text (data type
``s``) with the cell's *quote prefix* set, the same thing Excel does when a
user types ``'=…``: the cell shows the text exactly, without an apostrophe,
and stays text when edited. Numbers, dates and ``None`` are written as they
are, so a negative amount stays a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

# Annotations only: openpyxl's classes are never needed at run time here.
if TYPE_CHECKING:  # pragma: no cover (never true at run time)
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

# The characters that make Excel, LibreOffice or a CSV import read a cell as a
# formula (OWASP "CSV injection"); their full-width forms get the same prefix in
# case a later conversion folds them to ASCII.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def is_risky(value: object) -> bool:
    """True for a string a spreadsheet could read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def clean_text(value: str) -> str:
    """``value`` without the control characters XML cannot hold.

    openpyxl refuses them with ``IllegalCharacterError``, which would turn one
    pasted control character in a citizen's name into a failed export.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


def write_text(cell: Cell, value: object) -> Cell:
    """Put ``value`` into ``cell``; a string is always stored as text."""
    if isinstance(value, str):
        value = clean_text(value)
    cell.value = value
    if isinstance(value, str):
        # openpyxl turns a leading "=" into a formula when the value is set;
        # the data type is set back to plain text after it.
        cell.data_type = "s"
        if is_risky(value):
            cell.quotePrefix = True
    return cell


def append_row(ws: Worksheet, values: Iterable[object]) -> None:
    """Append one row to ``ws`` like ``ws.append``, with every string kept as text."""
    from openpyxl.cell.cell import Cell

    ws.append([write_text(Cell(ws), value) for value in values])
