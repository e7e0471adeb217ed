"""Reading an edXML package as real systems send it.

Elements are matched by local name, so any prefix (``edXML:``, ``ns2:``, none)
and a missing namespace are read alike. Optional parts may be missing; what
congvu needs to register a document (sender, recipient, số ký hiệu, date,
trích yếu) must be there, or the package is refused with a stable code.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
import zlib

from lxml import etree

from . import errors
from .codes import BUSINESS_DOC_TYPES, is_agency_code, is_status_code
from .dates import parse_date, parse_timestamp
from .message import (
    Attachment,
    Business,
    BusinessDocumentInfo,
    Code,
    DocumentTypeInfo,
    EdXMLMessage,
    Organization,
    OtherInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusMessage,
    TraceHeader,
)
from .safexml import max_bytes, parse_untrusted

_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_SPACE = re.compile(rb"\s+")


def _local(node) -> str:
    if not isinstance(node.tag, str):
        return ""  # comments and processing instructions
    return etree.QName(node).localname


def _children(node, *names: str) -> list:
    if node is None:
        return []
    return [c for c in node if _local(c) in names]


def _child(node, *names: str):
    found = _children(node, *names)
    return found[0] if found else None


def _text(node, *names: str) -> str:
    child = _child(node, *names) if names else node
    if child is None:
        return ""
    return "".join(child.itertext()).strip()


def _int(node, name: str, *, default=None):
    text = _text(node, name)
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise errors.bad_value(name, text) from None


def _date(node, name: str):
    text = _text(node, name)
    if not text:
        return None
    value = parse_date(text)
    if value is None:
        raise errors.bad_value(name, text)
    return value


def _timestamp(node, name: str):
    text = _text(node, name)
    if not text:
        return None
    value = parse_timestamp(text)
    if value is None:
        raise errors.bad_value(name, text)
    return value


def _organization(node, name: str, *, required: bool = True) -> Organization:
    organ_id = _text(node, "OrganId")
    if not organ_id:
        raise errors.missing(f"{name}/OrganId")
    if required and not is_agency_code(organ_id):
        raise errors.bad_agency_code(name, organ_id)
    return Organization(
        organ_id=organ_id,
        organization_in_charge=_text(node, "OrganizationInCharge"),
        organ_name=_text(node, "OrganName"),
        organ_add=_text(node, "OrganAdd"),
        email=_text(node, "Email"),
        telephone=_text(node, "Telephone"),
        fax=_text(node, "Fax"),
        website=_text(node, "Website"),
    )


def _response_for(node) -> ResponseFor:
    return ResponseFor(
        organ_id=_text(node, "OrganId"),
        code=_text(node, "Code"),
        promulgation_date=_date(node, "PromulgationDate"),
        document_id=_text(node, "DocumentId"),
    )


def _staff(node) -> StaffInfo | None:
    if node is None:
        return None
    return StaffInfo(
        department=_text(node, "Department"),
        staff=_text(node, "Staff"),
        mobile=_text(node, "Mobile"),
        email=_text(node, "Email"),
    )


def _envelope(root):
    name = _local(root)
    if name == "edXMLEnvelope":
        return root
    if name != "edXML":
        raise errors.not_edxml(name or str(root.tag))
    envelope = _child(root, "edXMLEnvelope")
    if envelope is None:
        raise errors.missing("edXMLEnvelope")
    return envelope


def parse(data: bytes) -> EdXMLMessage | StatusMessage:
    """The message in ``data``; ``EdXMLError`` (with its code) when it is refused.

    The signature is not checked here (``signing.verify``).
    """
    root = parse_untrusted(data)
    envelope = _envelope(root)
    header = _child(envelope, "edXMLHeader")
    if header is None:
        raise errors.missing("edXMLHeader")
    message_header = _child(header, "MessageHeader")
    if message_header is not None:
        return _document(root, envelope, header, message_header)
    status = _child(header, "Status")
    if status is not None:
        return _status(status)
    raise errors.missing("MessageHeader")


def _status(node) -> StatusMessage:
    rf = _child(node, "ResponseFor")
    if rf is None:
        raise errors.missing("ResponseFor")
    sender = _child(node, "From")
    if sender is None:
        raise errors.missing("From")
    code = _text(node, "StatusCode")
    if not code:
        raise errors.missing("StatusCode")
    if len(code) == 1 and code.isdigit():
        code = f"0{code}"  # some senders drop the leading zero
    if not is_status_code(code):
        raise errors.bad_value("StatusCode", code)
    return StatusMessage(
        from_=_organization(sender, "From"),
        status_code=code,
        response_for=_response_for(rf),
        description=_text(node, "Description"),
        timestamp=_timestamp(node, "Timestamp"),
        staff=_staff(_child(node, "StaffInfo")),
    )


def _document(root, envelope, header, mh) -> EdXMLMessage:
    sender = _child(mh, "From")
    if sender is None:
        raise errors.missing("From")
    recipients = _children(mh, "To")
    if not recipients:
        raise errors.missing("To")
    code = _child(mh, "Code")
    if code is None or not (_text(code, "CodeNumber") or _text(code, "CodeNotation")):
        raise errors.missing("Code")
    subject = _text(mh, "Subject")
    if not subject:
        raise errors.missing("Subject")
    promulgation = _child(mh, "PromulgationInfo")
    promulgation_date = (
        _date(promulgation, "PromulgationDate") if promulgation is not None else None
    )
    if promulgation_date is None:
        raise errors.missing("PromulgationDate")
    doc_type = _child(mh, "DocumentType")
    signer = _child(mh, "SignerInfo")
    other = _child(mh, "OtherInfo")
    return EdXMLMessage(
        from_=_organization(sender, "From"),
        to=[_organization(t, "To") for t in recipients],
        code=Code(number=_text(code, "CodeNumber"), notation=_text(code, "CodeNotation")),
        promulgation_place=_text(promulgation, "Place"),
        promulgation_date=promulgation_date,
        document_type=DocumentTypeInfo(
            type=_text(doc_type, "Type"),
            type_detail=_text(doc_type, "TypeDetail"),
            type_name=_text(doc_type, "TypeName"),
        ),
        subject=subject,
        content=_text(mh, "Content"),
        signer=SignerInfo(
            competence=_text(signer, "Competence"),
            position=_text(signer, "Position"),
            full_name=_text(signer, "FullName"),
        ),
        due_date=_date(mh, "DueDate"),
        to_places=[_text(p) for p in _children(_child(mh, "ToPlaces"), "Place") if _text(p)],
        other_info=_other_info(other),
        response_for=[_response_for(rf) for rf in _children(mh, "ResponseFor")],
        steering_type=_int(mh, "SteeringType"),
        document_id=_text(mh, "DocumentId"),
        trace_headers=_traces(_child(header, "TraceHeaderList")),
        business=_business(_child(_child(header, "TraceHeaderList"), "Bussiness", "Business")),
        attachments=_attachments(root, envelope),
    )


def _other_info(node) -> OtherInfo:
    if node is None:
        return OtherInfo()
    return OtherInfo(
        priority=_int(node, "Priority", default=0),
        sphere_of_promulgation=_text(node, "SphereOfPromulgation"),
        typer_notation=_text(node, "TyperNotation"),
        promulgation_amount=_int(node, "PromulgationAmount"),
        page_amount=_int(node, "PageAmount"),
        appendixes=[_text(a) for a in _children(_child(node, "Appendixes"), "Appendix")],
    )


def _traces(node) -> list[TraceHeader]:
    return [
        TraceHeader(organ_id=_text(t, "OrganId"), timestamp=_timestamp(t, "Timestamp"))
        for t in _children(node, "TraceHeader")
    ]


def _business(node) -> Business | None:
    if node is None:
        return None
    doc_type = _int(node, "BussinessDocType", default=0)
    if doc_type not in BUSINESS_DOC_TYPES:
        raise errors.bad_value("BussinessDocType", str(doc_type))
    info_node = _child(node, "BussinessDocumentInfo")
    info = None
    if info_node is not None:
        receivers = []
        for r in _children(_child(info_node, "ReceiverList"), "Receiver"):
            receivers.append(
                Receiver(
                    organ_id=_text(r, "OrganId"),
                    receiver_type=_int(r, "ReceiverType", default=1),
                )
            )
        info = BusinessDocumentInfo(
            document_info=_text(info_node, "DocumentInfo"),
            document_receiver=_text(info_node, "DocumentReceiver"),
            receivers=receivers,
        )
    return Business(
        doc_type=doc_type,
        reason=_text(node, "BussinessDocReason"),
        document_info=info,
        document_id=_text(node, "DocumentId"),
        staff=_staff(_child(node, "StaffInfo")),
        paper=_int(node, "Paper"),
        replacements=[
            ReplacementInfo(
                document_id=_text(r, "DocumentId"),
                organ_ids=[_text(o) for o in _children(_child(r, "OrganIdList"), "OrganId")],
            )
            for r in _children(_child(node, "ReplacementInfoList"), "ReplacementInfo")
        ],
    )


def _unzipped(data: bytes, name: str) -> bytes:
    """The file inside when ``data`` is a one-file zip wrapping it (VNPT SDK style).

    Only a zip with exactly one member of the attachment's own extension is
    unwrapped, so a DOCX/XLSX/ODT (themselves zips) or a real .zip attachment
    stays as sent. The member's declared size is bounded before it is read.
    """
    _stem, dot, ext = name.lower().rpartition(".")
    if not data.startswith(b"PK\x03\x04") or (dot and ext == "zip"):
        return data
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return data  # not a zip after all: the file as sent
    if len(infos) != 1 or infos[0].is_dir():
        return data
    _m, mdot, member_ext = infos[0].filename.lower().rpartition(".")
    if dot and (not mdot or member_ext != ext):
        return data
    if infos[0].file_size > max_bytes():
        raise errors.attachment_corrupt(name)
    try:
        return archive.read(infos[0])
    except (zipfile.BadZipFile, RuntimeError, OSError, ValueError, EOFError, zlib.error):
        # A damaged or encrypted wrapper: the file cannot be had.
        raise errors.attachment_corrupt(name) from None


def _content_id(value: str) -> str:
    value = (value or "").strip()
    if value.lower().startswith("cid:"):
        value = value[4:]
    return value.strip("<>").strip()


def _attachments(root, envelope) -> list[Attachment]:
    manifest = _child(_child(envelope, "edXMLBody"), "edXMLManifest")
    references = {}
    for ref in _children(manifest, "Reference"):
        cid = _content_id(ref.get(_XLINK_HREF) or ref.get("href") or _text(ref, "ContentId"))
        if cid:
            references[cid] = ref
    containers = _children(root, "AttachmentEncoded") or _children(
        _child(envelope, "edXMLBody"), "AttachmentEncoded"
    )
    found = []
    for container in containers:
        for node in _children(container, "Attachment"):
            cid = _content_id(_text(node, "ContentId"))
            ref = references.get(cid)
            name = _text(node, "AttachmentName") or _text(ref, "AttachmentName")
            if not name:
                raise errors.missing("AttachmentName")
            encoded = _child(node, "ContentTransferEncoded")
            raw = "".join((encoded if encoded is not None else node).itertext())
            if encoded is None:
                # The data is the attachment's own text, after its metadata children.
                raw = node.text or ""
            try:
                data = base64.b64decode(_SPACE.sub(b"", raw.encode("ascii")), validate=True)
            except (binascii.Error, UnicodeEncodeError, ValueError):
                raise errors.attachment_corrupt(name) from None
            if not data:
                raise errors.attachment_corrupt(name)
            data = _unzipped(data, name)
            found.append(
                Attachment(
                    content_id=cid,
                    name=name,
                    content_type=_text(node, "ContentType")
                    or _text(ref, "ContentType")
                    or "application/octet-stream",
                    data=data,
                    description=_text(node, "Description") or _text(ref, "Description"),
                )
            )
    have = {a.content_id for a in found}
    for cid in references:
        if cid not in have:
            raise errors.attachment_missing(cid)
    return found
