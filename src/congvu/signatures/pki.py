"""Generated test and demo PKI: a local CA, per-person and per-agency PKCS#12, PNG images.

Nothing here is a real key: everything is made when the demo is loaded or a
test runs, with a CA named as a test CA, so no shipped file ever holds a
private key.
"""

from __future__ import annotations

import datetime
import io
import math
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID


@dataclass
class Authority:
    """A generated CA: its certificate and key, and what it revoked (serial -> when)."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    revoked: dict[int, datetime.datetime] = field(default_factory=dict)

    @property
    def pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()


def _name(common_name: str, org: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def make_ca(common_name: str = "congvu Test CA (không dùng thật)") -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    name = _name(common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(cert, key)


def issue_certificate(
    ca: Authority,
    common_name: str,
    org: str,
    public_key,
    days: int = 730,
    *,
    ocsp_url: str = "",
    crl_url: str = "",
):
    """A signing certificate for ``public_key`` (digital signature, non-repudiation) from ``ca``.

    With ``ocsp_url`` / ``crl_url`` the certificate says where its revocation
    status is published (AIA OCSP, CRL distribution point), as a licensed CA's do.
    """
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, org))
        .issuer_name(ca.cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
    )
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
                    )
                ]
            ),
            critical=False,
        )
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier(crl_url)], None, None, None
                    )
                ]
            ),
            critical=False,
        )
    return builder.sign(ca.key, hashes.SHA256())


def issue_pkcs12(
    ca: Authority,
    common_name: str,
    org: str,
    password: str,
    days: int = 730,
    *,
    ocsp_url: str = "",
    crl_url: str = "",
) -> bytes:
    """A signing certificate for ``common_name`` from ``ca``, as PKCS#12 with the CA certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_certificate(
        ca, common_name, org, key.public_key(), days, ocsp_url=ocsp_url, crl_url=crl_url
    )
    return pkcs12.serialize_key_and_certificates(
        common_name.encode(),
        key,
        cert,
        [ca.cert],
        serialization.BestAvailableEncryption(password.encode()),
    )


def signature_png(seed: str, width: int = 480, height: int = 240) -> bytes:
    """A blue handwritten-looking stroke on a transparent background (Appendix I: blue PNG)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    phase = sum(map(ord, seed)) % 17 / 3
    points = []
    for i in range(121):
        t = i / 120
        x = 30 + t * (width - 60)
        y = height / 2 + math.sin(t * 9 + phase) * height * 0.25 * (1 - t * 0.5)
        y += math.sin(t * 31 + phase) * height * 0.06
        points.append((x, y))
    draw.line(points, fill=(20, 40, 200, 255), width=7, joint="curve")
    draw.line(
        [(width * 0.2, height * 0.78), (width * 0.85, height * 0.7)],
        fill=(20, 40, 200, 255),
        width=5,
    )
    return _png(image)


def seal_png(size: int = 400) -> bytes:
    """A red round seal with a star (Appendix I: red, actual size, PNG)."""
    from PIL import Image, ImageDraw

    red = (215, 25, 32, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=12)
    draw.ellipse((size * 0.2, size * 0.2, size * 0.8, size * 0.8), outline=red, width=6)
    centre, outer, inner = size / 2, size * 0.2, size * 0.08
    star = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        star.append((centre + radius * math.cos(angle), centre + radius * math.sin(angle)))
    draw.polygon(star, fill=red)
    return _png(image)


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def issue_tsa(ca: Authority, common_name: str = "congvu Test TSA (không dùng thật)"):
    """A time-stamping certificate and key from ``ca`` (critical EKU timeStamping, RFC 3161).

    RSA, because pyHanko's test responder signs with RSA only.
    """
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    return cert, key


def revoke(ca: Authority, cert: x509.Certificate, when: datetime.datetime | None = None) -> None:
    """Record ``cert`` as revoked by ``ca`` (from ``when``, default now)."""
    ca.revoked[cert.serial_number] = when or datetime.datetime.now(datetime.UTC)


def crl_der(ca: Authority, *, hours: int = 24) -> bytes:
    """The CA's current CRL (signed by the CA) listing what it revoked."""
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(now - datetime.timedelta(minutes=5))
        .next_update(now + datetime.timedelta(hours=hours))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
    )
    for serial, when in ca.revoked.items():
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def ocsp_response_der(
    ca: Authority, request_der: bytes, issued: dict[int, x509.Certificate]
) -> bytes:
    """The CA's signed OCSP answer to ``request_der`` about one of the certificates ``issued``.

    Signed by the CA itself (RFC 6960 allows the issuer to answer); a serial
    the CA never issued gets "unauthorized" rather than a made-up status.
    """
    request = ocsp.load_der_ocsp_request(request_der)
    cert = issued.get(request.serial_number)
    if cert is None:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.UNAUTHORIZED
        ).public_bytes(serialization.Encoding.DER)
    now = datetime.datetime.now(datetime.UTC)
    revoked_at = ca.revoked.get(cert.serial_number)
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=cert,
        issuer=ca.cert,
        algorithm=request.hash_algorithm,
        cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD,
        this_update=now - datetime.timedelta(minutes=5),
        next_update=now + datetime.timedelta(hours=1),
        revocation_time=revoked_at,
        revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
    )
    builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, ca.cert)
    for extension in request.extensions:
        if isinstance(extension.value, x509.OCSPNonce):
            builder = builder.add_extension(extension.value, critical=False)
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
