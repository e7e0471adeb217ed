"""Receiving packages: store the raw bytes first, then read them; then the văn thư registers.

``package_receive`` runs in two transactions. The first writes the blob and
the row (state ``received``) and commits, so the bytes are kept whatever
happens next; the second parses and verifies and records the outcome
(``accepted``, ``refused`` with its code, ``duplicate``, or ``recorded`` for a
status message). Called inside an outer transaction (tests, a batch), both
run in it.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError, TransitionNotAllowed
from congvu.core.text import fold
from congvu.core.transactions import on_rollback
from congvu.org.models import Unit

from ..channels import get_channel
from ..constants import PackageState, SignatureState
from ..edxml import EdXMLError, EdXMLMessage, StatusMessage, parse, verify
from ..edxml.codes import BUSINESS_DOC_TYPES, PRIORITIES, status_meaning
from ..edxml.signing import chain_certificates, chain_trusted
from ..handlers import (
    PACKAGE_ACCEPTED,
    PACKAGE_RETURNED,
    PACKAGE_REVOKED,
    PACKAGE_UPDATED,
    publish_package,
)
from ..models import ReceivedPackage
from .business import (
    registration_source,
    replaced_package,
    replacement_mark,
    revoke_apply,
    update_apply,
)
from .common import audit, require_signature, require_trusted, trust_anchors
from .statuses import delivery_status_record

logger = logging.getLogger(__name__)

ROOT = "exchange"


def _storage_name() -> str:
    now = timezone.localtime()
    return f"{ROOT}/{now:%Y/%m}/{uuid.uuid4().hex}.xml"


@transaction.atomic
def _store(raw: bytes, sha256: str, source: str, actor) -> tuple[ReceivedPackage, bool]:
    name = default_storage.save(_storage_name(), ContentFile(raw))
    on_rollback(lambda: default_storage.delete(name))
    try:
        with transaction.atomic():
            package = ReceivedPackage.objects.create(
                storage_name=name, size=len(raw), sha256=sha256, source=source
            )
    except IntegrityError:
        # The same bytes were received meanwhile: keep that one, drop this blob.
        default_storage.delete(name)
        return ReceivedPackage.objects.get(sha256=sha256), False
    audit(actor, "package", "received", package, after=snapshot(package))
    return package, True


def package_bytes(package: ReceivedPackage) -> bytes:
    """The raw bytes of ``package``, checked against the SHA-256 recorded at reception."""
    with default_storage.open(package.storage_name, "rb") as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != package.sha256:
        raise ServiceError(
            _("Nội dung gói tin đã lưu không khớp mã băm: dữ liệu lưu trữ đã bị hỏng."),
            code="checksum_mismatch",
        )
    return data


def package_receive(*, raw: bytes, source: str, actor=None) -> ReceivedPackage:
    """Keep a package that arrived through channel ``source``, then read it.

    Idempotent: the same bytes received twice give the same row. Never raises
    for what the package contains: a package that cannot be read is kept with
    state ``refused`` and its ``refusal_code``/``refusal_reason``.
    """
    if not isinstance(raw, bytes | bytearray) or not raw:
        raise ServiceError(_("Gói tin rỗng."), code="package_empty", field="package")
    if get_channel(source) is None:
        raise ServiceError(_("Kênh nhận không hợp lệ."), code="invalid_source", field="source")
    raw = bytes(raw)
    sha256 = hashlib.sha256(raw).hexdigest()
    existing = ReceivedPackage.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    package, created = _store(raw, sha256, source, actor)
    if not created:
        return package
    return _read(package.pk, raw, actor)


def _signature_state(raw: bytes):
    """(state, subject) of the package's signature; raises EdXMLError when refused."""
    info = verify(raw)
    if info is None:
        if require_signature():
            from ..edxml.errors import signature_missing

            raise signature_missing()
        return SignatureState.UNSIGNED, ""
    certs = chain_certificates(raw)
    trusted = chain_trusted(certs[0], trust_anchors(), intermediates=certs[1:])
    if trusted is None:
        state = SignatureState.UNCHECKED
    else:
        state = SignatureState.TRUSTED if trusted else SignatureState.UNTRUSTED
    if require_trusted() and state != SignatureState.TRUSTED:
        from ..edxml.errors import signature_untrusted

        raise signature_untrusted()
    return state, info.subject


def _unit_for(codes: list[str]):
    for code in codes:
        unit = Unit.objects.filter(code=code, valid_to__isnull=True).first()
        if unit is not None:
            return unit
    return None


