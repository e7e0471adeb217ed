"""A key whose certificate is self-signed or outside the trust anchors: a warning, an explicit yes."""

import datetime

from django.urls import reverse

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from congvu.audit.models import AuditRecord
from congvu.core.errors import ServiceError
from congvu.signatures import pki, services
from congvu.signatures.models import KeyKind, SigningKey, TrustAnchor
from tests.factories import PositionFactory
from tests.signing.conftest import PASSWORD, trust

REGISTERED = "congvu.signatures.signing_key.register"


def _p12(key, cert, extra=()) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"k", key, cert, list(extra), serialization.BestAvailableEncryption(PASSWORD.encode())
    )


def self_signed_p12(name="Tự ký") -> tuple[bytes, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return _p12(key, cert), cert


def intermediate_of(root: pki.Authority) -> pki.Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "CA trung gian")]))
        .issuer_name(root.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(root.key, hashes.SHA256())
    )
    return pki.Authority(cert, key)


def register(admin, commune, data, **kw):
    return services.signing_key_register(
        actor=admin,
        unit=commune.unit,
        kind=KeyKind.AGENCY,
        pkcs12_data=data,
        password=PASSWORD,
        image=pki.seal_png(),
        **kw,
    )


def audit_after(key) -> dict:
    return AuditRecord.objects.get(action=REGISTERED, object_id=str(key.pk)).after


@pytest.mark.django_db
def test_untrusted_ca_is_refused_unless_accepted_and_the_audit_says_so(admin, ca, commune):
    data = pki.issue_pkcs12(ca, commune.unit.name, commune.unit.name, PASSWORD)
    with pytest.raises(ServiceError) as err:
        register(admin, commune, data)
    assert err.value.code == "certificate_untrusted"
    assert err.value.errors[0].field == "accept_untrusted"
    assert "không thuộc chứng thư gốc tin cậy" in err.value.message
    assert not SigningKey.objects.exists()
    key = register(admin, commune, data, accept_untrusted=True)
    after = audit_after(key)
    assert after["trust"] == "untrusted" and after["untrusted_accepted"] is True


@pytest.mark.django_db
def test_trusted_ca_registers_without_a_confirmation(admin, ca, commune):
    trust(ca)
    key = register(admin, commune, pki.issue_pkcs12(ca, "UBND", "UBND", PASSWORD))
    assert audit_after(key)["trust"] == "trusted"
    assert "untrusted_accepted" not in audit_after(key)


@pytest.mark.django_db
def test_a_chain_through_an_intermediate_in_the_file_is_trusted(admin, ca, commune):
    trust(ca)
    middle = intermediate_of(ca)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = pki.issue_certificate(middle, "UBND", "UBND", leaf_key.public_key())
    assert services.trust_problem(leaf) == services.UNTRUSTED  # the path needs the intermediate
    key = register(admin, commune, _p12(leaf_key, leaf, [middle.cert]))
    assert audit_after(key)["trust"] == "trusted"


@pytest.mark.django_db
def test_self_signed_is_refused_even_when_it_is_an_anchor(admin, commune):
    data, cert = self_signed_p12()
    services.add_anchor_unchecked(
        actor=None,
        name="tự ký",
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
    )
    with pytest.raises(ServiceError) as err:
        register(admin, commune, data)
    assert err.value.code == "certificate_self_signed"
    assert "chứng thư tự ký" in err.value.message
    key = register(admin, commune, data, accept_untrusted=True)
    assert audit_after(key)["trust"] == "self_signed"


@pytest.mark.django_db
def test_remote_key_from_an_untrusted_ca_needs_the_flag(admin, ca, commune, settings, tmp_path):
    from congvu.signatures import sandbox
    from tests.signing.test_remote import enrol

    settings.CONGVU_SIGNING_SANDBOX = True
    settings.CONGVU_SIGNING_SANDBOX_DIR = str(tmp_path / "sb")
    settings.CONGVU_SIGNING_REMOTE_URL = ""
    account = enrol(sandbox.SandboxStore(), ca, "Nguyễn Thị Hồng Nhung", commune.unit.name)
    args = {
        "actor": admin,
        "unit": commune.unit,
        "user": commune.leader,
        "account": account.account_id,
        "certificate_der": account.certificates[0],
        "image": pki.signature_png("nhung"),
    }
    with pytest.raises(ServiceError) as err:
        services.signing_key_register_remote(**args)
    assert err.value.code == "certificate_untrusted"
    trust(ca)
    key = services.signing_key_register_remote(**args)
    assert audit_after(key)["trust"] == "trusted"


