"""XML-DSig of edXML packages: enveloped, exclusive c14n, one reference to the whole package.

congvu signs with SHA-256 (``CONGVU_EDXML_SIGN_DIGEST``). Older systems sign
with SHA-1 (OpenCPS samples): verification accepts it while
``CONGVU_EDXML_ACCEPT_SHA1`` is on (default). The signature goes at the end of
``edXMLHeader``; verification finds it anywhere. Whether the certificate is
trusted is a separate question (:func:`chain_trusted`), answered against the
``TrustAnchor`` rows of ``congvu.signatures``.
"""

from __future__ import annotations

import base64
import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
)
from signxml.exceptions import InvalidInput, InvalidSignature

from . import errors
from .message import SignatureInfo
from .safexml import parse_untrusted

DSIG = "http://www.w3.org/2000/09/xmldsig#"

_DIGESTS = {"sha256": DigestAlgorithm.SHA256, "sha384": DigestAlgorithm.SHA384}
_METHODS = {
    ("ec", "sha256"): SignatureMethod.ECDSA_SHA256,
    ("ec", "sha384"): SignatureMethod.ECDSA_SHA384,
    ("rsa", "sha256"): SignatureMethod.RSA_SHA256,
    ("rsa", "sha384"): SignatureMethod.RSA_SHA384,
}


def _sign_digest() -> str:
    value = str(getattr(settings, "CONGVU_EDXML_SIGN_DIGEST", "sha256")).lower()
    return value if value in _DIGESTS else "sha256"


def _accept_sha1() -> bool:
    return bool(getattr(settings, "CONGVU_EDXML_ACCEPT_SHA1", True))


def _local(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def sign(data: bytes, *, key, certificate: x509.Certificate, chain=()) -> bytes:
    """``data`` (an unsigned package) signed with ``key``, the certificate in KeyInfo."""
    root = parse_untrusted(data)
    if root.find(f".//{{{DSIG}}}Signature") is not None:
        raise errors.EdXMLError(
            _("Gói tin edXML đã có chữ ký số."), code="edxml_already_signed", field="package"
        )
    header = next((n for n in root.iter() if _local(n) == "edXMLHeader"), None)
    if header is None:
        raise errors.missing("edXMLHeader")
    etree.SubElement(header, f"{{{DSIG}}}Signature", Id="placeholder", nsmap={"ds": DSIG})
    if isinstance(key, ec.EllipticCurvePrivateKey):
        family = "ec"
    elif isinstance(key, rsa.RSAPrivateKey):
        family = "rsa"
    else:
        raise errors.EdXMLError(
            _("Loại khóa không dùng được để ký gói tin edXML."),
            code="edxml_key_unsupported",
            field="key",
        )
    digest = _sign_digest()
    signer = XMLSigner(
        signature_algorithm=_METHODS[(family, digest)],
        digest_algorithm=_DIGESTS[digest],
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    certs = [c.public_bytes(serialization.Encoding.PEM).decode() for c in (certificate, *chain)]
    signed = signer.sign(root, key=key, cert=certs)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def _config() -> SignatureConfiguration:
    methods = frozenset(m for m in SignatureMethod if "HMAC" not in m.name)
    digests = frozenset(DigestAlgorithm)
    if not _accept_sha1():
        methods = frozenset(m for m in methods if "SHA1" not in m.name)
        digests = frozenset(d for d in digests if "SHA1" not in d.name)
    return SignatureConfiguration(
        require_x509=True,
        location=".//",
        expect_references=1,
        signature_methods=methods,
        digest_algorithms=digests,
    )


def _certificates(signature) -> list[x509.Certificate]:
    found = []
    for node in signature.iter(f"{{{DSIG}}}X509Certificate"):
        text = "".join((node.text or "").split())
        try:
            found.append(x509.load_der_x509_certificate(base64.b64decode(text)))
        except ValueError:
            continue
    return found


def verify(data: bytes) -> SignatureInfo | None:
    """What the package's signature says; None when it has none.

    Raises ``edxml_signature_invalid`` when the signature does not match the
    content (anything changed after signing) or uses a refused algorithm.
    Trust in the certificate is not decided here (:func:`chain_trusted`).
    """
    root = parse_untrusted(data)
    signatures = list(root.iter(f"{{{DSIG}}}Signature"))
    if not signatures:
        return None
    if len(signatures) > 1:
        raise errors.signature_invalid(_("nhiều chữ ký"))
    certs = _certificates(signatures[0])
    if not certs:
        raise errors.signature_invalid(_("thiếu chứng thư số"))
    try:
        XMLVerifier().verify(bytes(data), x509_cert=certs[0], expect_config=_config())
    except (InvalidSignature, InvalidInput) as exc:
        raise errors.signature_invalid(str(exc)) from exc
    except Exception as exc:  # signxml raises several kinds on broken input
        raise errors.signature_invalid(type(exc).__name__) from exc
    signed_info = signatures[0].find(f"{{{DSIG}}}SignedInfo")
    method = signed_info.find(f"{{{DSIG}}}SignatureMethod") if signed_info is not None else None
    digest = signed_info.find(f".//{{{DSIG}}}DigestMethod") if signed_info is not None else None
    cert = certs[0]
    return SignatureInfo(
        subject=cert.subject.rfc4514_string(),
        certificate_der=cert.public_bytes(serialization.Encoding.DER),
        signature_method=method.get("Algorithm", "") if method is not None else "",
        digest_method=digest.get("Algorithm", "") if digest is not None else "",
        trusted=None,
    )


def chain_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate the signature carries (the signer's first)."""
    root = parse_untrusted(data)
    signature = root.find(f".//{{{DSIG}}}Signature")
    return _certificates(signature) if signature is not None else []


def chain_trusted(
    certificate: x509.Certificate,
    anchors: list[x509.Certificate],
    *,
    intermediates=(),
    at: datetime.datetime | None = None,
) -> bool | None:
    """Does ``certificate`` chain (through ``intermediates``) to one of ``anchors``?

    None when no anchor is configured: nothing to check against. Each link is
    checked by its signature and validity period at ``at`` (now by default).
    Revocation is not checked here (no network from the receiving side).
    """
    if not anchors:
        return None
    at = at or datetime.datetime.now(datetime.UTC)
    pool = list(intermediates)
    current = certificate
    for _depth in range(6):  # a real chain is 2 or 3 links
        if not (current.not_valid_before_utc <= at <= current.not_valid_after_utc):
            return False
        for anchor in anchors:
            if anchor.subject == current.issuer:
                try:
                    current.verify_directly_issued_by(anchor)
                except Exception:  # wrong key type or bad signature: not this anchor
                    continue
                return anchor.not_valid_before_utc <= at <= anchor.not_valid_after_utc
        parent = None
        for candidate in pool:
            if candidate.subject == current.issuer and candidate != current:
                try:
                    current.verify_directly_issued_by(candidate)
                except Exception:
                    continue
                parent = candidate
                break
        if parent is None:
            return False
        current = parent
    return False
