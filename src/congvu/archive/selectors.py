"""Reads of catalogs and work files, always from ``restrict()``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from congvu.org.models import Unit

from . import documents
from .constants import HANDOVER_MIN_YEARS, HANDOVER_WITHIN_DAYS, WorkFileStatus
from .models import FileCatalog, FileCatalogItem, WorkFile, WorkFileEntry
from .policies import member_unit_ids


def catalogs(*, actor, year: int | None = None, unit_id: int | None = None):
    qs = FileCatalog.objects.restrict(actor, "view").select_related("unit", "approved_by")
    if year:
        qs = qs.filter(year=year)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs


def catalog_years(*, actor) -> list[int]:
    years = set(FileCatalog.objects.restrict(actor, "view").values_list("year", flat=True))
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def catalog_for(*, actor, pk: int) -> FileCatalog:
    return get_object_or_404(catalogs(actor=actor), pk=pk)


def catalog_items(*, actor, catalog: FileCatalog):
    files = WorkFile.objects.restrict(actor, "view").order_by("code")
    return (
        FileCatalogItem.objects.restrict(actor, "view")
        .filter(catalog=catalog)
        .select_related("responsible_user", "responsible_unit")
        .prefetch_related(Prefetch("work_files", queryset=files))
    )


def item_for(*, actor, pk: int) -> FileCatalogItem:
    return get_object_or_404(
        FileCatalogItem.objects.restrict(actor, "view").select_related("catalog__unit"), pk=pk
    )


def work_files(*, actor, status: str | None = None):
    qs = WorkFile.objects.restrict(actor, "view").select_related(
        "unit", "catalog_item__catalog", "creator"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def work_file_for(*, actor, pk: int) -> WorkFile:
    return get_object_or_404(work_files(actor=actor), pk=pk)


def entry_for(*, actor, work_file: WorkFile, pk: int) -> WorkFileEntry:
    return get_object_or_404(
        WorkFileEntry.objects.restrict(actor, "view").filter(work_file=work_file), pk=pk
    )


@dataclass
class EntryRow:
    entry: WorkFileEntry
    ref: documents.DocumentRef | None  # None: the actor may not see this document

    @property
    def url(self) -> str:
        from django.urls import reverse

        if self.ref is None:
            return ""
        name = "incoming:detail" if self.ref.kind == "incoming" else "outgoing:detail"
        try:
            return reverse(name, args=[self.ref.id])
        except Exception:  # noqa: BLE001 - a missing route must not break the page
            return ""


def entry_rows(*, actor, work_file: WorkFile) -> list[EntryRow]:
    """The filed documents in order; those hidden from ``actor`` keep their place, unlabelled."""
    entries = list(WorkFileEntry.objects.restrict(actor, "view").filter(work_file=work_file))
    refs = documents.visible_refs(actor=actor, pairs=[(e.kind, e.document_id) for e in entries])
    return [EntryRow(entry=e, ref=refs.get((e.kind, e.document_id))) for e in entries]


def manageable_units(*, actor):
    """Units where the actor may make a catalog (văn thư, lãnh đạo, quản trị)."""
    from .services import can_manage_catalog

    units = Unit.objects.restrict(actor, "view").filter(pk__in=member_unit_ids(actor))
    return [u for u in units if can_manage_catalog(actor, u.pk)]


@dataclass
class HandoverRow:
    work_file: WorkFile
    due: datetime.date | None
    overdue: bool


def handover_due(*, actor, today: datetime.date | None = None, within_days: int = 366):
    """Closed files kept ≥5 years (or permanently), with the Art. 30 due date (end + 1 year).

    Lists those due within ``within_days`` from ``today`` (and any overdue), soonest first.
    """
    today = today or timezone.localdate()
    qs = work_files(actor=actor, status=WorkFileStatus.CLOSED).filter(
        Q(catalog_item__permanent=True) | Q(catalog_item__retention_years__gte=HANDOVER_MIN_YEARS)
    )
    rows = []
    for wf in qs:
        end = wf.end_date or (timezone.localdate(wf.closed_at) if wf.closed_at else None)
        due = end + datetime.timedelta(days=HANDOVER_WITHIN_DAYS) if end else None
        if due is None or due <= today + datetime.timedelta(days=within_days):
            rows.append(HandoverRow(work_file=wf, due=due, overdue=bool(due and due < today)))
    rows.sort(key=lambda r: (r.due or today, r.work_file.code))
    return rows


def handed_over(*, actor):
    return work_files(actor=actor, status=WorkFileStatus.HANDED_OVER)