@pytest.mark.django_db
def test_the_form_warns_and_registers_only_with_the_box_ticked(client, ca, commune):
    from django.core.files.uploadedfile import SimpleUploadedFile

    unit_admin = PositionFactory(unit=commune.unit, unit_admin=True).user
    client.force_login(unit_admin)
    data = pki.issue_pkcs12(ca, "Nguyễn Thị Hồng Nhung", commune.unit.name, PASSWORD)

    def post(**extra):
        return client.post(
            reverse("signatures:key_register"),
            {
                "kind": KeyKind.PERSON,
                "unit": commune.unit.pk,
                "user": commune.leader.pk,
                "password": PASSWORD,
                "pkcs12": SimpleUploadedFile("k.p12", data),
                "image": SimpleUploadedFile("k.png", pki.signature_png("n"), "image/png"),
                **extra,
            },
        )

    page = client.get(reverse("signatures:key_register")).content.decode()
    assert 'name="accept_untrusted"' not in page  # no box until there is something to confirm
    warned = post()
    html = warned.content.decode()
    assert warned.status_code == 400
    assert 'data-warning="certificate-trust"' in html and 'role="alert"' in html
    assert "không thuộc chứng thư gốc tin cậy" in html and 'name="accept_untrusted"' in html
    # The password box comes back empty: the page says to type it again.
    assert "nhập lại mật khẩu hoặc mã PIN" in html
    assert 'class="field field-check"' in html  # the tick box beside its text
    assert not SigningKey.objects.exists()
    done = post(accept_untrusted="on")
    assert done.status_code == 302
    key = SigningKey.objects.get()
    assert audit_after(key)["untrusted_accepted"] is True
    assert AuditRecord.objects.get(action=REGISTERED).actor_id == unit_admin.pk
    assert TrustAnchor.objects.count() == 0


@pytest.mark.django_db
def test_a_certificate_naming_someone_else_needs_the_same_confirmation(client, ca, commune):
    """CN "Nguyễn Thị Kiểm Thử" for official "Trương Công Danh": warned, registered only when ticked."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    trust(ca)
    commune.leader.full_name = "Trương Công Danh"
    commune.leader.save(update_fields=["full_name"])
    unit_admin = PositionFactory(unit=commune.unit, unit_admin=True).user
    client.force_login(unit_admin)

    def post(cn, **extra):
        return client.post(
            reverse("signatures:key_register"),
            {
                "kind": KeyKind.PERSON,
                "unit": commune.unit.pk,
                "user": commune.leader.pk,
                "password": PASSWORD,
                "pkcs12": SimpleUploadedFile("k.p12", pki.issue_pkcs12(ca, cn, "UBND", PASSWORD)),
                "image": SimpleUploadedFile("k.png", pki.signature_png("n"), "image/png"),
                **extra,
            },
        )

    warned = post("Nguyễn Thị Kiểm Thử")
    html = warned.content.decode()
    assert warned.status_code == 400 and 'data-warning="certificate-trust"' in html
    assert "Nguyễn Thị Kiểm Thử" in html and "Trương Công Danh" in html
    assert not SigningKey.objects.exists()
    assert post("Nguyễn Thị Kiểm Thử", accept_untrusted="on").status_code == 302
    key = SigningKey.objects.get()
    after = audit_after(key)
    assert after["name_mismatch"] == "Nguyễn Thị Kiểm Thử" and after["untrusted_accepted"] is True
    page = client.get(reverse("signatures:key_detail", args=[key.pk])).content.decode()
    assert 'data-warning="name-mismatch"' in page
    # The same name without accents or in capitals is the same person: no warning.
    key.delete()
    assert post("TRUONG CONG DANH").status_code == 302


@pytest.mark.django_db
def test_the_key_page_says_it_was_accepted_untrusted(client, ca, commune):
    admin = PositionFactory(unit=commune.unit, unit_admin=True).user
    data, _cert = self_signed_p12()
    key = register(admin, commune, data, accept_untrusted=True)
    client.force_login(admin)
    page = client.get(reverse("signatures:key_detail", args=[key.pk])).content.decode()
    assert 'data-trust="self_signed"' in page and "Chứng thư tự ký" in page
    trust(ca)
    trusted = register(admin, commune, pki.issue_pkcs12(ca, "UBND", "UBND", PASSWORD))
    page = client.get(reverse("signatures:key_detail", args=[trusted.pk])).content.decode()
    assert "data-trust=" not in page


def test_certificate_names_read_the_same_whatever_their_order():
    from congvu.signatures.templatetags.signing_keys import common_name, readable_name

    assert readable_name("C=VN,O=UBND xã Thạnh Phú,CN=Trương Công Danh") == (
        "CN=Trương Công Danh, O=UBND xã Thạnh Phú, C=VN"
    )
    assert readable_name("O=UBND,CN=Trương Công Danh") == "CN=Trương Công Danh, O=UBND"
    assert readable_name("CN=A\\, B") == "CN=A, B"
    assert common_name("C=VN,CN=Trương Công Danh") == "Trương Công Danh"
    assert readable_name("not a name") == "not a name"
