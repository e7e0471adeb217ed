"""Attachments in separate files (văn bản kèm theo) get the agency's signature at issuance.

Appendix I of Decree 30/2020: a document sent with the main one in a
separate file carries the issuing agency's digital signature at the top right
of its first page, without an image, with the main document's số, ký hiệu
and the signing time. The drafter's PDF attachments of an outgoing document
(``StoredFile`` purpose ``attachment``) are signed in the issuance
transaction and kept as new files (purpose ``issued-attachment``); the
unsigned originals stay as they were uploaded.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from congvu.core.errors import ServiceError

#: What the drafter attached, and the agency-signed copy made at issuance.
ATTACHMENT_PURPOSE = "attachment"
SIGNED_ATTACHMENT_PURPOSE = "issued-attachment"
PDF = "application/pdf"


def attachments_sign(*, actor, document) -> list:
    """Sign every PDF attachment of ``document`` with its agency's key; returns the signed files.

    Only for documents the ``pades`` signer signed (``document.signed_with``);
    call it inside the issuance transaction, after the main PDF is signed, so a
    failure issues nothing.
    """
    if getattr(document, "signed_with", "") != "pades":
        return []
    from congvu.files.selectors import files_of
    from congvu.files.services import file_open_verified, file_store
    from congvu.org.places import place_name

    from .key_audit import signature_log
    from .models import KeyKind
    from .pades import AGENCY_FIELD, key_material, sign_attachment
    from .services import active_key

    originals = list(files_of(document, ATTACHMENT_PURPOSE).filter(content_type=PDF))
    if not originals:
        return []
    key = active_key(kind=KeyKind.AGENCY, unit=document.unit)
    if key is None:
        raise ServiceError(
            _(
                "Cơ quan ban hành chưa có chứng thư số còn hiệu lực; "
                "quản trị đơn vị cần đăng ký khóa ký số của cơ quan."
            ),
            code="agency_key_missing",
            field="unit",
        )
    material = key_material(key)
    signed_files = []
    for original in originals:
        with file_open_verified(original) as handle:
            data = handle.read()
        try:
            signed = sign_attachment(
                data,
                agency=material,
                agency_name=document.unit.name,
                notation=document.number_notation,
                location=place_name(document.unit),
                when=document.issued_at,
                tsa_url=getattr(settings, "CONGVU_SIGNING_TSA_URL", ""),
            )
        except Exception as exc:
            raise ServiceError(
                _("Ký số tệp đính kèm %(name)s không thành công: %(error)s")
                % {"name": original.original_name, "error": exc},
                code="signing_failed",
                field="files",
            ) from exc
        stored = file_store(
            actor=actor,
            upload=ContentFile(signed, name=original.original_name),
            owner=document,
            purpose=SIGNED_ATTACHMENT_PURPOSE,
            version=original.version,
        )
        signature_log(
            actor=actor,
            signing_key=key,
            document=document,
            field=AGENCY_FIELD,
            sha256=stored.sha256,
        )
        signed_files.append(stored)
    return signed_files


def signed_attachments(document) -> list:
    """The agency-signed attachments of an issued document, in upload order."""
    from congvu.files.selectors import files_of

    return list(files_of(document, SIGNED_ATTACHMENT_PURPOSE))
