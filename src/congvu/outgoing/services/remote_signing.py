"""Issuance with a remote signer (ký số từ xa): numbered now, issued when the signer approves.

``document_issue`` hands over here when the signer's key is with a
remote-signing service. The văn thư's step numbers the document (the number
and date are printed, so they come first), renders it, sends the digest to the
service and leaves the document in ``SIGNING`` ("Chờ ký số"), the number bound
to it in the register. If the service cannot be reached the whole step rolls
back: no number is taken.

:func:`document_signing_poll` (the page, through HTMX, and the periodic
``remote-signatures`` job) asks the service: on approval the signature is
embedded, the agency signs, and the document is issued and delivered exactly
as a locally signed one (``complete_issuance``); polling again does nothing.
On a refusal or an expiry the document keeps its number (never skipped, never
given again) and the văn thư either sends the request again
(:func:`document_signing_retry`) or voids the number with a reason
(:func:`document_signing_void`, through the registry's ``number_release``), the
document going back to APPROVED. Every step is audited.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError, TransitionNotAllowed
from congvu.signatures import remote
from congvu.signatures.models import RemoteRequestStatus, RemoteSigningRequest
from congvu.signatures.remote_pades import Prepared, SignatureMismatch

from ..constants import REMOTE_OBJECT_TYPE, Status
from ..models import OutgoingDocument
from ..signing import get_signer, remote_finish, remote_prepare
from .common import audit, deny, is_clerk, lock, refresh_search_text, require_state
from .issuance import NUMBER_FIELDS, complete_issuance, render_pdf

logger = logging.getLogger(__name__)

OBJECT_TYPE = REMOTE_OBJECT_TYPE
#: Signed with the signer's remote key and the agency's local key.
SIGNED_WITH = "pades:remote"
#: How long past the service's own deadline a request may still say "pending".
EXPIRY_GRACE = datetime.timedelta(minutes=10)


def requests_of(document: OutgoingDocument):
    return RemoteSigningRequest.objects.filter(object_type=OBJECT_TYPE, object_id=str(document.pk))


def latest_request(document: OutgoingDocument) -> RemoteSigningRequest | None:
    return requests_of(document).select_related("signing_key").order_by("-pk").first()


def _send(actor, document: OutgoingDocument, signing_key) -> RemoteSigningRequest:
    """Render, prepare the signer's field and send the digest; the request row keeps the rest."""
    pdf = render_pdf(document)
    try:
        prepared = remote_prepare(document, pdf, signing_key)
    except Exception as exc:
        raise ServiceError(
            _("Ký số không thành công, văn bản chưa được phát hành: %(error)s") % {"error": exc},
            code="signing_failed",
        ) from exc
    provider = remote.get_provider(signing_key.remote_provider)
    started = provider.start(
        account=signing_key.remote_account,
        digest=prepared.to_be_signed,
        description=_description(document),
    )
    return RemoteSigningRequest.objects.create(
        signing_key=signing_key,
        provider=signing_key.remote_provider,
        transaction_id=started.transaction_id,
        object_type=OBJECT_TYPE,
        object_id=str(document.pk),
        prepared_pdf=prepared.pdf,
        document_digest=prepared.document_digest,
        reserved_start=prepared.reserved_start,
        reserved_end=prepared.reserved_end,
        signed_attrs=prepared.signed_attrs,
        requested_by=actor.user,
        expires_at=started.expires_at,
    )


def _description(document: OutgoingDocument) -> str:
    """What the holder reads on the phone; a Mật document's subject does not leave congvu."""
    if document.secrecy:
        return document.number_notation
    return f"{document.number_notation} – {document.subject}"[:255]


def _request_facts(request: RemoteSigningRequest) -> dict:
    return {
        "provider": request.provider,
        "transaction": request.transaction_id,
        "request_status": request.status,
        "reason": request.reason,
    }


def remote_signing_start(actor, document: OutgoingDocument, signing_key, *, before: dict):
    """The văn thư's step for a remote signer, inside ``document_issue``'s transaction."""
    request = _send(actor, document, signing_key)
    document.status = Status.SIGNING
    refresh_search_text(document)
    document.save(update_fields=NUMBER_FIELDS)
    audit(
        actor,
        "document.signing_requested",
        document,
        before=before,
        after={**snapshot(document), **_request_facts(request)},
    )
    return document


def _require_clerk(actor, document: OutgoingDocument) -> None:
    if not is_clerk(actor, document.unit_id):
        deny(_("Chỉ văn thư của cơ quan ban hành được phát hành văn bản."))
    if actor.clearance < document.secrecy:
        deny(_("Bạn không được giao xử lý văn bản Mật."))


def _require_answered(document: OutgoingDocument) -> RemoteSigningRequest | None:
    require_state(document, Status.SIGNING)
    request = latest_request(document)
    if request is not None and request.status == RemoteRequestStatus.PENDING:
        raise TransitionNotAllowed(
            _("Yêu cầu ký đang chờ người ký xác nhận; chờ trả lời hoặc hết hạn rồi mới làm tiếp."),
            code="remote_pending",
        )
    return request


def _close(actor, document, request, state: str, reason: str, verb: str) -> None:
    before = _request_facts(request)
    request.status = state
    request.reason = reason[:255]
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "reason", "decided_at"])
    audit(actor, verb, document, before=before, after=_request_facts(request))


