"""The digital signatures of a stored PDF, checked once and kept on the file.

Validating a signature (pyHanko, perhaps an OCSP request) takes too long to
do for every row of a register list. So a PDF is checked after the upload
commits (``tasks.py``, like the text extraction) and the outcome is written
to ``StoredFile.signature_status`` and ``signature_reports``; a page shows
what was stored and a user can ask for a new check (``file_signatures_recheck``),
e.g. once the sender's CA has been added to the trust anchors or when a
revocation answer is wanted again. Not audited: it is derived from the
audited file, like its text.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from congvu.core.errors import ServiceError

from .models import SignatureStatus, StoredFile

logger = logging.getLogger(__name__)

PDF = "application/pdf"

#: Worst first: a document with one broken and one valid file is shown broken.
SEVERITY = [
    SignatureStatus.BROKEN,
    SignatureStatus.REVOKED,
    SignatureStatus.UNTRUSTED,
    SignatureStatus.PENDING,
    SignatureStatus.VALID,
    SignatureStatus.UNSIGNED,
    SignatureStatus.NOT_PDF,
]

#: A page checks a still-pending PDF itself only up to this size (the job does the rest).
PAGE_CHECK_MAX_BYTES = 50 * 1024 * 1024
#: A pending check older than this was lost with its process: run it again (periodic).
PENDING_GRACE = datetime.timedelta(minutes=15)


def status_of(reports) -> str:
    """The file's status from its signature reports (``validation.SignatureReport``)."""
    if not reports:
        return SignatureStatus.UNSIGNED
    if any(not (r.intact and r.valid and r.unmodified) for r in reports):
        return SignatureStatus.BROKEN
    if any(r.revoked for r in reports):
        return SignatureStatus.REVOKED
    if any(not r.trusted for r in reports):
        return SignatureStatus.UNTRUSTED
    return SignatureStatus.VALID


def summary(statuses) -> str:
    """One status for several files (a document's attachments): the worst of them."""
    present = set(statuses)
    for status in SEVERITY:
        if status in present:
            return status if status != SignatureStatus.NOT_PDF else SignatureStatus.UNSIGNED
    return SignatureStatus.UNSIGNED


def _reports(stored: StoredFile) -> list:
    from congvu.signatures.validation import broken_report, validate_pdf

    from .services import file_open_verified

    try:
        with file_open_verified(stored) as handle:
            data = handle.read()
    except ServiceError as exc:  # the stored bytes changed since upload: broken, not unsigned
        return [broken_report("", str(exc))]
    return validate_pdf(data)


def file_signatures_check(file_id: int, *, only_pending: bool = True) -> str | None:
    """Check the signatures of file ``file_id`` and store the outcome; returns the status.

    None when the file is gone (or, with ``only_pending``, already checked:
    a retried job writes nothing).
    """
    qs = StoredFile.objects.filter(pk=file_id)
    if only_pending:
        qs = qs.filter(signature_status=SignatureStatus.PENDING)
    stored = qs.first()
    if stored is None:
        return None
    if stored.content_type != PDF:
        status, reports = SignatureStatus.NOT_PDF, []
    else:
        try:
            reports = _reports(stored)
        except Exception:  # a bug or a parser crash must not leave the file pending forever
            logger.exception("Signatures of stored file %s could not be checked", file_id)
            from congvu.signatures.validation import broken_report

            reports = [broken_report("", "không kiểm tra được")]
        status = status_of(reports)
    rows = StoredFile.objects.filter(pk=file_id)
    if only_pending:
        rows = rows.filter(signature_status=SignatureStatus.PENDING)
    rows.update(
        signature_status=status,
        signature_reports=[r.as_dict() for r in reports],
        signature_checked_at=timezone.now(),
    )
    return status


def file_signatures_recheck(*, actor, stored: StoredFile) -> str:
    """Kiểm tra lại chữ ký số: check ``stored`` again now (an actor who may see its owner)."""
    from django.http import Http404

    from .selectors import owner_visible

    if not owner_visible(actor=actor, owner_type=stored.owner_type, owner_id=stored.owner_id):
        raise Http404
    status = file_signatures_check(stored.pk, only_pending=False)
    stored.refresh_from_db(fields=["signature_status", "signature_reports", "signature_checked_at"])
    return status


def stored_reports(stored: StoredFile) -> list | None:
    """The signature reports kept on ``stored``; None for a file that is not a PDF.

    A file still pending (its check not run yet, or lost) is checked now, once,
    unless it is too large to keep a page waiting (None then, like "not a PDF").
    """
    from congvu.signatures.validation import SignatureReport

    if stored is None or stored.content_type != PDF:
        return None
    if stored.signature_status == SignatureStatus.PENDING:
        if stored.size > PAGE_CHECK_MAX_BYTES:
            return None
        file_signatures_check(stored.pk)
        stored.refresh_from_db(
            fields=["signature_status", "signature_reports", "signature_checked_at"]
        )
    return [SignatureReport.from_dict(entry) for entry in stored.signature_reports]


def pending_signatures_check(*, limit: int = 200) -> int:
    """Check the files still pending after ``PENDING_GRACE`` (periodic); returns how many."""
    before = timezone.now() - PENDING_GRACE
    ids = list(
        StoredFile.objects.filter(signature_status=SignatureStatus.PENDING, uploaded_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(file_signatures_check(pk) is not None for pk in ids)
