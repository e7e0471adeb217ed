"""PAdES signing of an issued document: the leader's signature, then the agency's (Art. 5, 33).

Two signatures are added to the rendered PDF as two incremental updates, so
the first stays verifiable after the second. Their visible appearance
follows Appendix I of Decree 30/2020 (regulations §1.7):

- the signer's blue signature image, centred in the signature column between
  the last title line and the full name;
- the agency's red seal image over the left third of the signer's image, with
  the agency name and the signing time (dd/mm/yyyy hh:mm:ss, Asia/Ho_Chi_Minh).

Where the space is comes from the print layout itself: the print template
gives the signature space, the name and the "Nơi nhận" column an ``id``, and
WeasyPrint writes each as a named destination (page and top-left point), which
is read back here; nothing is guessed from fixed coordinates.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import timezone

from . import fastsign, loopsafe

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SIGNER_FIELD = "ChuKyNguoiKy"
AGENCY_FIELD = "ChuKyCoQuan"
SIGNER_REASON = "Ký duyệt văn bản"
#: Named destinations the print template provides (outgoing/print/document.html).
SPACE_ANCHOR, NAME_ANCHOR, LEFT_ANCHOR = "chu-ky", "ho-ten", "noi-nhan"
#: The signer column's share of the text width (outgoing/print/document.css).
SIGNER_COLUMN_SHARE = 0.6
MM = 72 / 25.4
#: A commune-level seal is about 32 mm across; Appendix I wants it at actual size.
SEAL_DIAMETER = 32 * MM
#: The signature image's width to height.
SIGNATURE_ASPECT = 2.0
STAMP_FONT = "/usr/share/fonts/truetype/croscore/Tinos-Regular.ttf"
STAMP_FONT_SIZE = 6
#: Basic Latin, Latin-1 and Extended-A/B letters, combining tone marks, Vietnamese precomposed.
STAMP_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xC0, 0x250),
    *range(0x300, 0x324),
    *range(0x1EA0, 0x1EFA),
]


@dataclass(frozen=True)
class Placement:
    """Where the two signature widgets go: page index and boxes (x1, y1, x2, y2) in points."""

    page: int
    signer_box: tuple[float, float, float, float]
    seal_box: tuple[float, float, float, float]


@dataclass(frozen=True)
class KeyMaterial:
    """What one signature needs: the PKCS#12 data (or where the key is on a token), secret, image."""

    pkcs12: bytes
    password: bytes | None
    image: bytes
    certificate_der: bytes = b""
    token_module: str = ""
    token_label: str = ""
    token_key_label: str = ""


def _named_destinations(reader) -> dict[str, list]:
    names = reader.root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    found: dict[str, list] = {}

    def walk(node):
        flat = node.get("/Names")
        if flat is not None:
            for i in range(0, len(flat), 2):
                found[str(flat[i])] = flat[i + 1]
        for kid in node.get("/Kids", ()):
            walk(kid)

    walk(names["/Dests"])
    return found


