"""Ban hành văn bản đi by the văn thư, as one atomic pipeline (Art. 14).

(1) number and date → (2) register → (3) render/stamp → (4) sign → (5) deliver.

Everything happens in one transaction: if any step fails (a signer that
cannot sign, a delivery that cannot be recorded), the number goes back to
the register (no gap, nothing consumed) and the document stays approved.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError
from congvu.core.faults import checkpoint
from congvu.events.services import publish
from congvu.files.services import file_store
from congvu.registry.constants import Direction
from congvu.registry.services import number_allocate
from congvu.signatures.attachments import attachments_sign, signed_attachments

from ..constants import DeliveryStatus, Status
from ..models import OutgoingDocument
from ..notation import format_notation
from ..preview import require_approved_content
from ..signing import get_signer
from .common import audit, deny, is_clerk, lock, refresh_search_text, require_state
from .drafting import ISSUED_PURPOSE


def render_pdf(document: OutgoingDocument) -> bytes:
    """Step 3, render/stamp: the issued PDF with its số, ký hiệu, date and nơi nhận (Appendix I).

    Uses the shared renderer (``congvu.core.pdf``); the layout of the parts
    is ``outgoing.printing``. Agency seal and signature images come with the
    PAdES signer (step 4).
    """
    from congvu.core.pdf import render_pdf as render_template_pdf

    from ..printing import document_context

    return render_template_pdf(
        "outgoing/print/document.html",
        document_context(document),
        stylesheets=["outgoing/print/document.css"],
    )


def _deliver(actor, document: OutgoingDocument, now) -> list[dict]:
    """Step 5: internal recipients get a văn bản đến; external ones are recorded for the post."""
    delivered = []
    for recipient in document.recipients.select_related("unit"):
        if recipient.is_internal:
            recipient.incoming_id = deliver_internal(
                actor=actor, document=document, recipient=recipient
            )
            recipient.delivery_status = DeliveryStatus.DELIVERED
        else:
            recipient.delivery_status = DeliveryStatus.POSTAL_RECORDED
        recipient.delivered_at = now
        recipient.save(update_fields=["incoming_id", "delivery_status", "delivered_at"])
        delivered.append(
            {
                "recipient": recipient.pk,
                "status": recipient.delivery_status,
                "incoming": recipient.incoming_id,
            }
        )
    return delivered


def deliver_internal(*, actor, document: OutgoingDocument, recipient) -> int:
    """Create the pending văn bản đến of an internal recipient, linked back here; return its id."""
    from congvu.incoming.services import incoming_receive_internal

    incoming = incoming_receive_internal(
        actor=actor,
        outgoing_unit=document.unit,
        recipient_unit=recipient.unit,
        number_notation=document.number_notation,
        document_date=timezone.localdate(document.issued_at),
        document_type=document.document_type,
        subject=document.subject,
        signer_name=_signer_name(document),
        urgency=document.urgency,
        secrecy=document.secrecy,
        files=[document.issued_file, *signed_attachments(document)]
        if document.issued_file_id
        else [],
        origin_type=document._meta.label_lower,
        origin_id=str(document.pk),
        origin_label=document.number_notation,
    )
    return incoming.pk


def _signer_name(document: OutgoingDocument) -> str:
    if not document.signer_id:
        return ""
    return document.signer.full_name or str(document.signer)


@transaction.atomic
def document_issue(*, actor, document: OutgoingDocument) -> OutgoingDocument:
    """Ban hành: only a văn thư of the issuing unit, only an approved document.

    A signer whose key is with a remote-signing service (ký số từ xa) cannot
    sign within this transaction: the document is numbered and rendered, the
    request goes to the service and the document waits in ``SIGNING``
    (``remote_signing.py``); issuance finishes when the signer approves.
    """
    actor = as_actor(actor)
    document = lock(document)
    if not is_clerk(actor, document.unit_id):
        deny(_("Chỉ văn thư của cơ quan ban hành được phát hành văn bản."))
    if actor.clearance < document.secrecy:
        deny(_("Bạn không được giao xử lý văn bản Mật."))
    require_state(document, Status.APPROVED)
    require_approved_content(document)  # read before signing: nothing else is numbered
    before = snapshot(document)
    now = timezone.now()
    _take_number(actor, document, now)
    signer = get_signer()
    remote_key = signer.remote_key(document)
    if remote_key is not None:
        from .remote_signing import remote_signing_start

        return remote_signing_start(actor, document, remote_key, before=before)
    # (3) render and stamp, (4) sign.
    pdf = render_pdf(document)
    try:
        signed = signer.sign(document, pdf)
    except ServiceError:
        raise  # the signer's own reason (a missing key) is already worded for the user
    except Exception as exc:
        raise ServiceError(
            _("Ký số không thành công, văn bản chưa được phát hành: %(error)s") % {"error": exc},
            code="signing_failed",
        ) from exc
    return complete_issuance(actor, document, signed, signed_with=signer.key, before=before)


def _take_number(actor, document: OutgoingDocument, now) -> None:
    """Steps (1) number and date, (2) register: inside the caller's transaction, register locked."""
    issued = number_allocate(
        actor=actor,
        unit=document.unit,
        direction=Direction.OUTGOING,
        document_type=document.document_type,
        secrecy=document.secrecy,
        when=now,
        obj=document,
    )
    checkpoint("outgoing.issue.after_number")  # number taken, nothing committed yet
    document.register = issued.register
    document.issued_number = issued
    document.number = issued.number
    document.number_notation = format_notation(
        number=issued.number,
        document_type=document.document_type,
        unit=document.unit,
        drafting_unit=document.drafting_unit,
        year=timezone.localtime(now).year,
    )
    document.issued_at = now
    document.issued_by = actor.user


