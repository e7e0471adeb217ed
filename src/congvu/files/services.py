"""Storing files: validate, hash, save to the default storage, record, audit; text later.

Everything that can refuse an upload runs before the blob is written. The
blob is written under a generated name (``files/YYYY/MM/<uuid>.<ext>``); if
the transaction that records it rolls back (in this service or in the
caller's), the blob is deleted, so storage never keeps files without a row.
The text for search is extracted after that transaction commits
(:func:`file_text_extract`, run by ``tasks.py``), never inside it.
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import logging
import re
import tempfile
import uuid
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import log_action, snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError
from congvu.core.faults import checkpoint
from congvu.core.transactions import on_rollback

from .extract import TEXT_KINDS, extract_path
from .models import SignatureStatus, StoredFile, TextStatus
from .policies import remember_owner_type
from .validation import CONTENT_TYPES, DetectedFile, file_validate

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
_PURPOSE = re.compile(r"^[a-z][a-z0-9_-]{0,29}$")

__all__ = [
    "DetectedFile",
    "file_open_verified",
    "file_store",
    "file_text_extract",
    "file_validate",
    "owner_label",
    "text_extracted",
]

#: Sent with ``stored`` (a ``StoredFile``) when its text has been extracted and saved;
#: ``congvu.search`` reindexes the owner's document.
text_extracted = Signal()


def owner_label(owner: models.Model | type[models.Model]) -> str:
    """The ``owner_type`` of a model instance or class, e.g. ``incoming.incomingdocument``."""
    return owner._meta.label_lower


def _delete_blob_on_rollback(storage, name: str) -> None:
    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:  # the periodic orphan sweep will retry
            logger.warning("Could not delete the orphan blob %s", name, exc_info=True)

    on_rollback(delete)


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    if hasattr(upload, "chunks"):
        for chunk in upload.chunks(CHUNK_SIZE):
            digest.update(chunk)
    else:
        while chunk := upload.read(CHUNK_SIZE):
            digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


class StorageFull(ServiceError):
    """The storage refused the write: disk full, quota or file-size limit reached."""

    code = "storage_full"
    status = 507


# A write refused for lack of space (ENOSPC), quota (EDQUOT) or a size limit (EFBIG).
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _save_blob(storage, name: str, upload) -> str:
    """Save ``upload`` as ``name``; a write that fails leaves no partial blob behind."""
    try:
        return storage.save(name, upload)
    except OSError as exc:
        # FileSystemStorage keeps what it had written when a write fails half way.
        try:
            storage.delete(name)
        except Exception:  # the periodic orphan sweep will retry
            logger.warning("Could not delete the partial blob %s", name, exc_info=True)
        if exc.errno not in _NO_SPACE:
            raise
        logger.error("Storage full while writing %s: %s", name, exc)
        raise StorageFull(
            _(
                "Kho lưu trữ tệp đã đầy, tệp chưa được lưu. Vui lòng thử lại sau "
                "hoặc báo quản trị hệ thống."
            ),
            field="file",
        ) from exc


def _storage_name(extension: str) -> str:
    now = timezone.localtime()
    return f"files/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"


@transaction.atomic
def file_store(
    *,
    actor,
    upload,
    owner: models.Model,
    purpose: str = "attachment",
    version: int = 1,
) -> StoredFile:
    """Validate ``upload`` and store it as a file of ``owner`` (tệp đính kèm).

    Call it inside the transaction that creates or changes the owner. Raises
    ``ServiceError`` (field ``file``) before anything is written when the
    upload is refused; see :func:`file_validate` for the codes.
    """
    if owner is None or owner.pk is None:
        raise ServiceError(_("Chưa có đối tượng để đính kèm tệp."), code="owner_required")
    if not isinstance(purpose, str) or not _PURPOSE.match(purpose):
        raise ServiceError(
            _("Mục đích của tệp không hợp lệ."), code="invalid_purpose", field="purpose"
        )
    if not isinstance(version, int) or version < 1:
        raise ServiceError(_("Số phiên bản không hợp lệ."), code="invalid_version", field="version")
    detected = file_validate(upload)
    sha256 = _sha256(upload)
    name = _save_blob(default_storage, _storage_name(detected.extension), upload)
    # From here on the blob exists: it must go if this transaction does not commit.
    _delete_blob_on_rollback(default_storage, name)
    user = as_actor(actor).user
    stored = StoredFile.objects.create(
        owner_type=owner_label(owner),
        owner_id=str(owner.pk),
        purpose=purpose,
        version=version,
        original_name=detected.name,
        content_type=detected.content_type,
        size=detected.size,
        sha256=sha256,
        storage_name=name,
        text="",
        text_status=TextStatus.PENDING,
        signature_status=(
            SignatureStatus.PENDING
            if detected.content_type == "application/pdf"
            else SignatureStatus.NOT_PDF
        ),
        secrecy=int(getattr(owner, "secrecy", 0) or 0),
        uploaded_by=user,
    )
    remember_owner_type(stored.owner_type)
    log_action(
        actor=actor,
        action="congvu.files.storedfile.create",
        obj=stored,
        after=snapshot(
            stored,
            fields=[
                f.name
                for f in StoredFile._meta.concrete_fields
                if f.name not in ("text", "signature_reports")
            ],
        ),
        unit=getattr(owner, "unit", None),
        confidentiality=stored.secrecy,
    )
    checkpoint("files.store.after_blob")  # blob written, row not yet committed
    from .tasks import check_signatures_after_commit, extract_text_after_commit

    extract_text_after_commit(stored.pk)
    if stored.signature_status == SignatureStatus.PENDING:
        check_signatures_after_commit(stored.pk)
    return stored


_KIND_OF_CONTENT_TYPE = {content_type: kind for kind, content_type in CONTENT_TYPES.items()}


def _finish_extraction(stored: StoredFile, text: str, status: str) -> bool:
    # Only a pending row: a second run of the same task (a retried Celery job) writes nothing.
    return bool(
        StoredFile.objects.filter(pk=stored.pk, text_status=TextStatus.PENDING).update(
            text=text, text_status=status
        )
    )


#: A pending text older than this was lost (its process stopped before it ran): read it again.
PENDING_GRACE = datetime.timedelta(minutes=15)


def pending_texts_extract(*, limit: int = 200) -> int:
    """Extract the texts still pending after ``PENDING_GRACE`` (periodic); returns how many."""
    before = timezone.now() - PENDING_GRACE
    ids = list(
        StoredFile.objects.filter(text_status=TextStatus.PENDING, uploaded_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(file_text_extract(pk) is not None for pk in ids)


def file_text_extract(file_id: int) -> str | None:
    """Extract and save the text of the pending file ``file_id``; returns its ``text_status``.

    Runs after the upload committed and outside any transaction: the slow part
    (a child process with a page, time, memory and output limit, see
    ``extract.py``) holds no database lock; the result is written in one short
    UPDATE and announced with ``text_extracted`` (search reindexes the owner).
    Not audited: the text is derived from the audited file, like the search index.
    None when the file is gone or was already done.
    """
    stored = StoredFile.objects.filter(pk=file_id, text_status=TextStatus.PENDING).first()
    if stored is None:
        return None
    kind = _KIND_OF_CONTENT_TYPE.get(stored.content_type, "")
    if kind not in TEXT_KINDS:  # images: nothing to read, no need to fetch the blob
        _finish_extraction(stored, "", TextStatus.NONE)
        return TextStatus.NONE
    with tempfile.TemporaryDirectory(prefix="congvu-text-") as tmp:
        path = Path(tmp) / f"file.{kind or 'bin'}"
        try:
            with file_open_verified(stored) as blob, open(path, "wb") as out:
                for chunk in blob.chunks():
                    out.write(chunk)
        except ServiceError:
            logger.warning("Text of stored file %s not extracted: blob unreadable", stored.pk)
            _finish_extraction(stored, "", TextStatus.FAILED)
            return TextStatus.FAILED
        result = extract_path(path, kind)
    if _finish_extraction(stored, result.text, result.status):
        stored.text, stored.text_status = result.text, result.status
        text_extracted.send(sender=StoredFile, stored=stored)
    return result.status


class ChecksumMismatch(ServiceError):
    """The stored blob no longer matches the SHA-256 recorded at upload."""

    code = "checksum_mismatch"
    status = 409


class BlobMissing(ServiceError):
    """The stored blob is not in the storage any more."""

    code = "file_missing"
    status = 404


class VerifiedFile:
    """A read-only file whose bytes were checked against the recorded SHA-256."""

    def __init__(self, fileobj, stored: StoredFile):
        self._file = fileobj
        self.stored = stored
        self.name = stored.original_name
        self.size = stored.size

    def read(self, *args):
        return self._file.read(*args)

    def seek(self, *args):
        return self._file.seek(*args)

    def tell(self):
        return self._file.tell()

    def seekable(self):
        return True

    def chunks(self, chunk_size: int = CHUNK_SIZE):
        self._file.seek(0)
        while chunk := self._file.read(chunk_size):
            yield chunk

    def __iter__(self):
        return self.chunks()

    def close(self):
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def file_open_verified(stored: StoredFile) -> VerifiedFile:
    """Open the blob of ``stored`` after checking its SHA-256 (code ``checksum_mismatch``).

    The whole blob is read once to hash it, then rewound, so what the caller
    streams is what was checked (the handle stays open between the two).
    """
    try:
        fh = default_storage.open(stored.storage_name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise BlobMissing(
            _("Không tìm thấy nội dung tệp trong kho lưu trữ."), field="file"
        ) from exc
    digest = hashlib.sha256()
    size = 0
    while chunk := fh.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    if digest.hexdigest() != stored.sha256 or size != stored.size:
        fh.close()
        logger.error("Checksum mismatch for stored file %s (%s)", stored.pk, stored.storage_name)
        raise ChecksumMismatch(
            _("Tệp đã bị thay đổi so với khi lưu (mã kiểm tra không khớp); không thể mở."),
            field="file",
        )
    fh.seek(0)
    return VerifiedFile(fh, stored)
