"""The leader signs through PKCS#11 with a key generated on a SoftHSM2 token that never leaves it."""

import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from congvu.core.errors import ServiceError
from congvu.files.services import file_open_verified
from congvu.signatures import pki, services
from congvu.signatures.models import KeyKind, SigningKey
from congvu.signatures.pades import SIGNER_FIELD
from congvu.signatures.validation import validate_pdf
from tests.outgoing.helpers import issued
from tests.signing.conftest import register_keys

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, PIN, KEY = "congvu-test", "5678", "ky-lanh-dao"


@pytest.fixture
def token(tmp_path, monkeypatch, ca):
    """A fresh SoftHSM2 token with an RSA key generated inside it (not extractable)."""
    import pkcs11
    from pkcs11 import Attribute, KeyType, ObjectClass

    assert Path(MODULE).exists(), "softhsm2 is not installed (deps/debian-test-packages.txt)"
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            TOKEN,
            "--so-pin",
            "1234",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
    )
    lib = pkcs11.lib(MODULE)
    lib.reinitialize()  # the token directory is new to this process
    with lib.get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        public, private = session.generate_keypair(
            KeyType.RSA,
            2048,
            label=KEY,
            store=True,
            private_template={Attribute.EXTRACTABLE: False, Attribute.SENSITIVE: True},
        )
        numbers = rsa.RSAPublicNumbers(
            int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
            int.from_bytes(public[Attribute.MODULUS], "big"),
        )
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=KEY)
        assert key[Attribute.EXTRACTABLE] is False and key[Attribute.SENSITIVE] is True
    cert = pki.issue_certificate(ca, "Trần Văn Token", "UBND xã Thạnh Phú", numbers.public_key())
    return cert.public_bytes(serialization.Encoding.DER)


@pytest.mark.django_db
def test_leader_signs_with_a_key_on_the_token(settings, admin, ca, commune, token):
    settings.CONGVU_SIGNER = "pades"
    services.trust_anchor_add(actor=admin, name="Test CA", certificate_pem=ca.pem)
    register_keys(admin, ca, commune, person=False)
    key = services.signing_key_register_token(
        actor=admin,
        unit=commune.unit,
        kind=KeyKind.PERSON,
        user=commune.leader,
        module=MODULE,
        token_label=TOKEN,
        key_label=KEY,
        pin=PIN,
        certificate_der=token,
        image=pki.signature_png("token"),
    )
    assert bytes(key.pkcs12) == b""  # nothing of the key is in the database
    doc = issued(commune)
    with file_open_verified(doc.issued_file) as handle:
        reports = validate_pdf(handle.read())
    assert [r.field for r in reports][0] == SIGNER_FIELD
    assert reports[0].signer == "Trần Văn Token"
    assert all(r.ok for r in reports), reports


@pytest.mark.django_db
def test_wrong_pin_or_certificate_is_refused(admin, ca, commune, token):
    other = pki.issue_certificate(
        ca, "Người khác", "UBND", rsa.generate_private_key(65537, 2048).public_key()
    ).public_bytes(serialization.Encoding.DER)
    for pin, cert in (("0000", token), (PIN, other)):
        with pytest.raises(ServiceError) as err:
            services.signing_key_register_token(
                actor=admin,
                unit=commune.unit,
                kind=KeyKind.PERSON,
                user=commune.leader,
                module=MODULE,
                token_label=TOKEN,
                key_label=KEY,
                pin=pin,
                certificate_der=cert,
            )
        assert err.value.code == "token_key_not_found"
    assert not SigningKey.objects.exists()