def complete_issuance(
    actor, document: OutgoingDocument, signed: bytes, *, signed_with: str, before: dict
) -> OutgoingDocument:
    """Store the signed PDF, mark the document issued and (5) deliver it; audited.

    The end of every issuance, whether the signatures were made at once or
    after a remote signer's approval. Runs in the caller's transaction, with
    ``document`` locked and numbered.
    """
    document.signed_with = signed_with
    document.issued_sha256 = hashlib.sha256(signed).hexdigest()
    slug = document.number_notation.replace("/", "-")
    document.issued_file = file_store(
        actor=actor,
        upload=ContentFile(signed, name=f"{slug}.pdf"),
        owner=document,
        purpose=ISSUED_PURPOSE,
    )
    # PDF attachments in separate files: the agency's signature, top right of page 1.
    attachments_sign(actor=actor, document=document)
    document.status = Status.ISSUED
    refresh_search_text(document)
    document.save(update_fields=[*NUMBER_FIELDS, "issued_file", "issued_sha256", "signed_with"])
    # (5) deliver.
    deliveries = _deliver(actor, document, timezone.now())
    if document.replaces_id:
        _mark_replaced(actor, document)
    _link_reply(actor, document)
    publish("document.issued", {"document_id": document.pk}, key=document)
    audit(
        actor,
        "document.issued",
        document,
        before=before,
        after={**snapshot(document), "deliveries": deliveries},
    )
    checkpoint("outgoing.issue.before_commit")  # number, file and deliveries not yet committed
    return document


#: The columns a numbered document saves (with its state and search key).
NUMBER_FIELDS = [
    "register",
    "issued_number",
    "number",
    "number_notation",
    "issued_at",
    "issued_by",
    "status",
    "search_text",
    "updated_at",
]


def _link_reply(actor, document: OutgoingDocument) -> None:
    """The incoming document this reply answers is done (hoàn thành) once the reply is issued.

    Within the issuance transaction, through the incoming app's named transition
    (audited there). When the incoming document is not being handled any more, or
    belongs to a unit the issuing agency does not answer for, only the link is
    written if allowed; otherwise its handler links and completes it by hand.
    """
    if document.reply_to_type != "incoming.incomingdocument" or not document.reply_to_id:
        return
    from congvu.incoming.models import IncomingDocument
    from congvu.incoming.services import incoming_complete_by_reply, incoming_link_reply

    incoming = IncomingDocument.objects.filter(pk=document.reply_to_id).first()
    if incoming is None:
        return
    try:
        with transaction.atomic():
            incoming_complete_by_reply(actor=actor, document=incoming, reply=document)
        return
    except ServiceError:
        pass
    if incoming.reply_id:
        return
    try:
        with transaction.atomic():
            incoming_link_reply(
                actor=actor, document=incoming, reply=document, reply_label=document.number_notation
            )
    except ServiceError:
        # Not this clerk's to link, or the incoming document is closed: leave it to its handler.
        return


def _mark_replaced(actor, document: OutgoingDocument) -> None:
    old = lock(document.replaces)
    if old.status != Status.ISSUED:
        return
    before = snapshot(old)
    old.status = Status.REPLACED
    old.save(update_fields=["status", "updated_at"])
    audit(
        actor, "document.replaced", old, before=before, after={**snapshot(old), "by": document.pk}
    )
