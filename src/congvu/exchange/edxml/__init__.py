"""edXML (QCVN 102:2016): the package format of inter-agency document exchange.

``build`` writes a message, ``parse`` reads one (a document or a status
message), ``sign``/``verify`` handle its XML-DSig signature. Nothing here
touches the database: the exchange services store and register packages.
"""

from .builder import build, build_status
from .errors import EdXMLError
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
    SignatureInfo,
    SignerInfo,
    StaffInfo,
    StatusMessage,
    TraceHeader,
)
from .parser import parse
from .signing import sign, verify

__all__ = [
    "Attachment",
    "Business",
    "BusinessDocumentInfo",
    "Code",
    "DocumentTypeInfo",
    "EdXMLError",
    "EdXMLMessage",
    "OtherInfo",
    "Organization",
    "Receiver",
    "ReplacementInfo",
    "ResponseFor",
    "SignatureInfo",
    "SignerInfo",
    "StaffInfo",
    "StatusMessage",
    "TraceHeader",
    "build",
    "build_status",
    "parse",
    "sign",
    "verify",
]
