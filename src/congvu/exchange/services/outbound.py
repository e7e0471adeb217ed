"""What congvu sends: an issued văn bản đi as an edXML package, and status replies.

The bytes are returned, not sent: ``sending.py`` builds them once per
outbox message and hands them to the transport.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core.errors import ServiceError

from ..constants import PackageKind
from ..edxml import (
    Attachment,
    Business,
    Code,
    DocumentTypeInfo,
    EdXMLMessage,
    Organization,
    OtherInfo,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusMessage,
    TraceHeader,
    build,
    build_status,
    sign,
)
from ..edxml.codes import (
    BUSINESS_NEW,
    BUSINESS_REPLACE,
    BUSINESS_REVOKE,
    is_agency_code,
    is_status_code,
)
from ..models import OutsideAgency, ReceivedPackage
from .common import agency_code_of, agency_key, require_signature


def _split_notation(number_notation: str) -> Code:
    number, slash, notation = (number_notation or "").partition("/")
    if not slash:
        return Code(number="", notation=number_notation)
    return Code(number=number.strip(), notation=notation.strip())


def document_id_for(agency_code: str, year: int, number_notation: str) -> str:
    """Mã định danh văn bản as seen in ReplacementInfo (``000.00.01.H01,2018,10``).

    The exact format (QĐ 395/QĐ-BTTTT) is UNCONFIRMED: it lives in this one function.
    """
    return f"{agency_code},{year},{number_notation}"


def _signed(data: bytes, unit) -> bytes:
    material = agency_key(unit)
    if material is None:
        if require_signature():
            raise ServiceError(
                _("Đơn vị chưa có khóa ký số cơ quan (PKCS#12) để ký gói tin edXML."),
                code="no_agency_key",
            )
        return data
    key, certificate, chain = material
    return sign(data, key=key, certificate=certificate, chain=chain)


def _our_organization(unit) -> Organization:
    code = agency_code_of(unit)
    if not code:
        raise ServiceError(
            _("Đơn vị %(unit)s và các cấp trên chưa có mã định danh QCVN 102:2016.")
            % {"unit": unit.name},
            code="no_agency_code",
        )
    return Organization(
        organ_id=code,
        organ_name=unit.name,
        organ_add=unit.address,
        email=unit.email,
        telephone=unit.phone,
    )


def _recipient(recipient) -> Organization:
    if isinstance(recipient, OutsideAgency):
        return Organization(
            organ_id=recipient.code,
            organ_name=recipient.name,
            organ_add=recipient.address,
            email=recipient.email,
        )
    code = str(recipient or "").strip()
    if not is_agency_code(code):
        from ..edxml.errors import bad_agency_code

        raise bad_agency_code("To", code)
    return Organization(organ_id=code)


def outgoing_to_package(
    *, document, recipient, sign_package: bool = True, revoke_reason: str | None = None
) -> bytes:
    """The edXML package of an issued ``document`` for ``recipient`` (an ``OutsideAgency`` or a code).

    The signed PDF as issued is the attachment; the agency key of the issuing
    unit signs the package when it has a PKCS#12 one. With ``revoke_reason``
    it is the thu hồi package of the document (``Bussiness`` 1, same
    DocumentId, the reason in ``BussinessDocReason``).
    """
    from congvu.files.services import file_open_verified

    if document.issued_at is None or document.issued_file_id is None:
        raise ServiceError(
            _("Văn bản chưa được phát hành nên chưa gửi liên thông được."), code="not_issued"
        )
    sender = _our_organization(document.unit)
    to = _recipient(recipient)
    stored = document.issued_file
    with file_open_verified(stored) as fh:
        pdf = fh.read()
    issued_on = timezone.localtime(document.issued_at).date()
    others = [
        r.name
        for r in document.recipients.all()
        if r.name and r.name != to.organ_name and not r.is_internal
    ]
    business = Business(doc_type=BUSINESS_NEW)
    replaced = getattr(document, "replaces", None)
    if replaced is not None and replaced.number_notation and replaced.issued_at:
        business = Business(
            doc_type=BUSINESS_REPLACE,
            replacements=[
                ReplacementInfo(
                    document_id=document_id_for(
                        sender.organ_id, replaced.issued_at.year, replaced.number_notation
                    ),
                    organ_ids=[to.organ_id],
                )
            ],
        )
    if revoke_reason is not None:
        business = Business(doc_type=BUSINESS_REVOKE, reason=revoke_reason)
    business.document_id = document_id_for(
        sender.organ_id, issued_on.year, document.number_notation
    )
    message = EdXMLMessage(
        from_=sender,
        to=[to],
        code=_split_notation(document.number_notation),
        promulgation_place=document.unit.place_name or "",
        promulgation_date=issued_on,
        document_type=DocumentTypeInfo(type_name=document.document_type.name),
        subject=document.subject,
        signer=SignerInfo(
            competence=document.printed_authority,
            position=document.signer_title,
            full_name=(document.signer.full_name or document.signer.get_full_name())
            if document.signer_id
            else "",
        ),
        to_places=others,
        other_info=OtherInfo(priority=int(document.urgency)),
        document_id=business.document_id,
        trace_headers=[TraceHeader(organ_id=sender.organ_id, timestamp=timezone.now())],
        business=business,
        attachments=[
            Attachment(
                content_id=f"{stored.sha256[:32]}@congvu",
                name=stored.original_name,
                content_type=stored.content_type,
                data=pdf,
            )
        ],
    )
    data = build(message)
    return _signed(data, document.unit) if sign_package else data


def status_reply(
    *,
    package: ReceivedPackage,
    code: str,
    description: str = "",
    staff: StaffInfo | None = None,
    when: datetime.datetime | None = None,
) -> bytes:
    """The status message (01 đã đến … 16) to send back for a received document package."""
    if package.kind != PackageKind.DOCUMENT or not package.sender_code:
        raise ServiceError(
            _("Chỉ gửi thông báo trạng thái cho gói tin văn bản đã đọc được."),
            code="not_a_document_package",
        )
    if not is_status_code(code):
        raise ServiceError(_("Mã trạng thái không hợp lệ."), code="invalid_status_code")
    if package.unit is None:
        raise ServiceError(
            _("Không xác định được đơn vị nhận của gói tin (mã nơi nhận không khớp đơn vị nào)."),
            code="no_recipient_unit",
        )
    summary = package.summary or {}
    date_text = summary.get("promulgation_date") or ""
    status = StatusMessage(
        from_=_our_organization(package.unit),
        status_code=code,
        response_for=ResponseFor(
            organ_id=package.sender_code,
            code=summary.get("code", ""),
            promulgation_date=datetime.date.fromisoformat(date_text) if date_text else None,
            document_id=package.message_id,
        ),
        description=description or package.refusal_reason,
        timestamp=when or timezone.now(),
        staff=staff,
    )
    return _signed(build_status(status), package.unit)
