"""The statistics table as a spreadsheet (openpyxl): the same rows and columns as the page."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from congvu.core.xlsx import append_row

from .selectors import COLUMNS, GROUP_LABELS, Table


def statistics_xlsx(table: Table, *, scope_label: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _("Thống kê")[:31]
    append_row(ws, [_("Tình hình giải quyết thủ tục hành chính (Quyết định 766/QĐ-TTg)")])
    append_row(
        ws,
        [
            _("Từ ngày %(start)s đến ngày %(end)s")
            % {
                "start": table.period.start.strftime("%d/%m/%Y"),
                "end": table.period.end.strftime("%d/%m/%Y"),
            }
            + (f" – {scope_label}" if scope_label else "")
        ],
    )
    append_row(ws, [])
    header = [str(GROUP_LABELS[table.group_by])] + [str(label) for _k, label in COLUMNS]
    append_row(ws, header)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in [*table.rows, table.total]:
        append_row(ws, [row.label] + [row.values.get(key) for key, _label in COLUMNS])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 40
    for index in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 14
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
