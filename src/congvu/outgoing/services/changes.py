"""Later changes to an issued document (Art. 18): thu hồi, thay thế, đính chính."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError
from congvu.events.services import publish
from congvu.registry.models import DocumentType

from ..constants import CONG_VAN, EDITABLE, Status
from ..models import OutgoingDocument
from .common import audit, deny, is_clerk, is_leader, lock, may_draft_for, require_state
from .drafting import draft_create


def _recipient_items(document: OutgoingDocument) -> list[dict]:
    return [
        {
            "unit": r.unit,
            "external_name": r.external_name,
            "external_address": r.external_address,
            "kind": r.kind,
        }
        for r in document.recipients.select_related("unit")
    ]


def recall_notify_internal(*, actor, document: OutgoingDocument, recipient) -> bool:
    """Cancel an internal recipient's copy (Art. 18(4)); True when there was one to cancel."""
    from congvu.incoming.services import incoming_mark_recalled

    if recipient.incoming_id is None:
        return False
    incoming_mark_recalled(
        actor=actor, incoming_id=recipient.incoming_id, reason=document.recall_reason
    )
    return True


@transaction.atomic
def document_recall(*, actor, document: OutgoingDocument, reason: str) -> OutgoingDocument:
    """Thu hồi: a leader or văn thư of the issuing unit recalls an issued document."""
    actor = as_actor(actor)
    document = lock(document)
    if not (is_leader(actor, document.unit_id) or is_clerk(actor, document.unit_id)):
        deny(_("Chỉ lãnh đạo hoặc văn thư cơ quan ban hành được thu hồi văn bản."))
    require_state(document, Status.ISSUED)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Phải ghi lý do thu hồi."), code="required", field="reason")
    before = snapshot(document)
    document.status = Status.RECALLED
    document.recalled_at = timezone.now()
    document.recall_reason = reason[:255]
    document.save(update_fields=["status", "recalled_at", "recall_reason", "updated_at"])
    flagged = [
        r.pk
        for r in document.recipients.filter(unit__isnull=False)
        if recall_notify_internal(actor=actor, document=document, recipient=r)
    ]
    publish("document.recalled", {"document_id": document.pk}, key=document)
    audit(
        actor,
        "document.recalled",
        document,
        before=before,
        after={**snapshot(document), "flagged": flagged},
    )
    return document


@transaction.atomic
def document_replace(
    *, actor, document: OutgoingDocument, new_draft: OutgoingDocument | None = None
) -> OutgoingDocument:
    """Thay thế: link a draft that replaces an issued document (a copy of it if none given).

    The old document becomes "bị thay thế" when the replacement is issued.
    """
    actor = as_actor(actor)
    document = lock(document)
    require_state(document, Status.ISSUED)
    if not may_draft_for(actor, document.unit, document.drafting_unit):
        deny(_("Bạn không soạn thảo văn bản cho cơ quan này."))
    if new_draft is None:
        new_draft = draft_create(
            actor=actor,
            unit=document.unit,
            drafting_unit=document.drafting_unit,
            document_type=document.document_type,
            subject=document.subject,
            body=document.body,
            urgency=document.urgency,
            secrecy=document.secrecy,
            recipients=_recipient_items(document),
        )
    new_draft = lock(new_draft)
    if new_draft.unit_id != document.unit_id or new_draft.pk == document.pk:
        raise ServiceError(
            _("Văn bản thay thế phải của cùng cơ quan ban hành."), code="invalid", field="new_draft"
        )
    require_state(new_draft, *EDITABLE, Status.IN_REVIEW, Status.APPROVED)
    if new_draft.replaces_id and new_draft.replaces_id != document.pk:
        raise ServiceError(
            _("Dự thảo này đã thay thế văn bản khác."), code="invalid", field="new_draft"
        )
    before = snapshot(new_draft)
    new_draft.replaces = document
    new_draft.save(update_fields=["replaces", "updated_at"])
    audit(actor, "document.replacement_linked", new_draft, before=before)
    return new_draft


@transaction.atomic
def document_correct(
    *, actor, document: OutgoingDocument, subject: str = "", body: str = ""
) -> OutgoingDocument:
    """Đính chính: a new công văn draft that corrects a format error of an issued document."""
    actor = as_actor(actor)
    document = lock(document)
    require_state(document, Status.ISSUED)
    if not may_draft_for(actor, document.unit, document.drafting_unit):
        deny(_("Bạn không soạn thảo văn bản cho cơ quan này."))
    cong_van = DocumentType.objects.get(code=CONG_VAN)
    draft = draft_create(
        actor=actor,
        unit=document.unit,
        drafting_unit=document.drafting_unit,
        document_type=cong_van,
        subject=subject
        or _("V/v đính chính %(type)s số %(notation)s")
        % {"type": document.document_type.name, "notation": document.number_notation},
        body=body,
        urgency=document.urgency,
        secrecy=document.secrecy,
        recipients=_recipient_items(document),
    )
    draft.corrects = document
    draft.save(update_fields=["corrects", "updated_at"])
    audit(
        actor,
        "document.correction_drafted",
        draft,
        after={**snapshot(draft), "corrects": document.pk},
    )
    return draft