def placement(pdf_bytes: bytes) -> Placement:
    """Read the signature space of the printed document and lay the two images out in it."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf_bytes))
    dests = _named_destinations(reader)
    missing = [a for a in (SPACE_ANCHOR, NAME_ANCHOR, LEFT_ANCHOR) if a not in dests]
    if missing:
        raise ValueError(f"the printed document has no signature space ({', '.join(missing)})")
    space, name, left = dests[SPACE_ANCHOR], dests[NAME_ANCHOR], dests[LEFT_ANCHOR]
    page_ref = space.raw_get(0)
    count = int(reader.root["/Pages"]["/Count"])
    page = next(
        i for i in range(count) if reader.find_page_for_modification(i)[0].idnum == page_ref.idnum
    )
    column_left, top, bottom = float(space[2]), float(space[3]), float(name[3])
    text_left = float(left[2])
    column_right = text_left + (column_left - text_left) / (1 - SIGNER_COLUMN_SHARE)
    centre_x, centre_y = (column_left + column_right) / 2, (top + bottom) / 2
    height = (top - bottom) * 0.9
    width = min(height * SIGNATURE_ASPECT, column_right - column_left)
    signer_box = (
        centre_x - width / 2,
        centre_y - height / 2,
        centre_x + width / 2,
        centre_y + height / 2,
    )
    seal_right = signer_box[0] + width / 3
    seal_box = (
        seal_right - SEAL_DIAMETER,
        centre_y - SEAL_DIAMETER / 2,
        seal_right,
        centre_y + SEAL_DIAMETER / 2,
    )
    return Placement(page, signer_box, seal_box)


@functools.cache
def _stamp_font() -> str:
    """Tinos rescaled to 1000 units per em, cut down to the Vietnamese alphabet.

    pyHanko writes the CIDFont widths in raw font units, so a 2048-upem font
    comes out twice as wide as it should (platform notes §4); a copy at 1000
    upem renders right. Made once per process.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    target = Path(tempfile.gettempdir()) / "congvu-stamp-tinos-1000upem-vi.ttf"
    if not target.exists():
        font = TTFont(STAMP_FONT)
        scale_upem(font, 1000)
        # Only what Vietnamese text, digits and punctuation need: pyHanko subsets
        # the font again for every stamp, and a small font makes that cheap.
        options = subset.Options()
        options.layout_features = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=STAMP_UNICODES)
        subsetter.subset(font)
        partial = target.with_suffix(f".{os.getpid()}.part")  # processes may race here
        font.save(partial)
        partial.replace(target)
    return str(target)


def _png_image(data: bytes):
    from PIL import Image
    from pyhanko.pdf_utils.images import PdfImage

    return PdfImage(Image.open(io.BytesIO(data)).convert("RGBA"))


@contextlib.contextmanager
def _signer(material: KeyMaterial):
    """A pyHanko signer for ``material``; a token session is closed when signing is done."""
    if not material.token_label:
        # Opened once per process (fastsign): unwrapping the PKCS#12 on every
        # issuance cost a few per cent of it (docs/benchmarks.md, "Signing").
        yield fastsign.cached_pkcs12_signer(material.pkcs12, material.password)
        return
    from asn1crypto import x509 as asn1_x509
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    session = open_pkcs11_session(
        material.token_module,
        token_criteria=TokenCriteria(label=material.token_label),
        user_pin=(material.password or b"").decode(),
    )
    try:
        yield PKCS11Signer(
            session,
            signing_cert=asn1_x509.Certificate.load(material.certificate_der),
            key_label=material.token_key_label,
        )
    finally:
        session.close()


def token_holds_key(
    module: str, token_label: str, pin: str, key_label: str, cert_der: bytes
) -> bool:
    """Whether the token opens with ``pin`` and its key ``key_label`` signs for ``cert_der``."""
    from cryptography import x509

    material = KeyMaterial(
        pkcs12=b"",
        password=pin.encode(),
        image=b"",
        certificate_der=cert_der,
        token_module=module,
        token_label=token_label,
        token_key_label=key_label,
    )
    probe = b"congvu token check"
    try:
        with _signer(material) as signer:
            signature = loopsafe.run(lambda: signer.async_sign_raw(probe, "sha256"))
    except Exception:  # noqa: BLE001 - any token failure (PIN, label, module) means "no"
        return False
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    public = x509.load_der_x509_certificate(cert_der).public_key()
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, probe, ec.ECDSA(hashes.SHA256()))
        else:
            public.verify(signature, probe, padding.PKCS1v15(), hashes.SHA256())
    except Exception:  # noqa: BLE001 - InvalidSignature: the key is not the certificate's
        return False
    return True


def _sign_once(
    pdf_bytes,
    *,
    signer,
    field,
    page,
    box,
    style,
    reason,
    location,
    text_params=None,
    timestamper=None,
    embed_revocation: bool | None = None,
):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    # B-LT (``CONGVU_SIGNING_EMBED_REVOCATION``): every signature made here is
    # followed by its chain's OCSP answers and CRLs in the DSS.
    validation_context = revocation_context() if _embed_revocation(embed_revocation) else None
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        embed_validation_info=validation_context is not None,
        validation_context=validation_context,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer,
        timestamper=timestamper,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(field, on_page=page, box=box),
    )
    # A fixed room for the CMS: without it pyHanko signs once more just to size it.
    out = loopsafe.call(
        pdf_signer.sign_pdf,
        writer,
        appearance_text_params=text_params or {},
        bytes_reserved=fastsign.signature_room(timestamper is not None),
    )
    return out.getvalue()


