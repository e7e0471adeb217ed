"""The signer's PAdES signature made in two steps, for a key held by a remote-signing service.

pyHanko's interrupted signing: :func:`prepare` lays out the signature field
(same place and image as a local key, ``pades.py``), reserves the space for
the CMS, digests the document's byte ranges and builds the CMS signed
attributes. Only the SHA-256 of those attributes goes to the service: it never
sees the document. :func:`finish` checks the returned signature value against
the certificate and embeds the CMS. Between the two steps everything needed
lives in a :class:`Prepared` (stored with the signing request).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from . import loopsafe, pades

#: Room for the CMS (hex-encoded, so twice its DER size): chain, signature and a timestamp.
BYTES_RESERVED = 32 * 1024
DIGEST_ALGORITHM = "sha256"


class SignatureMismatch(Exception):
    """The signature value the service returned does not verify with the registered certificate."""


@dataclass(frozen=True)
class Prepared:
    """A document waiting for its signature value: the bytes, where the CMS goes, what is signed."""

    pdf: bytes
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attrs: bytes

    @property
    def to_be_signed(self) -> bytes:
        """What the service signs: the SHA-256 of the DER-encoded signed attributes."""
        return hashlib.sha256(self.signed_attrs).digest()


def _external_signer(certificate_der: bytes, chain_der=(), signature_value: bytes | None = None):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert = asn1_x509.Certificate.load(certificate_der)
    store = SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(c) for c in chain_der])
    return signers.ExternalSigner(
        signing_cert=cert,
        cert_registry=store,
        # A placeholder of the largest size we expect (RSA-4096) for the size estimate.
        signature_value=signature_value if signature_value is not None else bytes(512),
    )


def prepare(pdf_bytes: bytes, *, certificate_der: bytes, image: bytes, location: str) -> Prepared:
    """The PDF with the signer's field and placeholder, and the attributes the service must sign."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter

    where = pades.placement(pdf_bytes)
    signer = _external_signer(certificate_der)
    meta = signers.PdfSignatureMetadata(
        field_name=pades.SIGNER_FIELD,
        md_algorithm=DIGEST_ALGORITHM,
        subfilter=SigSeedSubFilter.PADES,
        reason=pades.SIGNER_REASON,
        location=location,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer,
        stamp_style=pades.person_style(image),
        new_field_spec=fields.SigFieldSpec(
            pades.SIGNER_FIELD, on_page=where.page, box=where.signer_box
        ),
    )

    async def run():
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=BYTES_RESERVED
        )
        attrs = await signer.signed_attrs(digest.document_digest, DIGEST_ALGORITHM, use_pades=True)
        return digest, output, attrs

    digest, output, attrs = loopsafe.run(run)
    return Prepared(
        pdf=output.getvalue(),
        document_digest=digest.document_digest,
        reserved_start=digest.reserved_region_start,
        reserved_end=digest.reserved_region_end,
        signed_attrs=attrs.dump(),
    )


def verify_value(certificate_der: bytes, to_be_signed: bytes, signature: bytes) -> None:
    """Raise SignatureMismatch unless ``signature`` is the certificate's key's over the digest."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

    public = x509.load_der_x509_certificate(certificate_der).public_key()
    prehashed = utils.Prehashed(hashes.SHA256())
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, to_be_signed, ec.ECDSA(prehashed))
        else:
            public.verify(signature, to_be_signed, padding.PKCS1v15(), prehashed)
    except (InvalidSignature, ValueError, TypeError) as exc:
        raise SignatureMismatch("the signature does not verify with the certificate") from exc


def finish(
    prepared: Prepared,
    *,
    certificate_der: bytes,
    chain_der=(),
    signature: bytes,
    tsa_url: str = "",
) -> bytes:
    """The PDF with the signer's CMS embedded (and timestamped with ``tsa_url``)."""
    from asn1crypto import cms
    from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    verify_value(certificate_der, prepared.to_be_signed, signature)
    signer = _external_signer(certificate_der, chain_der, signature_value=signature)
    digest = PreparedByteRangeDigest(
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_start,
        reserved_region_end=prepared.reserved_end,
    )

    async def run():
        container = await signer.async_sign_prescribed_attributes(
            DIGEST_ALGORITHM,
            signed_attrs=cms.CMSAttributes.load(prepared.signed_attrs),
            timestamper=pades.make_timestamper(tsa_url),
        )
        output = io.BytesIO(prepared.pdf)
        await PdfTBSDocument.async_finish_signing(output, digest, container)
        return output.getvalue()

    return loopsafe.run(run)
