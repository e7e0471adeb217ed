"""Importing the agency directory from CSV or Excel; every bad row is reported by field.

Columns (header row, Vietnamese or English names): ``ma_dinh_danh``/``code``,
``ten``/``name``, ``ma_chu_quan``/``parent_code``, ``dia_chi``/``address``,
``email``, ``kenh``/``channels`` (``edxml_axis; email:vt@x.gov.vn; postal:…``),
``hieu_luc_tu``/``valid_from`` (dd/mm/yyyy or yyyy-mm-dd). A row that fails
leaves the others imported.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from congvu.core.errors import ServiceError

from .services.common import require_directory_editor
from .services.directory import agency_save

COLUMNS = {
    "ma_dinh_danh": "code",
    "code": "code",
    "ten": "name",
    "name": "name",
    "ma_chu_quan": "parent_code",
    "parent_code": "parent_code",
    "dia_chi": "address",
    "address": "address",
    "email": "email",
    "kenh": "channels",
    "channels": "channels",
    "hieu_luc_tu": "valid_from",
    "valid_from": "valid_from",
}
#: The column a field is reported under (the Vietnamese header).
FIELD_COLUMN = {
    "code": "ma_dinh_danh",
    "name": "ten",
    "parent_code": "ma_chu_quan",
    "address": "dia_chi",
    "email": "email",
    "channels": "kenh",
    "valid_from": "hieu_luc_tu",
}


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _rows_of(upload) -> list[dict]:
    name = (getattr(upload, "name", "") or "").lower()
    upload.seek(0)
    data = upload.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        rows = list(csv.reader(io.StringIO(text)))
    else:
        raise ServiceError(
            _("Chỉ nhận tệp CSV (UTF-8) hoặc Excel (.xlsx)."), code="type_not_allowed", field="file"
        )
    if not rows:
        return []
    header = [COLUMNS.get(str(h).strip().lower(), "") for h in rows[0]]
    if "code" not in header or "name" not in header:
        raise ServiceError(
            _("Dòng tiêu đề phải có cột ma_dinh_danh và ten."), code="missing_columns", field="file"
        )
    return [
        {key: value for key, value in zip(header, row, strict=False) if key}
        for row in rows[1:]
        if any(str(v).strip() for v in row)
    ]


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ServiceError(
        _("Ngày không hợp lệ: “%(value)s” (dùng dd/mm/yyyy).") % {"value": text[:30]},
        code="invalid_date",
        field="valid_from",
    )


def _channels(value):
    text = str(value or "").strip()
    if not text:
        return None
    items = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        channel, _sep, address = part.partition(":")
        items.append({"channel": channel.strip(), "address": address.strip()})
    return items


def agencies_import(*, actor, upload) -> ImportReport:
    """Import every row of ``upload``; each row commits on its own (savepoint)."""
    require_directory_editor(actor)
    report = ImportReport()
    for number, row in enumerate(_rows_of(upload), start=2):
        try:
            with transaction.atomic():
                _agency, outcome = agency_save(
                    actor=actor,
                    code=str(row.get("code", "")),
                    name=str(row.get("name", "")),
                    parent_code=str(row.get("parent_code", "") or ""),
                    address=str(row.get("address", "") or ""),
                    email=str(row.get("email", "") or ""),
                    channels=_channels(row.get("channels")),
                    valid_from=_date(row.get("valid_from")),
                )
        except ServiceError as exc:
            fields = [e.field for e in exc.errors if e.field] or ["file"]
            column = FIELD_COLUMN.get(fields[0], fields[0])
            report.errors.append(RowError(row=number, field=column, message=exc.message))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report
