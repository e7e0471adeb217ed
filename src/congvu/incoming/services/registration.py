"""Reception and registration of incoming documents (Art. 21, 22)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.audit.services import log_action, log_actions, snapshot
from congvu.core.errors import ServiceError
from congvu.core.text import fold
from congvu.events.services import publish
from congvu.registry.constants import Direction, Urgency
from congvu.registry.services import (
    number_allocate,
    number_attach,
    number_audit_entry,
    number_record,
    secrecy_validate,
)
from congvu.search.models import Kind
from congvu.search.services import search_index_in_transaction, search_index_new

from ..constants import SUBJECT_MAX_LENGTH, Action, Source, Status
from ..models import ExternalOrganization, IncomingDocument
from ..notify import notify_urgent, unit_people
from .common import (
    actor_of,
    audit,
    audit_entry,
    before_of,
    entry,
    is_clerk,
    lock,
    require,
    require_status,
    search_text_for,
    user_of,
)
from .duplicates import issuer_label, refuse_duplicates
from .files import attach_files


@transaction.atomic
def external_org_create(
    *, actor, name: str, code: str = "", address: str = ""
) -> ExternalOrganization:
    """Add an outside issuer to the directory (clerks and administrators)."""
    a = actor_of(actor)
    require(
        a.is_system_admin or a.has_role(Role.CLERK) or bool(a.admin_unit_ids),
        _("Chỉ văn thư hoặc quản trị mới được thêm cơ quan bên ngoài."),
    )
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Phải nhập tên cơ quan, tổ chức."), code="required", field="name")
    code = (code or "").strip()
    existing = ExternalOrganization.objects.filter(search_text=fold(name), code=code).first()
    if existing is not None:
        return existing
    org = ExternalOrganization.objects.create(
        name=name,
        code=code,
        address=(address or "").strip(),
        search_text=fold(name),
        created_by=user_of(a),
    )
    log_action(actor=a, action="congvu.incoming.external_org.created", obj=org, after=snapshot(org))
    return org


def _validate_issuer(issuer_unit, issuer_external, issuer_name):
    if not issuer_label(issuer_unit, issuer_external, issuer_name):
        raise ServiceError(
            _("Phải chọn hoặc nhập cơ quan ban hành."), code="required", field="issuer_name"
        )


def _validate_common(*, number_notation, subject, document_date, urgency, secrecy):
    if not (number_notation or "").strip():
        raise ServiceError(_("Phải nhập số, ký hiệu."), code="required", field="number_notation")
    if not (subject or "").strip():
        raise ServiceError(_("Phải nhập trích yếu."), code="required", field="subject")
    if len(subject.strip()) > SUBJECT_MAX_LENGTH:
        raise ServiceError(
            _("Trích yếu dài tối đa %(max)s ký tự.")
            % {"max": f"{SUBJECT_MAX_LENGTH:,}".replace(",", ".")},
            code="too_long",
            field="subject",
        )
    if document_date is None:
        raise ServiceError(_("Phải nhập ngày văn bản."), code="required", field="document_date")
    if int(urgency) not in Urgency.values:
        raise ServiceError(_("Độ khẩn không hợp lệ."), code="invalid_urgency", field="urgency")
    return secrecy_validate(secrecy)


def _assign_number(actor, document, when) -> None:
    issued = number_allocate(
        actor=actor,
        unit=document.unit,
        direction=Direction.INCOMING,
        secrecy=document.secrecy,
        when=when,
    )
    document.register = issued.register
    document.arrival_number = issued.number
    document.registered_at = when
    number_attach(issued=issued, obj=document)


def _notify_leaders(document) -> None:
    if not document.is_urgent:
        return  # nothing to send: skip looking the leaders up (inside the numbering lock)
    notify_urgent(
        document,
        unit_people(document.unit_id, LEADER_ROLES),
        reason=_("Văn bản khẩn vừa được vào sổ văn bản đến, cần trình và chỉ đạo ngay."),
    )


@transaction.atomic
def incoming_register(
    *,
    actor,
    unit,
    number_notation: str,
    document_date: datetime.date,
    document_type,
    subject: str,
    issuer_unit=None,
    issuer_external=None,
    issuer_name: str = "",
    signer_name: str = "",
    urgency: int = Urgency.NORMAL,
    secrecy=0,
    page_count: int | None = None,
    deadline: datetime.date | None = None,
    arrival_date: datetime.date | None = None,
    source: str = Source.PAPER,
    confirm_duplicate: bool = False,
    files=(),
) -> IncomingDocument:
    """Vào sổ văn bản đến: the văn thư of ``unit`` records a received document and its số đến.

    The số đến comes from the unit's incoming register of the year (Mật: the
    Mật register) in this same transaction. A likely duplicate is refused
    with ``duplicate_suspected`` unless ``confirm_duplicate``.
    """
    a = actor_of(actor)
    require(
        is_clerk(a, unit.pk),
        _("Chỉ văn thư của đơn vị mới được vào sổ văn bản đến."),
        code="not_clerk",
    )
    secrecy = _validate_common(
        number_notation=number_notation,
        subject=subject,
        document_date=document_date,
        urgency=urgency,
        secrecy=secrecy,
    )
    _validate_issuer(issuer_unit, issuer_external, issuer_name)
    if source not in Source.values:
        raise ServiceError(_("Nguồn văn bản không hợp lệ."), code="invalid", field="source")
    if not confirm_duplicate:
        refuse_duplicates(
            a,
            unit=unit,
            number_notation=number_notation,
            document_date=document_date,
            issuer_unit=issuer_unit,
            issuer_external=issuer_external,
            issuer_name=issuer_name,
        )
    now = timezone.now()
    document = IncomingDocument(
        unit=unit,
        arrival_date=arrival_date or timezone.localdate(now),
        source=source,
        issuer_unit=issuer_unit,
        issuer_external=issuer_external,
        issuer_name=issuer_label(issuer_unit, issuer_external, issuer_name),
        number_notation=number_notation.strip(),
        document_date=document_date,
        document_type=document_type,
        subject=subject.strip(),
        signer_name=(signer_name or "").strip(),
        urgency=int(urgency),
        secrecy=secrecy,
        page_count=page_count,
        deadline=deadline,
        status=Status.REGISTERED,
        created_by=user_of(a),
    )
    document.search_text = search_text_for(document)
    # The audit records come last, both in one append: the audit chain is one row lock
    # for every unit, held from its first record to the commit, so every other write
    # (and the search row) happens before it.
    issued = number_allocate(
        actor=a,
        unit=unit,
        direction=Direction.INCOMING,
        secrecy=secrecy,
        when=now,
        audit=False,
        record=False,
    )
    document.register = issued.register
    document.arrival_number = issued.number
    document.registered_at = now
    # The document is indexed below, in this transaction: saving it records no index
    # request for after the commit (one INSERT and one DELETE fewer per registration).
    with search_index_in_transaction(Kind.INCOMING):
        document.save()
        number_record(issued=issued, obj=document)
        stored = attach_files(actor=a, document=document, files=files)
        entry(document, a, Action.REGISTERED)
        # Searchable exactly when committed, from the values in memory (no read-back).
        # A file stored now has no text yet (it is extracted after the commit, which
        # indexes the document again) and a new document no assignment: nothing to read.
        search_index_new(Kind.INCOMING, document, has_attachments=any(f.text for f in stored))
    _notify_leaders(document)
    publish("incoming.registered", {"document_id": document.pk}, key=document)
    log_actions(
        number_audit_entry(actor=a, issued=issued, unit=unit),
        audit_entry(a, "registered", document, after=snapshot(document)),
        last=True,  # at the top level, the COMMIT goes with the append (ADR 0005)
    )
    return document


@transaction.atomic
def incoming_receive_internal(
    *,
    outgoing_unit,
    recipient_unit,
    number_notation: str,
    document_date: datetime.date,
    document_type,
    subject: str,
    signer_name: str = "",
    urgency: int = Urgency.NORMAL,
    secrecy=0,
    files=(),
    origin_label: str = "",
    origin_type: str = "",
    origin_id: str = "",
    page_count: int | None = None,
    actor=None,
) -> IncomingDocument:
    """Deliver a document issued inside congvu to ``recipient_unit`` (liên thông nội bộ).

    Stable interface for ``congvu.outgoing``: creates a ``pending`` document
    (no số đến yet) that waits for the recipient unit's văn thư to register it
    (``incoming_register_pending``). ``origin_type``/``origin_id``/``origin_label``
    link back to the original (e.g. ``"outgoing.outgoingdocument"``, its pk,
    and "45/UBND-VP"). ``files`` are stored files (``congvu.files.StoredFile``)
    or uploads, attached once the files app is installed. ``actor`` is the
    issuing clerk, recorded in the audit trail (None for the system).
    """
    secrecy = _validate_common(
        number_notation=number_notation,
        subject=subject,
        document_date=document_date,
        urgency=urgency,
        secrecy=secrecy,
    )
    document = IncomingDocument(
        unit=recipient_unit,
        arrival_date=timezone.localdate(),
        source=Source.INTERNAL,
        issuer_unit=outgoing_unit,
        issuer_name=outgoing_unit.name,
        number_notation=number_notation.strip(),
        document_date=document_date,
        document_type=document_type,
        subject=subject.strip(),
        signer_name=(signer_name or "").strip(),
        urgency=int(urgency),
        secrecy=secrecy,
        page_count=page_count,
        status=Status.PENDING,
        origin_type=origin_type,
        origin_id=str(origin_id or ""),
        origin_label=origin_label or number_notation,
        created_by=user_of(actor) if actor is not None else None,
    )
    document.search_text = search_text_for(document)
    document.save()
    attach_files(actor=actor, document=document, files=files)
    entry(document, actor, Action.RECEIVED, note=origin_label)
    audit(actor, "received", document, after=snapshot(document))
    notify_urgent(
        document,
        unit_people(recipient_unit.pk, {Role.CLERK}),
        reason=_("Có văn bản khẩn liên thông đến, cần vào sổ ngay."),
    )
    return document


@transaction.atomic
def incoming_register_pending(
    *, actor, document: IncomingDocument, confirm_duplicate: bool = False, note: str = ""
) -> IncomingDocument:
    """Vào sổ a document delivered internally: it gets its số đến now.

    The same duplicate check as ``incoming_register`` runs first (the edXML
    package of this very document may already be vào sổ): refused with
    ``duplicate_suspected`` unless ``confirm_duplicate``, before any number
    is taken, so a refusal leaves no gap in the register.
    """
    a = actor_of(actor)
    document = lock(document)
    require(
        is_clerk(a, document.unit_id),
        _("Chỉ văn thư của đơn vị nhận mới được vào sổ văn bản đến."),
        code="not_clerk",
    )
    require_status(
        document, {Status.PENDING}, _("Văn bản đang ở trạng thái %(status)s, không vào sổ được.")
    )
    if not confirm_duplicate:
        refuse_duplicates(
            a,
            unit=document.unit,
            number_notation=document.number_notation,
            document_date=document.document_date,
            issuer_unit=document.issuer_unit,
            issuer_external=document.issuer_external,
            issuer_name=document.issuer_name,
            exclude_pk=document.pk,
        )
    before = before_of(document)
    now = timezone.now()
    _assign_number(a, document, now)
    document.status = Status.REGISTERED
    document.save(
        update_fields=["register", "arrival_number", "registered_at", "status", "updated_at"]
    )
    entry(document, a, Action.REGISTERED, note=(note or "").strip())
    publish("incoming.registered", {"document_id": document.pk}, key=document)
    audit(a, "registered", document, before)
    _notify_leaders(document)
    return document


@transaction.atomic
def incoming_mark_recalled(*, actor, incoming_id: int, reason: str) -> IncomingDocument | None:
    """The sender recalled the original (thu hồi, Art. 18(4)): cancel the internal copy.

    Called by ``congvu.outgoing`` (which checks the sender's rights) for a
    document it delivered with ``incoming_receive_internal``, and by
    ``congvu.exchange`` for an edXML one whose sender's revoke package arrived
    (checked there against the original's signer). Open assignments close; the document
    stays readable with its reason.
    """
    from ..constants import AssignmentStatus

    document = IncomingDocument.objects.filter(pk=incoming_id).first()
    if document is None or document.status == Status.RECALLED:
        return document
    if document.source not in (Source.INTERNAL, Source.EDXML):
        raise ServiceError(
            _("Chỉ văn bản liên thông nội bộ mới bị thu hồi theo cách này."),
            code="not_internal",
        )
    document = lock(document)
    before = before_of(document)
    document.status = Status.RECALLED
    document.recall_reason = (reason or "").strip()
    document.recalled_at = timezone.now()
    document.save(update_fields=["status", "recall_reason", "recalled_at", "updated_at"])
    document.assignments.filter(status=AssignmentStatus.OPEN).update(
        status=AssignmentStatus.DONE, updated_at=timezone.now()
    )
    entry(document, actor, Action.RECALLED, note=document.recall_reason)
    audit(actor, "recalled", document, before)
    return document
