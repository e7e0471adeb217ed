"""Generated test and demo PKI: a local CA, per-person and per-agency PKCS#12, PNG images.

Nothing here is a real key: everything is made when the demo is loaded or a
test runs, with a CA named as a test CA, so no shipped file ever holds a
private key.
"""

from __future__ import annotations

import datetime
import io
import math
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class Authority:
    """A generated CA: its certificate and key."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

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


def issue_certificate(ca: Authority, common_name: str, org: str, public_key, days: int = 730):
    """A signing certificate for ``public_key`` (digital signature, non-repudiation) from ``ca``."""
    now = datetime.datetime.now(datetime.UTC)
    return (
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
        .sign(ca.key, hashes.SHA256())
    )


def issue_pkcs12(
    ca: Authority, common_name: str, org: str, password: str, days: int = 730
) -> bytes:
    """A signing certificate for ``common_name`` from ``ca``, as PKCS#12 with the CA certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_certificate(ca, common_name, org, key.public_key(), days)
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
