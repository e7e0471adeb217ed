"""Build the rows of a register for a unit and a date range, always through ``restrict()``.

Cells are strings, integers or ``datetime.date`` (so Excel keeps real dates);
the renderers format dates as dd/mm/yyyy.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.core.authz import as_actor
from congvu.incoming.constants import AssignmentRole
from congvu.incoming.models import Assignment, IncomingDocument
from congvu.org.models import Unit
from congvu.outgoing.constants import ISSUED_STATES, Status
from congvu.outgoing.models import OutgoingDocument, Recipient
from congvu.registry.constants import Secrecy

from .columns import COLUMNS, INCOMING, OUTGOING, TITLES, TRACKING, WIDTHS

EXPORT_ROLES = {Role.CLERK, *LEADER_ROLES}
#: Art. 19(1): one copy kept by the văn thư and one in the drafting unit's hồ sơ.
ARCHIVE_COPIES = 2


@dataclass
class RegisterSheet:
    """One register, ready to print: cover facts, Appendix IV columns and rows."""

    kind: str
    unit: Unit
    start: datetime.date
    end: datetime.date
    secrecy: int
    volume: int
    rows: list[list] = field(default_factory=list)
    first_number: str = ""
    last_number: str = ""

    @property
    def title(self) -> str:
        return str(TITLES[self.kind])

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in COLUMNS[self.kind]]

    @property
    def widths(self) -> list[int]:
        return WIDTHS[self.kind]

    @property
    def year_label(self) -> str:
        if self.start.year == self.end.year:
            return str(self.start.year)
        return f"{self.start.year}–{self.end.year}"

    @property
    def is_secret(self) -> bool:
        return self.secrecy >= Secrecy.SECRET


def export_unit_ids(actor) -> set[int] | None:
    """Units whose registers ``actor`` may print: clerk, leader or administrator; None = all."""
    actor = as_actor(actor)
    if actor.is_system_admin:
        return None
    desk = {u for u, roles in actor.roles.items() if roles & EXPORT_ROLES}
    return desk | set(actor.admin_unit_ids)


def export_units(*, actor):
    ids = export_unit_ids(actor)
    qs = Unit.objects.restrict(actor, "view")
    return qs if ids is None else qs.filter(pk__in=ids)


def unit_for_export(*, actor, unit_id) -> Unit:
    """The unit, or 404 when the actor is not its clerk, leader or administrator."""
    try:
        return export_units(actor=actor).get(pk=int(unit_id))
    except (TypeError, ValueError, Unit.DoesNotExist) as exc:
        raise Http404 from exc


def check_secrecy(*, actor, secrecy: int) -> None:
    """Mật registers only for actors with the clearance; others get 404."""
    if secrecy > as_actor(actor).clearance:
        raise Http404


def _fmt(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _type_and_subject(doc) -> str:
    return f"{doc.document_type.name}: {doc.subject}"


def _numbers(values) -> tuple[str, str]:
    numbers = [v for v in values if v]
    if not numbers:
        return "", ""
    return f"{min(numbers):02d}", f"{max(numbers):02d}"


def _incoming_docs(actor, unit, start, end, secrecy):
    return (
        IncomingDocument.objects.restrict(actor, "view")
        .filter(
            unit=unit,
            secrecy=secrecy,
            register__isnull=False,
            arrival_date__gte=start,
            arrival_date__lte=end,
        )
        .select_related("document_type")
        .order_by("arrival_date", "arrival_number", "pk")
    )


def _assignments(actor, doc_ids) -> dict[int, list[Assignment]]:
    """First-level assignments (chủ trì, phối hợp) of each document, in order."""
    by_doc: dict[int, list[Assignment]] = defaultdict(list)
    qs = (
        Assignment.objects.restrict(actor, "view")
        .filter(
            document_id__in=doc_ids,
            parent__isnull=True,
            role__in=[AssignmentRole.MAIN, AssignmentRole.COORDINATE],
        )
        .select_related("user", "unit")
        .order_by("role", "pk")
    )
    # "main" sorts before "coordinate" only by accident of spelling; sort explicitly.
    for a in sorted(qs, key=lambda a: (a.role != AssignmentRole.MAIN, a.pk)):
        by_doc[a.document_id].append(a)
    return by_doc


def _receivers(assignments: list[Assignment]) -> str:
    return "; ".join(a.assignee_label for a in assignments)


def _handed_on(doc, assignments: list[Assignment]) -> datetime.date | None:
    if assignments:
        return timezone.localdate(min(a.created_at for a in assignments))
    return timezone.localdate(doc.presented_at) if doc.presented_at else None


def incoming_rows(actor, unit, start, end, secrecy) -> tuple[list[list], list[int]]:
    docs = list(_incoming_docs(actor, unit, start, end, secrecy))
    assigned = _assignments(actor, [d.pk for d in docs])
    rows = []
    for doc in docs:
        a = assigned.get(doc.pk, [])
        note = doc.get_urgency_display() if doc.is_urgent else ""
        rows.append(
            [
                doc.arrival_date,
                doc.arrival_number_display,
                doc.issuer_name,
                doc.number_notation,
                doc.document_date,
                _type_and_subject(doc),
                _receivers(a) or (str(doc.presented_to) if doc.presented_to_id else ""),
                _handed_on(doc, a),
                "",
                note,
            ]
        )
    return rows, [d.arrival_number for d in docs]


def tracking_rows(actor, unit, start, end, secrecy) -> tuple[list[list], list[int]]:
    """Documents given a deadline or handlers (Art. 24: the văn thư tracks their handling)."""
    docs = list(
        _incoming_docs(actor, unit, start, end, secrecy)
        .filter(Q(deadline__isnull=False) | Q(assignments__isnull=False))
        .distinct()
    )
    assigned = _assignments(actor, [d.pk for d in docs])
    rows = []
    for doc in docs:
        a = assigned.get(doc.pk, [])
        deadline = doc.deadline or min((x.deadline for x in a if x.deadline), default=None)
        progress = doc.get_status_display()
        if doc.completed_at:
            progress = _("%(status)s ngày %(date)s") % {
                "status": progress,
                "date": _fmt(timezone.localdate(doc.completed_at)),
            }
        described = _("%(type)s số %(notation)s ngày %(date)s của %(issuer)s") % {
            "type": doc.document_type.name,
            "notation": doc.number_notation,
            "date": _fmt(doc.document_date),
            "issuer": doc.issuer_name,
        }
        rows.append(
            [
                doc.arrival_number_display,
                described,
                _receivers(a),
                deadline,
                progress,
                doc.reply_label,
                doc.return_reason if doc.status == "returned" else "",
            ]
        )
    return rows, [d.arrival_number for d in docs]


def outgoing_rows(actor, unit, start, end, secrecy) -> tuple[list[list], list[int]]:
    docs = list(
        OutgoingDocument.objects.restrict(actor, "view")
        .filter(
            unit=unit,
            secrecy=secrecy,
            status__in=ISSUED_STATES,
            issued_at__date__gte=start,
            issued_at__date__lte=end,
        )
        .select_related("document_type", "signer", "drafting_unit")
        .order_by("issued_at", "number", "pk")
    )
    recipients: dict[int, list[Recipient]] = defaultdict(list)
    for r in (
        Recipient.objects.restrict(actor, "view")
        .filter(document_id__in=[d.pk for d in docs])
        .select_related("unit")
    ):
        recipients[r.document_id].append(r)
    rows = []
    for doc in docs:
        rs = recipients.get(doc.pk, [])
        delivered = [r.delivered_at for r in rs if r.delivered_at]
        issued = timezone.localdate(doc.issued_at) if doc.issued_at else None
        sent = timezone.localdate(min(delivered)) if delivered else issued
        kept = _("VT")
        if doc.drafting_unit_id:
            kept = f"{kept}, {doc.drafting_unit.short_name or doc.drafting_unit.name}"
        note = doc.get_status_display() if doc.status != Status.ISSUED else ""
        rows.append(
            [
                doc.number_notation,
                issued,
                _type_and_subject(doc),
                str(doc.signer) if doc.signer_id else "",
                "; ".join(r.name for r in rs),
                kept,
                len(rs) + ARCHIVE_COPIES,
                sent,
                "",
                note,
            ]
        )
    return rows, [d.number for d in docs]


BUILDERS = {INCOMING: incoming_rows, OUTGOING: outgoing_rows, TRACKING: tracking_rows}


def build(
    *, actor, kind: str, unit: Unit, start, end, secrecy: int = 0, volume: int = 1
) -> RegisterSheet:
    """The register ``kind`` of ``unit`` between ``start`` and ``end`` (inclusive)."""
    check_secrecy(actor=actor, secrecy=secrecy)
    rows, numbers = BUILDERS[kind](actor, unit, start, end, secrecy)
    first, last = _numbers(numbers)
    return RegisterSheet(
        kind=kind,
        unit=unit,
        start=start,
        end=end,
        secrecy=secrecy,
        volume=volume,
        rows=rows,
        first_number=first,
        last_number=last,
    )
