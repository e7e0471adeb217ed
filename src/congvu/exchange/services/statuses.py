"""Status messages about documents WE sent: kept per recipient, history and all.

A recipient's system reports 01 đã đến, 03 đã vào sổ … 06 hoàn thành for a
document we issued. Each message becomes one ``DeliveryStatus`` row; one
naming a document we cannot find is kept with no document (flagged), never
dropped: the sender's code or number may be wrong on either side.
"""

from __future__ import annotations

from django.utils import timezone, translation

from congvu.audit.services import snapshot

from ..edxml import StatusMessage
from ..edxml.codes import status_meaning
from ..models import DeliveryStatus, ReceivedPackage
from .common import agency_code_of, audit


def _split_document_id(document_id: str) -> tuple[str, int | None, str]:
    """(agency code, year, số ký hiệu) of ``document_id_for``'s form, or blanks."""
    parts = (document_id or "").split(",", 2)
    if len(parts) != 3 or not parts[1].strip().isdigit():
        return "", None, ""
    return parts[0].strip(), int(parts[1]), parts[2].strip()


def outgoing_for(status: StatusMessage):
    """Our issued văn bản đi the status answers, or None.

    Matched on the số ký hiệu (``ResponseFor/Code``, else the one inside the
    DocumentId), the year it was issued when known, and our agency code
    (``ResponseFor/OrganId``) against the issuing unit's.
    """
    from congvu.outgoing.models import OutgoingDocument

    rf = status.response_for
    organ_id, year, notation = _split_document_id(rf.document_id)
    code = (rf.code or notation).strip()
    organ_id = rf.organ_id or organ_id
    if rf.promulgation_date:
        year = rf.promulgation_date.year
    if not code:
        return None
    candidates = OutgoingDocument.objects.filter(
        number_notation=code, issued_at__isnull=False
    ).select_related("unit")
    if year:
        candidates = candidates.filter(issued_at__year=year)
    for document in candidates.order_by("-issued_at"):
        if agency_code_of(document.unit) == organ_id:
            return document
    return None


def delivery_status_record(*, package: ReceivedPackage, status: StatusMessage, actor=None):
    """Keep what a recipient reported in ``status`` (received as ``package``) about our document."""
    document = outgoing_for(status)
    # The meaning is kept as the register reads it, whatever language the request runs in.
    with translation.override("vi"):
        meaning = str(status_meaning(status.status_code))
    row = DeliveryStatus.objects.create(
        package=package,
        outgoing_document=document,
        unit=document.unit if document is not None else package.unit,
        recipient_code=status.from_.organ_id,
        recipient_name=status.from_.organ_name[:255],
        status_code=status.status_code,
        meaning=meaning[:255],
        description=status.description,
        status_at=status.timestamp or package.received_at or timezone.now(),
        document_code=status.response_for.code[:120],
        document_id=status.response_for.document_id[:120],
    )
    audit(
        actor,
        "delivery_status",
        "recorded" if document is not None else "unmatched",
        row,
        after=snapshot(row),
        unit=row.unit,
    )
    return row
