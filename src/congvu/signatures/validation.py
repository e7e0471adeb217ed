"""Checking the signatures of a PDF: who signed, when, is it intact, does the chain end in a trusted root.

A signature is shown as valid only when its bytes are intact, the
cryptography checks out, the signer's chain ends in a configured trust anchor
(``TrustAnchor`` rows) and nothing but allowed additions (later signatures)
came after it. A file that cannot even be parsed as a signed PDF any more is
reported as one broken signature rather than as "unsigned".
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SignatureReport:
    """What one signature of a PDF says about itself, as checked."""

    field: str
    signer: str
    signed_at: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    unmodified: bool
    problem: str = ""
    #: The RFC 3161 signature timestamp's time when there is a valid, trusted one.
    timestamped_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.unmodified


def trust_roots():
    """The configured trust anchors as asn1crypto certificates."""
    from asn1crypto import pem, x509

    from .models import TrustAnchor

    roots = []
    for text in TrustAnchor.objects.values_list("certificate_pem", flat=True):
        _type, _headers, der = pem.unarmor(text.encode())
        roots.append(x509.Certificate.load(der))
    return roots


def validate_pdf(data: bytes, roots=None) -> list[SignatureReport]:
    """One report per signature of ``data`` (empty list: no signature at all)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = trust_roots() if roots is None else roots
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # a damaged file: it is not "unsigned", it is broken
        if b"/ByteRange" not in data:
            return []
        return [broken_report("", f"tệp không đọc được: {exc}")]
    reports = []
    for sig in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, signer_validation_context=context)
        except Exception as exc:
            reports.append(broken_report(sig.field_name, str(exc)))
            continue
        cert = status.signing_cert
        level = status.modification_level
        unmodified = status.docmdp_ok is not False and (
            level is None or level.name in ("NONE", "LTA_UPDATES", "FORM_FILLING")
        )
        reports.append(
            SignatureReport(
                field=sig.field_name,
                signer=cert.subject.native.get("common_name", "") if cert else "",
                signed_at=status.signer_reported_dt,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                unmodified=unmodified,
                timestamped_at=_timestamp(status),
            )
        )
    return reports


def _timestamp(status) -> datetime | None:
    stamp = status.timestamp_validity
    if stamp is None or not (stamp.intact and stamp.valid and stamp.trusted):
        return None
    return stamp.timestamp


def broken_report(field: str, problem: str) -> SignatureReport:
    return SignatureReport(
        field=field,
        signer="",
        signed_at=None,
        intact=False,
        valid=False,
        trusted=False,
        unmodified=False,
        problem=problem,
    )