def signing_time_text(when) -> str:
    """Appendix I: dd/mm/yyyy hh:mm:ss in Vietnam time."""
    return when.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S")


def _embed_revocation(embed: bool | None) -> bool:
    if embed is not None:
        return embed
    from django.conf import settings

    return bool(getattr(settings, "CONGVU_SIGNING_EMBED_REVOCATION", False))


def revocation_context():
    """What B-LT signing validates the signer's chain with: the trust anchors, fetching on.

    Soft-fail: an OCSP responder or CRL that does not answer leaves that
    answer out of the DSS rather than stopping the issuance; what is embedded
    is what was reachable (the verification then says "unknown" or asks again).
    """
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

    from .validation import FETCH_TIMEOUT_SECONDS, trust_roots

    return ValidationContext(
        trust_roots=trust_roots(),
        allow_fetching=True,
        revocation_mode="soft-fail",
        fetcher_backend=RequestsFetcherBackend(per_request_timeout=FETCH_TIMEOUT_SECONDS),
    )


def make_timestamper(tsa_url: str):
    """An RFC 3161 client for ``tsa_url`` (None without one)."""
    if not tsa_url:
        return None
    from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

    return HTTPTimeStamper(tsa_url, timeout=10)


def person_style(image: bytes):
    """The signer's widget: the blue signature image alone, centred, no text."""
    from pyhanko.pdf_utils import layout
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(
        stamp_text=" ",
        background=_png_image(image),
        background_opacity=1,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def sign_issued(
    pdf_bytes: bytes,
    *,
    person: KeyMaterial,
    agency: KeyMaterial,
    agency_name: str,
    location: str = "",
    when=None,
    tsa_url: str = "",
) -> bytes:
    """The issued PDF with the leader's signature and then the agency's.

    With ``tsa_url`` each signature gets an RFC 3161 signature timestamp from
    that TSA (PAdES B-T); a TSA that does not answer stops the signing.
    """
    where = placement(pdf_bytes)
    with _signer(person) as person_signer:
        signed = _sign_once(
            pdf_bytes,
            signer=person_signer,
            field=SIGNER_FIELD,
            page=where.page,
            box=where.signer_box,
            style=person_style(person.image),
            reason=SIGNER_REASON,
            location=location,
            timestamper=make_timestamper(tsa_url),
        )
    return sign_agency(
        signed,
        agency=agency,
        agency_name=agency_name,
        location=location,
        when=when,
        tsa_url=tsa_url,
        where=where,
    )


def sign_agency(
    pdf_bytes: bytes,
    *,
    agency: KeyMaterial,
    agency_name: str,
    location: str = "",
    when=None,
    tsa_url: str = "",
    where: Placement | None = None,
) -> bytes:
    """Add the agency's signature (red seal, name and time) to a PDF the leader has signed."""
    from pyhanko.pdf_utils import layout, text
    from pyhanko.pdf_utils.font import opentype
    from pyhanko.stamp import TextStampStyle

    where = where or placement(pdf_bytes)
    font = _stamp_font()
    seal_style = TextStampStyle(
        stamp_text="%(agency)s\n%(when)s",
        text_box_style=text.TextBoxStyle(
            font=opentype.GlyphAccumulatorFactory(font, font_size=STAMP_FONT_SIZE),
            font_size=STAMP_FONT_SIZE,
        ),
        background=_png_image(agency.image),
        background_opacity=1,
        border_width=0,
        # Actual size: pyHanko's default 5 pt margin would shrink a 32 mm seal to 28.5 mm.
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
        ),
        # Below the seal's centre, so the star does not cover the words.
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(bottom=SEAL_DIAMETER * 0.14),
        ),
    )
    with _signer(agency) as agency_signer:
        return _sign_once(
            pdf_bytes,
            signer=agency_signer,
            field=AGENCY_FIELD,
            page=where.page,
            box=where.seal_box,
            style=seal_style,
            reason="Ký số của cơ quan ban hành",
            location=location,
            timestamper=make_timestamper(tsa_url),
            text_params={
                "agency": agency_name,
                "when": signing_time_text(when or timezone.now()),
            },
        )


