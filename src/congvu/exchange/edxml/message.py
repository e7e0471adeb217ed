"""The content of an edXML package as plain data (QCVN 102:2016 names, in English style).

Every optional part of a real package may be missing, so every field but the
sender has a default. Equality ignores what parsing learns about the signature,
so ``parse(build(m)) == m`` is the round-trip property the tests check.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass
class Organization:
    """From / To: an agency with its 13-character code (OrganId)."""

    organ_id: str
    organization_in_charge: str = ""
    organ_name: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class Code:
    """Số, ký hiệu: CodeNumber "123", CodeNotation "QĐ-UBND"."""

    number: str = ""
    notation: str = ""

    @property
    def text(self) -> str:
        return "/".join(p for p in (self.number, self.notation) if p)


@dataclass
class DocumentTypeInfo:
    """DocumentType: the numeric Type codes are UNCONFIRMED, so they stay text."""

    type: str = ""
    type_detail: str = ""
    type_name: str = ""


@dataclass
class SignerInfo:
    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass
class OtherInfo:
    priority: int = 0
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: list[str] = field(default_factory=list)


@dataclass
class ResponseFor:
    """The document a package answers (ResponseFor) or a status reports on."""

    organ_id: str = ""
    code: str = ""
    promulgation_date: datetime.date | None = None
    document_id: str = ""


@dataclass
class TraceHeader:
    organ_id: str
    timestamp: datetime.datetime | None = None


@dataclass
class Receiver:
    """ReceiverType 0: removed from the recipients, 1: added (Bussiness update)."""

    organ_id: str
    receiver_type: int = 1


@dataclass
class BusinessDocumentInfo:
    document_info: str = ""
    document_receiver: str = ""
    receivers: list[Receiver] = field(default_factory=list)


@dataclass
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass
class ReplacementInfo:
    document_id: str = ""
    organ_ids: list[str] = field(default_factory=list)


@dataclass
class Business:
    """Bussiness (sic, as on the wire): new, revoke, update or replace (codes.BUSINESS_DOC_TYPES)."""

    doc_type: int = 0
    reason: str = ""
    document_info: BusinessDocumentInfo | None = None
    document_id: str = ""
    staff: StaffInfo | None = None
    paper: int | None = None
    replacements: list[ReplacementInfo] = field(default_factory=list)


@dataclass
class Attachment:
    content_id: str
    name: str
    content_type: str = "application/octet-stream"
    data: bytes = b""
    description: str = ""


@dataclass
class SignatureInfo:
    """What verification found: who signed, with which algorithms, whether the chain is trusted."""

    subject: str = ""
    certificate_der: bytes = b""
    signature_method: str = ""
    digest_method: str = ""
    #: True: the chain ends in a TrustAnchor; False: it does not; None: no anchor configured.
    trusted: bool | None = None


@dataclass
class EdXMLMessage:
    """A document package (edXML with a MessageHeader)."""

    from_: Organization
    to: list[Organization] = field(default_factory=list)
    code: Code = field(default_factory=Code)
    promulgation_place: str = ""
    promulgation_date: datetime.date | None = None
    document_type: DocumentTypeInfo = field(default_factory=DocumentTypeInfo)
    subject: str = ""
    content: str = ""
    signer: SignerInfo = field(default_factory=SignerInfo)
    due_date: datetime.date | None = None
    to_places: list[str] = field(default_factory=list)
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: int | None = None
    document_id: str = ""
    trace_headers: list[TraceHeader] = field(default_factory=list)
    business: Business | None = None
    attachments: list[Attachment] = field(default_factory=list)
    signature: SignatureInfo | None = field(default=None, compare=False)

    kind = "edoc"

    @property
    def message_id(self) -> str:
        """The identifier that makes a re-sent package the same one (DocumentId)."""
        if self.document_id:
            return self.document_id
        return self.business.document_id if self.business else ""


@dataclass
class StatusMessage:
    """A status package (Status): what the recipient did with a document it received."""

    from_: Organization
    status_code: str
    response_for: ResponseFor = field(default_factory=ResponseFor)
    description: str = ""
    timestamp: datetime.datetime | None = None
    staff: StaffInfo | None = None
    signature: SignatureInfo | None = field(default=None, compare=False)

    kind = "status"

    @property
    def message_id(self) -> str:
        return ""
