"""Sổ theo dõi hồ sơ (Mẫu 06) of a receiving unit for a period: A4 landscape PDF and Excel.

The book lists the dossiers the unit's desk entered in it (those with a
``book_number``) whose reception falls in the period, in book order, then the
phi địa giới dossiers other desks received for this unit as the competent
one (Decree 118/2025), by reception time, without a number of this book and
marked in the phi địa giới column with the desk and its number.
``scope="beyond_boundary"`` keeps only phi địa giới rows (received here for
another unit, or elsewhere for this one): the Sổ theo dõi hồ sơ phi địa giới.
Rows are read through ``Dossier.objects.restrict`` so nobody prints what they
may not see.
Columns come from :func:`.layouts.book_layout`; each column ``key`` names one
value of :func:`_values`.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from congvu.core.pdf import render_pdf
from congvu.core.xlsx import append_row
from congvu.onestop.constants import DossierStatus, StepOutcome
from congvu.onestop.models import Dossier
from congvu.org.models import Unit

from . import text
from .layouts import BookLayout, book_layout

TEMPLATE = "onestop/print/book.html"
STYLESHEET = "onestop/print/book.css"
DATE_FORMAT = "DD/MM/YYYY HH:MM"
SCOPE_ALL = "all"
SCOPE_BEYOND_BOUNDARY = "beyond_boundary"

#: Why the dossier left the normal path, for the Ghi chú column.
_NOTE_STATUSES = {
    DossierStatus.REFUSED,
    DossierStatus.WITHDRAWN,
    DossierStatus.STOPPED,
    DossierStatus.SUPPLEMENT,
    DossierStatus.AWAITING_PAYMENT,
}


@dataclass
class BookSheet:
    unit: Unit
    start: datetime.date
    end: datetime.date
    layout: BookLayout
    rows: list[dict] = field(default_factory=list)
    scope: str = SCOPE_ALL

    @property
    def title(self) -> str:
        if self.scope == SCOPE_BEYOND_BOUNDARY:
            return f"{self.layout.title} PHI ĐỊA GIỚI"
        return self.layout.title

    @property
    def columns(self) -> list[str]:
        return [c.title for c in self.layout.columns]

    @property
    def widths(self) -> list[int]:
        return [c.width for c in self.layout.columns]

    def cells(self, row: dict) -> list:
        return [row.get(c.key) for c in self.layout.columns]


def _local(value) -> datetime.datetime | None:
    return timezone.localtime(value) if value else None


def _handed_at(dossier: Dossier):
    """When the desk handed the dossier on: the end of the first (reception) step."""
    steps = sorted(dossier.steps.all(), key=lambda s: (s.order, s.pk))
    for step in steps:
        if step.finished_at:
            return step.finished_at
    return None


def _boundary(unit: Unit, dossier: Dossier) -> str:
    """Where a phi địa giới dossier was received (another desk) or is decided (another unit)."""
    if dossier.receiving_unit_id != unit.pk:
        return (
            f"Tiếp nhận tại {dossier.receiving_unit.name}"
            f" (số {dossier.book_number}/{dossier.book_year})"
        )
    if dossier.beyond_boundary:
        return f"Giải quyết tại {dossier.competent_unit.name}"
    return ""


def _values(unit: Unit, dossier: Dossier) -> dict:
    contact = ", ".join(v for v in (dossier.applicant_address, dossier.applicant_phone) if v)
    outcome = dossier.get_outcome_display() if dossier.outcome else ""
    if not outcome and dossier.status not in _NOTE_STATUSES:
        due = dossier.effective_due_at
        if due and timezone.now() > due and dossier.closed_at is None:
            outcome = str(StepOutcome.LATE.label)
    note = dossier.get_status_display() if dossier.status in _NOTE_STATUSES else ""
    if dossier.extended_due_at:
        note = "; ".join(
            n for n in (note, f"Hẹn lại {text.short_datetime(dossier.extended_due_at)}") if n
        )
    return {
        # Another desk's dossier has no number in this book.
        "number": dossier.book_number if dossier.receiving_unit_id == unit.pk else "",
        "code": dossier.code,
        "procedure": dossier.procedure_version.name,
        "applicant": dossier.applicant_name,
        "contact": contact,
        "channel": dossier.get_channel_display(),
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.effective_due_at),
        "handed_at": _local(_handed_at(dossier)),
        "finished_at": _local(dossier.finished_at),
        "returned_at": _local(dossier.returned_at),
        "outcome": outcome,
        "signature": "",
        "boundary": _boundary(unit, dossier),
        "note": note,
    }


def _bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def build(
    *, actor, unit: Unit, start: datetime.date, end: datetime.date, scope: str = SCOPE_ALL
) -> BookSheet:
    """The book of ``unit`` for dossiers received from ``start`` to ``end`` (inclusive)."""
    low, high = _bounds(start, end)
    own = Q(receiving_unit=unit)
    received_elsewhere = Q(competent_unit=unit, beyond_boundary=True) & ~own
    if scope == SCOPE_BEYOND_BOUNDARY:
        own &= Q(beyond_boundary=True)
    dossiers = (
        Dossier.objects.restrict(actor, "view")
        .filter(own | received_elsewhere)
        .filter(book_number__isnull=False, received_at__gte=low, received_at__lt=high)
        .select_related("procedure_version", "receiving_unit", "competent_unit")
        .prefetch_related("steps")
    )
    # The desk's own rows in book order, then the ones received elsewhere.
    rows = sorted(
        dossiers,
        key=lambda d: (
            d.receiving_unit_id != unit.pk,
            (d.book_year, d.book_number) if d.receiving_unit_id == unit.pk else (0, 0),
            d.received_at,
            d.pk,
        ),
    )
    sheet = BookSheet(unit=unit, start=start, end=end, layout=book_layout(start), scope=scope)
    sheet.rows = [_values(unit, d) for d in rows]
    return sheet


def _cell(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def book_pdf(sheet: BookSheet) -> bytes:
    total = sum(sheet.widths)
    context = {
        "title": sheet.title,
        "sheet": sheet,
        "place": text.place_name(sheet.unit),
        # Strings, so the CSS never meets a localized decimal comma.
        "percent": [f"{100 * w / total:.2f}" for w in sheet.widths],
        "rows": [[_cell(v) for v in sheet.cells(row)] for row in sheet.rows],
    }
    return render_pdf(TEMPLATE, context, stylesheets=[STYLESHEET])


def book_xlsx(sheet: BookSheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ theo dõi hồ sơ"
    append_row(ws, sheet.columns)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.rows:
        # Excel has no time zones: local wall-clock time, as printed.
        append_row(
            ws,
            [
                v.replace(tzinfo=None) if isinstance(v, datetime.datetime) else v
                for v in sheet.cells(row)
            ],
        )
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = DATE_FORMAT
    for index, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4

    cover = wb.create_sheet("Thông tin sổ")
    for label, value in (
        ("Cơ quan", sheet.unit.name),
        ("Tên sổ", sheet.title),
        ("Từ ngày", sheet.start),
        ("Đến ngày", sheet.end),
        ("Số hồ sơ", len(sheet.rows)),
        ("Mẫu cột", sheet.layout.version),
    ):
        append_row(cover, [label, value])
    for cell in cover["A"]:
        cell.font = bold
    for cell in cover["B"]:
        if isinstance(cell.value, datetime.date):
            cell.number_format = "DD/MM/YYYY"
    cover.column_dimensions["A"].width = 16
    cover.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