def _document_summary(m: EdXMLMessage) -> dict:
    return {
        "code": m.code.text,
        "number": m.code.number,
        "notation": m.code.notation,
        "subject": m.subject,
        "promulgation_date": m.promulgation_date.isoformat() if m.promulgation_date else "",
        "promulgation_place": m.promulgation_place,
        "document_type": m.document_type.type_name,
        "signer": m.signer.full_name,
        "signer_position": m.signer.position,
        "competence": m.signer.competence,
        "priority": m.other_info.priority,
        "priority_label": str(PRIORITIES.get(m.other_info.priority, "")),
        "page_amount": m.other_info.page_amount,
        "due_date": m.due_date.isoformat() if m.due_date else "",
        "to_places": m.to_places,
        "business": m.business.doc_type if m.business else 0,
        "business_label": str(BUSINESS_DOC_TYPES[m.business.doc_type if m.business else 0]),
        "business_reason": m.business.reason if m.business else "",
        "attachments": [
            {"name": a.name, "content_type": a.content_type, "size": len(a.data)}
            for a in m.attachments
        ],
    }


def _status_summary(s: StatusMessage) -> dict:
    rf = s.response_for
    return {
        "status_code": s.status_code,
        "status_label": status_meaning(s.status_code),
        "description": s.description,
        "timestamp": s.timestamp.isoformat() if s.timestamp else "",
        "response_for": {
            "organ_id": rf.organ_id,
            "code": rf.code,
            "promulgation_date": rf.promulgation_date.isoformat() if rf.promulgation_date else "",
            "document_id": rf.document_id,
        },
    }


@transaction.atomic
def _read(pk: int, raw: bytes, actor) -> ReceivedPackage:
    package = ReceivedPackage.objects.select_for_update().get(pk=pk)
    before = snapshot(package)
    try:
        message = parse(raw)
        signature, subject = _signature_state(raw)
    except EdXMLError as exc:
        package.state = PackageState.REFUSED
        package.refusal_code = exc.code
        package.refusal_reason = exc.message
        if exc.code == "edxml_signature_invalid":
            package.signature_state = SignatureState.INVALID
        package.save()
        audit(actor, "package", "refused", package, before=before, after=snapshot(package))
        return package
    package.kind = message.kind
    package.sender_code = message.from_.organ_id
    package.sender_name = message.from_.organ_name
    package.message_id = message.message_id[:120]
    package.signature_state = signature
    package.signer_subject = subject[:255]
    if isinstance(message, StatusMessage):
        package.recipient_codes = [message.response_for.organ_id]
        package.summary = _status_summary(message)
        package.unit = _unit_for(package.recipient_codes)
        package.state = PackageState.RECORDED
    else:
        package.recipient_codes = [t.organ_id for t in message.to]
        package.summary = _document_summary(message)
        package.unit = _unit_for(package.recipient_codes)
        original = None
        if package.message_id:
            original = (
                ReceivedPackage.objects.filter(
                    sender_code=package.sender_code,
                    message_id=package.message_id,
                    duplicate_of__isnull=True,
                )
                .exclude(pk=package.pk)
                .first()
            )
        if original is not None:
            package.state = PackageState.DUPLICATE
            package.duplicate_of = original
        else:
            package.state = PackageState.ACCEPTED
        package.replaces = replaced_package(package, message)
    package.save()
    if isinstance(message, StatusMessage):
        delivery_status_record(package=package, status=message, actor=actor)
    elif (code := revoke_apply(package=package, message=message, actor=actor)) is not None:
        publish_package(PACKAGE_REVOKED, package, status_code=code)  # 15/16 back
    elif (code := update_apply(package=package, message=message, actor=actor)) is not None:
        publish_package(PACKAGE_UPDATED, package, status_code=code)  # 15/16 back
    elif package.state == PackageState.ACCEPTED:
        replacement_mark(package=package, actor=actor)
        publish_package(PACKAGE_ACCEPTED, package)  # status 01 back to the sender
    audit(
        actor,
        "package",
        package.state,
        package,
        before=before,
        after=snapshot(package),
        unit=package.unit,
    )
    return package


# --- From package to văn bản đến ------------------------------------------------------------


@dataclass
class IncomingDraft:
    """What the văn thư sees before registering: the arguments of ``incoming_register``."""

    unit: object
    number_notation: str
    document_date: datetime.date
    document_type: object
    subject: str
    issuer_name: str
    issuer_code: str
    signer_name: str
    urgency: int
    page_count: int | None
    deadline: datetime.date | None
    files: list = field(default_factory=list)
    #: Attachments the files app does not accept (type, size): kept in the raw package only.
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _document_type_for(message: EdXMLMessage):
    from congvu.registry.models import DocumentType

    types = list(DocumentType.objects.filter(active=True))
    abbreviation = (message.code.notation or "").split("-")[0].strip()
    for t in types:
        if t.abbreviation and t.abbreviation == abbreviation:
            return t
    name = fold(message.document_type.type_name or "")
    for t in types:
        if name and fold(t.name) == name:
            return t
    return next((t for t in types if t.code == "cong-van"), types[0] if types else None)