@transaction.atomic
def document_signing_poll(*, document: OutgoingDocument) -> OutgoingDocument:
    """Ask the service about the pending request; issue on approval. Safe to call any number of times.

    Acts as the văn thư who started the issuance (it is the end of their step).
    An unreachable service changes nothing (``remote_unreachable`` is raised for
    the caller to show or log).
    """
    document = lock(document)
    if document.status != Status.SIGNING:
        return document  # issued (or voided) already: a second poll does nothing
    request = latest_request(document)
    if request is None or request.status != RemoteRequestStatus.PENDING:
        return document
    actor = as_actor(document.issued_by)
    outcome = remote.get_provider(request.provider).status(request.transaction_id)
    if outcome.state == remote.PENDING:
        if request.expires_at and timezone.now() > request.expires_at + EXPIRY_GRACE:
            # The service should have expired it: do not wait on it for ever.
            outcome = remote.Outcome(remote.EXPIRED)
        else:
            return document
    if outcome.state == remote.REFUSED:
        _close(
            actor,
            document,
            request,
            RemoteRequestStatus.REFUSED,
            outcome.reason or _("Người ký từ chối ký."),
            "document.signing_refused",
        )
        return document
    if outcome.state == remote.EXPIRED:
        _close(
            actor,
            document,
            request,
            RemoteRequestStatus.EXPIRED,
            _("Người ký không xác nhận trong thời gian chờ."),
            "document.signing_expired",
        )
        return document
    return _issue_approved(actor, document, request, outcome)


def _issue_approved(actor, document, request, outcome) -> OutgoingDocument:
    prepared = Prepared(
        pdf=bytes(request.prepared_pdf),
        document_digest=bytes(request.document_digest),
        reserved_start=request.reserved_start,
        reserved_end=request.reserved_end,
        signed_attrs=bytes(request.signed_attrs),
    )
    person = request.signing_key
    try:
        signed = remote_finish(
            document, prepared, person, signature=outcome.signature, chain=outcome.certificates
        )
    except SignatureMismatch:
        # Not the registered key's signature: never embedded; the văn thư retries or voids.
        _close(
            actor,
            document,
            request,
            RemoteRequestStatus.REFUSED,
            _("Chữ ký trả về không khớp chứng thư số đã đăng ký."),
            "document.signing_refused",
        )
        return document
    before = {**snapshot(document), **_request_facts(request)}
    request.status = RemoteRequestStatus.COMPLETED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    return complete_issuance(actor, document, signed, signed_with=SIGNED_WITH, before=before)


@transaction.atomic
def document_signing_retry(*, actor, document: OutgoingDocument) -> OutgoingDocument:
    """Gửi lại yêu cầu ký: same number and date, a new request to the signer's phone."""
    actor = as_actor(actor)
    document = lock(document)
    _require_clerk(actor, document)
    previous = _require_answered(document)
    signer = get_signer()
    signing_key = signer.remote_key(document)
    if signing_key is None:
        raise ServiceError(
            _("Người ký không còn khóa ký số từ xa; hủy số rồi cấp số lại để ký bằng khóa khác."),
            code="remote_key_missing",
        )
    request = _send(actor, document, signing_key)
    audit(
        actor,
        "document.signing_retried",
        document,
        before=_request_facts(previous) if previous else None,
        after=_request_facts(request),
    )
    return document


def _void_reason(reason: str, document: OutgoingDocument) -> str:
    from django.utils import translation

    with translation.override("vi"):
        return _("%(reason)s (hủy số của văn bản chưa ký xong: “%(subject)s”)") % {
            "reason": reason,
            "subject": document.subject[:80],
        }


@transaction.atomic
def document_signing_void(*, actor, document: OutgoingDocument, reason: str) -> OutgoingDocument:
    """Hủy số: the number is voided in the register with the reason; the document is approved again."""
    from congvu.registry.services import number_release

    actor = as_actor(actor)
    document = lock(document)
    _require_clerk(actor, document)
    _require_answered(document)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Phải ghi lý do hủy số."), code="required", field="reason")
    before = snapshot(document)
    issued = number_release(
        actor=actor,
        issued=document.issued_number,
        carrier=document,
        # The register keeps which document it was, once the number no longer points at it;
        # in the register's language whatever the văn thư's, without internal ids.
        reason=_void_reason(reason, document),
        # Locked above and checked by _require_answered; asked again under the number's lock.
        carrier_unissued=lambda: (
            document.status == Status.SIGNING and document.issued_file_id is None
        ),
    )
    for name in ("register", "issued_number", "issued_at", "issued_by"):
        setattr(document, name, None)
    document.number = None
    document.number_notation = ""
    document.status = Status.APPROVED
    refresh_search_text(document)
    document.save(update_fields=NUMBER_FIELDS)
    audit(
        actor,
        "document.number_voided",
        document,
        before=before,
        after={**snapshot(document), "voided_number": issued.number, "reason": reason},
    )
    return document


def pending_documents():
    """Documents waiting for a remote signature (the periodic job's work list)."""
    return OutgoingDocument.objects.filter(status=Status.SIGNING).order_by("pk")


def remote_signatures_poll(*, limit: int = 200) -> int:
    """The ``remote-signatures`` job: poll every waiting document; returns how many were issued."""
    issued = 0
    for document in pending_documents()[:limit]:
        try:
            if document_signing_poll(document=document).status == Status.ISSUED:
                issued += 1
        except ServiceError as exc:
            # One unreachable service or broken document must not stop the others.
            logger.warning("remote signature poll of document %s: %s", document.pk, exc.code)
    return issued
