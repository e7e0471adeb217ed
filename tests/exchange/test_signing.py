"""XML-DSig of packages: we sign with SHA-256, old systems' SHA-1 is accepted, tampering is caught."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureMethod, XMLSigner

from congvu.exchange import edxml
from congvu.exchange.edxml.signing import DSIG, chain_certificates, chain_trusted
from congvu.signatures import pki

from .conftest import fixture_bytes, sample_message


class LegacySigner(XMLSigner):
    """Signs like the older systems do (RSA-SHA1, SHA-1 digest, exc-c14n), for the fixtures."""

    def check_deprecated_methods(self):
        return None


def legacy_signed(data: bytes, ca) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = pki.issue_certificate(ca, "VP UBND tỉnh (hệ thống cũ)", "UBND tỉnh", key.public_key())
    root = etree.fromstring(data)
    header = next(n for n in root.iter() if etree.QName(n).localname == "edXMLHeader")
    etree.SubElement(header, f"{{{DSIG}}}Signature", Id="placeholder", nsmap={"ds": DSIG})
    signer = LegacySigner(
        signature_algorithm=SignatureMethod.RSA_SHA1,
        digest_algorithm=DigestAlgorithm.SHA1,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(root, key=key, cert=[pki.Authority(cert, None).pem])
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def test_signed_package_verifies_and_still_parses(agency_material):
    key, cert, chain = agency_material
    message = sample_message()
    signed = edxml.sign(edxml.build(message), key=key, certificate=cert, chain=chain)
    info = edxml.verify(signed)
    assert "UBND tỉnh Vĩnh Long" in info.subject
    assert info.digest_method.endswith("sha256")
    assert edxml.parse(signed) == message
    # The signature sits at the end of the header.
    root = etree.fromstring(signed)
    header = next(n for n in root.iter() if etree.QName(n).localname == "edXMLHeader")
    assert header[-1].tag == f"{{{DSIG}}}Signature"


def _flip_attachment(data: bytes) -> bytes:
    start = data.index(b"<ContentTransferEncoded>") + len(b"<ContentTransferEncoded>") + 20
    flipped = b"A" if data[start : start + 1] != b"A" else b"B"
    return data[:start] + flipped + data[start + 1 :]


@pytest.mark.parametrize(
    "tamper",
    [
        # the trích yếu
        lambda d: d.replace("cải cách hành chính".encode(), "cải cách thủ tục".encode(), 1),
        # the độ khẩn
        lambda d: d.replace(b"<edXML:Priority>2<", b"<edXML:Priority>3<", 1),
        # one byte of an attachment
        _flip_attachment,
        # a recipient added
        lambda d: d.replace(
            b"</edXML:To>",
            b"</edXML:To><edXML:To><edXML:OrganId>000.00.99.H56</edXML:OrganId></edXML:To>",
            1,
        ),
    ],
    ids=["subject", "priority", "attachment", "recipient"],
)
def test_any_change_after_signing_is_detected(agency_material, tamper):
    key, cert, chain = agency_material
    signed = edxml.sign(edxml.build(sample_message()), key=key, certificate=cert, chain=chain)
    tampered = tamper(signed)
    assert tampered != signed
    with pytest.raises(edxml.EdXMLError) as err:
        edxml.verify(tampered)
    assert err.value.code == "edxml_signature_invalid"


def test_unsigned_package_verifies_as_none():
    assert edxml.verify(fixture_bytes("vnpt_prefixed.xml")) is None


def test_sha1_of_older_systems_is_accepted_unless_switched_off(settings, ca):
    signed = legacy_signed(fixture_bytes("vnpt_prefixed.xml"), ca)
    info = edxml.verify(signed)
    assert info.digest_method.endswith("#sha1")
    assert info.signature_method.endswith("rsa-sha1")
    assert edxml.parse(signed) == edxml.parse(fixture_bytes("vnpt_prefixed.xml"))
    settings.CONGVU_EDXML_ACCEPT_SHA1 = False
    with pytest.raises(edxml.EdXMLError) as err:
        edxml.verify(signed)
    assert err.value.code == "edxml_signature_invalid"


def test_signing_twice_is_refused(agency_material):
    key, cert, chain = agency_material
    signed = edxml.sign(edxml.build(sample_message()), key=key, certificate=cert)
    with pytest.raises(edxml.EdXMLError) as err:
        edxml.sign(signed, key=key, certificate=cert)
    assert err.value.code == "edxml_already_signed"


def test_chain_is_checked_against_the_anchors(ca, agency_material):
    key, cert, chain = agency_material
    signed = edxml.sign(edxml.build(sample_message()), key=key, certificate=cert, chain=chain)
    certs = chain_certificates(signed)
    assert certs[0] == cert
    assert chain_trusted(certs[0], [ca.cert], intermediates=certs[1:]) is True
    assert chain_trusted(certs[0], [pki.make_ca().cert], intermediates=certs[1:]) is False
    assert chain_trusted(certs[0], []) is None
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3000)
    assert chain_trusted(certs[0], [ca.cert], at=later) is False


def test_a_chain_through_an_intermediate_is_trusted():
    root = pki.make_ca("Root CA thử")
    intermediate_key = pki.make_ca("Intermediate").key
    intermediate = pki.issue_certificate(root, "Sub CA", "", intermediate_key.public_key())
    # Re-issue it as a CA certificate: issue_certificate makes end-entity certificates.
    from cryptography.hazmat.primitives import hashes

    now = datetime.datetime.now(datetime.UTC)
    intermediate = (
        x509.CertificateBuilder()
        .subject_name(intermediate.subject)
        .issuer_name(root.cert.subject)
        .public_key(intermediate_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(root.key, hashes.SHA256())
    )
    sub = pki.Authority(intermediate, intermediate_key)
    data = pki.issue_pkcs12(sub, "Agency", "Agency", "pw")
    _key, cert, _chain = pkcs12.load_key_and_certificates(data, b"pw")
    assert chain_trusted(cert, [root.cert], intermediates=[intermediate]) is True
    assert chain_trusted(cert, [root.cert]) is False