def _attachments_as_uploads(message: EdXMLMessage):
    from congvu.files.validation import file_validate

    uploads, skipped = [], []
    for att in message.attachments:
        upload = ContentFile(att.data, name=att.name)
        try:
            file_validate(upload)
        except ServiceError as exc:
            skipped.append((att.name, exc.message))
            continue
        upload.seek(0)
        uploads.append(upload)
    return uploads, skipped


def _require_state(package: ReceivedPackage, states) -> None:
    if package.state not in states:
        raise TransitionNotAllowed(
            _("Gói tin đang ở trạng thái “%(state)s”, không thực hiện được.")
            % {"state": package.get_state_display()}
        )


def package_to_incoming(*, actor, package: ReceivedPackage) -> IncomingDraft:
    """The incoming document a received package becomes, for the văn thư to check and register."""
    package = ReceivedPackage.objects.restrict(actor, "view").get(pk=package.pk)
    _require_state(package, {PackageState.ACCEPTED})
    source = registration_source(package)
    message = parse(package_bytes(source))
    if source != package and not message.attachments:
        # An update of the header only: the files are the original's.
        message.attachments = parse(package_bytes(package)).attachments
    uploads, skipped = _attachments_as_uploads(message)
    return IncomingDraft(
        unit=package.unit,
        number_notation=message.code.text,
        document_date=message.promulgation_date,
        document_type=_document_type_for(message),
        subject=message.subject,
        issuer_name=message.from_.organ_name or message.from_.organ_id,
        issuer_code=message.from_.organ_id,
        signer_name=message.signer.full_name,
        # Priority 4 (hỏa tốc hẹn giờ) is still hỏa tốc for the register.
        urgency=min(max(message.other_info.priority, 0), 3),
        page_count=message.other_info.page_amount,
        deadline=message.due_date,
        files=uploads,
        skipped=skipped,
    )


@transaction.atomic
def package_register(
    *,
    actor,
    package: ReceivedPackage,
    document_type=None,
    subject: str | None = None,
    confirm_duplicate: bool = False,
):
    """Vào sổ a received package as văn bản đến (source edXML); the package links to it."""
    from congvu.incoming.constants import Source
    from congvu.incoming.services import external_org_create, incoming_register

    draft = package_to_incoming(actor=actor, package=package)
    package = ReceivedPackage.objects.select_for_update().get(pk=package.pk)
    _require_state(package, {PackageState.ACCEPTED})
    if draft.unit is None:
        raise ServiceError(
            _("Không xác định được đơn vị nhận của gói tin (mã nơi nhận không khớp đơn vị nào)."),
            code="no_recipient_unit",
        )
    before = snapshot(package)
    issuer = external_org_create(actor=actor, name=draft.issuer_name, code=draft.issuer_code)
    document = incoming_register(
        actor=actor,
        unit=draft.unit,
        number_notation=draft.number_notation,
        document_date=draft.document_date,
        document_type=document_type or draft.document_type,
        subject=subject or draft.subject,
        issuer_external=issuer,
        signer_name=draft.signer_name,
        urgency=draft.urgency,
        page_count=draft.page_count,
        deadline=draft.deadline,
        source=Source.EDXML,
        confirm_duplicate=confirm_duplicate,
        files=draft.files,
    )
    package.state = PackageState.REGISTERED
    package.incoming_document = document
    package.handled_by = as_actor(actor).user
    package.handled_at = timezone.now()
    package.save()
    audit(actor, "package", "registered", package, before=before, after=snapshot(package))
    return document


@transaction.atomic
def package_return(*, actor, package: ReceivedPackage, reason: str) -> ReceivedPackage:
    """Trả lại nơi gửi (Art. 21(2)(b)): the văn thư refuses a package; status 02 goes back."""
    package = (
        ReceivedPackage.objects.restrict(actor, "change").select_for_update().get(pk=package.pk)
    )
    _require_state(package, {PackageState.ACCEPTED})
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Phải nhập lý do trả lại."), code="required", field="reason")
    before = snapshot(package)
    package.state = PackageState.RETURNED
    package.refusal_reason = reason
    package.handled_by = as_actor(actor).user
    package.handled_at = timezone.now()
    package.save()
    publish_package(PACKAGE_RETURNED, package)  # status 02 back to the sender
    audit(actor, "package", "returned", package, before=before, after=snapshot(package))
    return package
