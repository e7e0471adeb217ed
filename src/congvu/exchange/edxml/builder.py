"""Writing an edXML package (document or status) in the shape real systems exchange.

The root ``edXML`` is unprefixed; the envelope and everything under it carry
the ``edXML:`` prefix (the national axis reportedly refuses children without
it); attachments follow the envelope in ``AttachmentEncoded``. :func:`signing.sign`
puts the signature at the end of the header.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile

from django.conf import settings

from lxml import etree

from .codes import NS, PREFIX, XLINK
from .dates import format_date, format_timestamp
from .message import EdXMLMessage, Organization, ResponseFor, StaffInfo, StatusMessage


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _el(parent, name: str, text=None, *, always: bool = False):
    """A child ``name``; skipped when ``text`` is empty unless ``always``."""
    if text is None and not always:
        return None
    if isinstance(text, str) and text == "" and not always:
        return None
    child = etree.SubElement(parent, _q(name))
    if text is not None:
        child.text = str(text)
    return child


def _organization(parent, name: str, org: Organization) -> None:
    node = _el(parent, name, always=True)
    _el(node, "OrganId", org.organ_id, always=True)
    _el(node, "OrganizationInCharge", org.organization_in_charge)
    _el(node, "OrganName", org.organ_name)
    _el(node, "OrganAdd", org.organ_add)
    _el(node, "Email", org.email)
    _el(node, "Telephone", org.telephone)
    _el(node, "Fax", org.fax)
    _el(node, "Website", org.website)


def _response_for(parent, rf: ResponseFor) -> None:
    node = _el(parent, "ResponseFor", always=True)
    _el(node, "OrganId", rf.organ_id)
    _el(node, "Code", rf.code)
    if rf.promulgation_date:
        _el(node, "PromulgationDate", format_date(rf.promulgation_date))
    _el(node, "DocumentId", rf.document_id)


def _staff(parent, staff: StaffInfo | None) -> None:
    if staff is None:
        return
    node = _el(parent, "StaffInfo", always=True)
    _el(node, "Department", staff.department)
    _el(node, "Staff", staff.staff)
    _el(node, "Mobile", staff.mobile)
    _el(node, "Email", staff.email)


def _skeleton():
    root = etree.Element(_q("edXML"), nsmap={None: NS})
    envelope = etree.SubElement(root, _q("edXMLEnvelope"), nsmap={PREFIX: NS})
    header = etree.SubElement(envelope, _q("edXMLHeader"))
    return root, envelope, header


def _message_header(header, m: EdXMLMessage) -> None:
    mh = _el(header, "MessageHeader", always=True)
    _organization(mh, "From", m.from_)
    for org in m.to:
        _organization(mh, "To", org)
    code = _el(mh, "Code", always=True)
    _el(code, "CodeNumber", m.code.number, always=True)
    _el(code, "CodeNotation", m.code.notation, always=True)
    promulgation = _el(mh, "PromulgationInfo", always=True)
    _el(promulgation, "Place", m.promulgation_place)
    if m.promulgation_date:
        _el(promulgation, "PromulgationDate", format_date(m.promulgation_date))
    doc_type = _el(mh, "DocumentType", always=True)
    _el(doc_type, "Type", m.document_type.type)
    _el(doc_type, "TypeDetail", m.document_type.type_detail)
    _el(doc_type, "TypeName", m.document_type.type_name)
    _el(mh, "Subject", m.subject, always=True)
    _el(mh, "Content", m.content)
    signer = _el(mh, "SignerInfo", always=True)
    _el(signer, "Competence", m.signer.competence)
    _el(signer, "Position", m.signer.position)
    _el(signer, "FullName", m.signer.full_name)
    if m.due_date:
        _el(mh, "DueDate", format_date(m.due_date))
    if m.to_places:
        places = _el(mh, "ToPlaces", always=True)
        for place in m.to_places:
            _el(places, "Place", place, always=True)
    other = _el(mh, "OtherInfo", always=True)
    info = m.other_info
    _el(other, "Priority", str(info.priority), always=True)
    _el(other, "SphereOfPromulgation", info.sphere_of_promulgation)
    _el(other, "TyperNotation", info.typer_notation)
    if info.promulgation_amount is not None:
        _el(other, "PromulgationAmount", str(info.promulgation_amount))
    if info.page_amount is not None:
        _el(other, "PageAmount", str(info.page_amount))
    if info.appendixes:
        appendixes = _el(other, "Appendixes", always=True)
        for appendix in info.appendixes:
            _el(appendixes, "Appendix", appendix, always=True)
    for rf in m.response_for:
        _response_for(mh, rf)
    if m.steering_type is not None:
        _el(mh, "SteeringType", str(m.steering_type))
    _el(mh, "DocumentId", m.document_id)


def _trace_headers(header, m: EdXMLMessage) -> None:
    if not m.trace_headers and m.business is None:
        return
    thl = _el(header, "TraceHeaderList", always=True)
    for trace in m.trace_headers:
        node = _el(thl, "TraceHeader", always=True)
        _el(node, "OrganId", trace.organ_id, always=True)
        if trace.timestamp:
            _el(node, "Timestamp", format_timestamp(trace.timestamp))
    b = m.business
    if b is None:
        return
    node = _el(thl, "Bussiness", always=True)
    _el(node, "BussinessDocType", str(b.doc_type), always=True)
    _el(node, "BussinessDocReason", b.reason)
    if b.document_info is not None:
        info = _el(node, "BussinessDocumentInfo", always=True)
        _el(info, "DocumentInfo", b.document_info.document_info)
        _el(info, "DocumentReceiver", b.document_info.document_receiver)
        if b.document_info.receivers:
            receivers = _el(info, "ReceiverList", always=True)
            for receiver in b.document_info.receivers:
                r = _el(receivers, "Receiver", always=True)
                _el(r, "ReceiverType", str(receiver.receiver_type), always=True)
                _el(r, "OrganId", receiver.organ_id, always=True)
    _el(node, "DocumentId", b.document_id)
    _staff(node, b.staff)
    if b.paper is not None:
        _el(node, "Paper", str(b.paper))
    if b.replacements:
        replacements = _el(node, "ReplacementInfoList", always=True)
        for rep in b.replacements:
            r = _el(replacements, "ReplacementInfo", always=True)
            _el(r, "DocumentId", rep.document_id, always=True)
            ids = _el(r, "OrganIdList", always=True)
            for organ_id in rep.organ_ids:
                _el(ids, "OrganId", organ_id, always=True)


def zip_attachments() -> bool:
    """Zip each attachment before Base64, as the VNPT SDK-based systems do and expect.

    UNCONFIRMED in the standard's text; two independent implementations zip one
    file per attachment (builder) and unzip it (parser). ``parse`` reads both.
    """
    return bool(getattr(settings, "CONGVU_EDXML_ZIP_ATTACHMENTS", True))


def _member_name(att) -> str:
    # Deterministic (same package, same bytes): derived from the content id, not random.
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", att.content_id)[:60] or "attachment"
    _base, dot, ext = att.name.rpartition(".")
    return f"{stem}.{ext}" if dot else stem


def _encoded(att) -> str:
    data = att.data
    if zip_attachments():
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            info = zipfile.ZipInfo(_member_name(att), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
        data = out.getvalue()
    return base64.b64encode(data).decode("ascii")


def _tostring(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build(message: EdXMLMessage) -> bytes:
    """The package of ``message``, unsigned (``signing.sign`` signs it)."""
    root, envelope, header = _skeleton()
    _message_header(header, message)
    _trace_headers(header, message)
    body = _el(envelope, "edXMLBody", always=True)
    manifest = etree.SubElement(body, _q("edXMLManifest"), nsmap={"xlink": XLINK})
    manifest.set("version", "1.0")
    for att in message.attachments:
        ref = _el(manifest, "Reference", always=True)
        ref.set(f"{{{XLINK}}}href", f"cid:{att.content_id}")
        _el(ref, "AttachmentName", att.name, always=True)
        _el(ref, "ContentType", att.content_type, always=True)
        _el(ref, "Description", att.description)
    if message.attachments:
        encoded = etree.SubElement(root, _q("AttachmentEncoded"))
        for att in message.attachments:
            node = etree.SubElement(encoded, _q("Attachment"))
            etree.SubElement(node, _q("ContentId")).text = att.content_id
            etree.SubElement(node, _q("AttachmentName")).text = att.name
            etree.SubElement(node, _q("ContentType")).text = att.content_type
            if att.description:
                etree.SubElement(node, _q("Description")).text = att.description
            etree.SubElement(node, _q("ContentTransferEncoded")).text = _encoded(att)
    return _tostring(root)


def build_status(status: StatusMessage) -> bytes:
    """The status package (Status) of ``status``, unsigned."""
    root, envelope, header = _skeleton()
    node = _el(header, "Status", always=True)
    _response_for(node, status.response_for)
    _organization(node, "From", status.from_)
    _el(node, "StatusCode", status.status_code, always=True)
    _el(node, "Description", status.description)
    if status.timestamp:
        _el(node, "Timestamp", format_timestamp(status.timestamp))
    _staff(node, status.staff)
    _el(envelope, "edXMLBody", always=True)
    return _tostring(root)
