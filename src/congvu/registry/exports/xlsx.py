"""The register as a spreadsheet (openpyxl): header row in bold, column widths, dd/mm/yyyy dates.

Sheet 1 holds the register (header in row 1, so it sorts and filters); sheet
2 the cover facts.
"""

from __future__ import annotations

import datetime
import io

from django.utils.translation import gettext as _

from congvu.core.xlsx import append_row

from .rows import RegisterSheet

DATE_FORMAT = "DD/MM/YYYY"


def register_xlsx(sheet: RegisterSheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _("Sổ")[:31]
    append_row(ws, sheet.columns)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in sheet.rows:
        append_row(ws, row)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
            if isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT
    for index, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.print_options.gridLines = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4

    cover = wb.create_sheet(_("Bìa sổ")[:31])
    facts = [
        (_("Cơ quan"), sheet.unit.name),
        (_("Tên sổ"), sheet.title + (f" ({_('Mật')})" if sheet.is_secret else "")),
        (_("Năm"), sheet.year_label),
        (_("Từ ngày"), sheet.start),
        (_("Đến ngày"), sheet.end),
        (_("Từ số"), sheet.first_number),
        (_("Đến số"), sheet.last_number),
        (_("Quyển số"), f"{sheet.volume:02d}"),
    ]
    for label, value in facts:
        append_row(cover, [label, value])
    for cell in cover["A"]:
        cell.font = bold
    for cell in cover["B"]:
        if isinstance(cell.value, datetime.date):
            cell.number_format = DATE_FORMAT
    cover.column_dimensions["A"].width = 16
    cover.column_dimensions["B"].width = 60

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
