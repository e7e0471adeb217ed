"""Checking the signatures of a PDF: who signed, when, is it intact, does the chain end in a trusted root.

A signature is shown as valid only when its bytes are intact, the
cryptography checks out, the signer's chain ends in a configured trust anchor
(``TrustAnchor`` rows), the signer's certificate is not revoked and nothing
but allowed additions (later signatures, validation info) came after it. A
file that cannot even be parsed as a signed PDF any more is reported as one
broken signature rather than as "unsigned".

Revocation: the OCSP responses and CRLs embedded in the file (DSS, PAdES
B-LT) are used first; with ``CONGVU_SIGNING_CHECK_REVOCATION`` the OCSP
responder and CRL named in the certificate are asked too (short timeout).
The signer's certificate is then "good" (a valid OCSP answer or CRL covers
it), "revoked", or "unknown" (nothing reachable said either way — the
signature may still be shown valid, with that said next to it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from . import loopsafe

#: How long one OCSP or CRL request may take before the status is "unknown".
FETCH_TIMEOUT_SECONDS = 5


class Revocation:
    """What the revocation check said about the signer's certificate."""

    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


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
    #: ``Revocation.GOOD`` / ``REVOKED`` / ``UNKNOWN`` for the signer's certificate.
    revocation: str = Revocation.UNKNOWN

    @property
    def ok(self) -> bool:
        return (
            self.intact
            and self.valid
            and self.trusted
            and self.unmodified
            and self.revocation != Revocation.REVOKED
        )

    @property
    def revoked(self) -> bool:
        return self.revocation == Revocation.REVOKED

    def as_dict(self) -> dict:
        """JSON-ready (``StoredFile.signature_reports``)."""
        data = {**self.__dict__, "ok": self.ok}
        for name in ("signed_at", "timestamped_at"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> SignatureReport:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in ("signed_at", "timestamped_at"):
            if known.get(name):
                known[name] = datetime.fromisoformat(known[name])
        return cls(**known)


def trust_roots():
    """The configured trust anchors as asn1crypto certificates."""
    from asn1crypto import pem, x509

    from .models import TrustAnchor

    roots = []
    for text in TrustAnchor.objects.values_list("certificate_pem", flat=True):
        _type, _headers, der = pem.unarmor(text.encode())
        roots.append(x509.Certificate.load(der))
    return roots


def _fetch_revocation() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "CONGVU_SIGNING_CHECK_REVOCATION", True))


def _context(roots, embedded: dict, *, fetch: bool, mode: str):
    from pyhanko_certvalidator import ValidationContext

    kwargs = {
        "trust_roots": roots,
        "allow_fetching": fetch,
        "revocation_mode": mode,
        "crls": [],
        "ocsps": [],
        **embedded,
    }
    if fetch:
        from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

        kwargs["fetcher_backend"] = RequestsFetcherBackend(
            per_request_timeout=FETCH_TIMEOUT_SECONDS
        )
    return ValidationContext(**kwargs)


def _embedded_revocation_info(reader) -> dict:
    """The certificates, OCSP responses and CRLs of the file's DSS (PAdES B-LT), as context kwargs."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return {}
    except Exception:  # a damaged DSS only means no embedded help
        return {}
    loaded = dss.as_validation_context({"trust_roots": []})
    return {
        "other_certs": list(dss.load_certs()),
        "ocsps": list(loaded.ocsps),
        "crls": list(loaded.crls),
    }


def _revocation_info_possible(sig, embedded: dict, *, fetch: bool) -> bool:
    """Whether any OCSP answer or CRL could speak for the signer (else skip the strict pass)."""
    if embedded.get("ocsps") or embedded.get("crls"):
        return True
    if not fetch:
        return False
    cert = sig.signer_cert
    return bool(cert.ocsp_urls or cert.crl_distribution_points)


def _status(sig, roots, embedded, *, fetch: bool):
    """pyHanko's status of ``sig`` and what is known of the signer's revocation.

    First with revocation information required: passing means an OCSP answer
    or CRL pyHanko verified says the certificate is good. Otherwise, unless
    that said "revoked", once more with soft-fail to tell a trusted chain
    without reachable revocation info ("unknown") from an untrusted one.
    """
    from pyhanko.sign.validation import validate_pdf_signature

    stamps = _context(roots, embedded, fetch=fetch, mode="soft-fail")
    if _revocation_info_possible(sig, embedded, fetch=fetch):
        strict = _context(roots, embedded, fetch=fetch, mode="require")
        status = loopsafe.call(
            validate_pdf_signature,
            sig,
            signer_validation_context=strict,
            ts_validation_context=stamps,
        )
        if status.revoked:
            return status, Revocation.REVOKED
        if status.trusted:
            return status, Revocation.GOOD
    lenient = _context(roots, embedded, fetch=False, mode="soft-fail")
    return (
        loopsafe.call(
            validate_pdf_signature,
            sig,
            signer_validation_context=lenient,
            ts_validation_context=stamps,
        ),
        Revocation.UNKNOWN,
    )


def validate_pdf(data: bytes, roots=None, *, fetch: bool | None = None) -> list[SignatureReport]:
    """One report per signature of ``data`` (empty list: no signature at all).

    ``fetch`` (default ``CONGVU_SIGNING_CHECK_REVOCATION``): ask the OCSP
    responders and CRL locations the certificates name.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    roots = trust_roots() if roots is None else roots
    fetch = _fetch_revocation() if fetch is None else fetch
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # a damaged file: it is not "unsigned", it is broken
        if b"/ByteRange" not in data:
            return []
        return [broken_report("", f"tệp không đọc được: {exc}")]
    revinfo = _embedded_revocation_info(reader) if embedded else {}
    reports = []
    for sig in embedded:
        try:
            status, revocation = _status(sig, roots, revinfo, fetch=fetch)
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
                # A revoked certificate's chain is not "untrusted": it is revoked.
                trusted=bool(status.trusted) or revocation == Revocation.REVOKED,
                unmodified=unmodified,
                timestamped_at=_timestamp(status),
                revocation=revocation,
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