#: Appendix I, attachments in a separate file: top right of page 1, no image, size 10 text.
ATTACHMENT_FONT_SIZE = 10
ATTACHMENT_BOX_WIDTH = 80 * MM
ATTACHMENT_BOX_HEIGHT = 16 * MM
#: From the page's top and right edges (the Decree's 15-20 mm right margin).
ATTACHMENT_MARGIN_TOP = 8 * MM
ATTACHMENT_MARGIN_RIGHT = 15 * MM


def attachment_box(pdf_bytes: bytes) -> tuple[float, float, float, float]:
    """Where the agency's signature goes on an attachment: top right of page 1, in points."""
    from pypdf import PdfReader

    # pypdf resolves a MediaBox inherited from the page tree.
    box = PdfReader(io.BytesIO(pdf_bytes), strict=False).pages[0].mediabox
    x1, y1 = float(box.right), float(box.top)
    right, top = x1 - ATTACHMENT_MARGIN_RIGHT, y1 - ATTACHMENT_MARGIN_TOP
    return (right - ATTACHMENT_BOX_WIDTH, top - ATTACHMENT_BOX_HEIGHT, right, top)


def attachment_time_text(when) -> str:
    """Appendix I for attachments: ISO 8601 in Vietnam time, e.g. 2026-12-07T09:15:00+07:00."""
    return when.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def sign_attachment(
    pdf_bytes: bytes,
    *,
    agency: KeyMaterial,
    agency_name: str,
    notation: str = "",
    location: str = "",
    when=None,
    tsa_url: str = "",
    embed_revocation: bool | None = None,
) -> bytes:
    """An attachment in a separate file with the agency's signature (Appendix I, văn bản kèm theo).

    Top right of its first page, no image; the text is the agency's name, the
    main document's số, ký hiệu and the signing time (ISO 8601, Vietnam time).
    """
    from pyhanko.pdf_utils import layout, text
    from pyhanko.pdf_utils.font import opentype
    from pyhanko.stamp import TextStampStyle

    fixed = "\n".join([agency_name, *([notation] if notation else [])])
    style = TextStampStyle(
        stamp_text=fixed.replace("%", "%%") + "\n%(when)s",
        text_box_style=text.TextBoxStyle(
            font=opentype.GlyphAccumulatorFactory(_stamp_font(), font_size=ATTACHMENT_FONT_SIZE),
            font_size=ATTACHMENT_FONT_SIZE,
        ),
        border_width=0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MAX,
        ),
    )
    timestamper = None
    if tsa_url:
        from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

        timestamper = HTTPTimeStamper(tsa_url, timeout=10)
    with _signer(agency) as agency_signer:
        return _sign_once(
            pdf_bytes,
            signer=agency_signer,
            field=AGENCY_FIELD,
            page=0,
            box=attachment_box(pdf_bytes),
            style=style,
            reason="Ký số của cơ quan ban hành (văn bản kèm theo)",
            location=location,
            timestamper=timestamper,
            embed_revocation=embed_revocation,
            text_params={"when": attachment_time_text(when or timezone.now())},
        )


def key_material(signing_key) -> KeyMaterial:
    """The ``KeyMaterial`` of a ``SigningKey`` row (its password or PIN decrypted)."""
    from .crypto import open_password

    return KeyMaterial(
        pkcs12=bytes(signing_key.pkcs12),
        password=open_password(signing_key.password_encrypted),
        image=bytes(signing_key.image),
        certificate_der=bytes(signing_key.certificate_der),
        token_module=signing_key.token_module,
        token_label=signing_key.token_label,
        token_key_label=signing_key.token_key_label,
    )
