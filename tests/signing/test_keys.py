"""Registering signing keys: only administrators, only keys that open and are valid today."""

import datetime

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.signatures import pki, services
from congvu.signatures.crypto import open_password
from congvu.signatures.models import KeyKind, SigningKey
from tests.signing.conftest import PASSWORD, trust


def register(actor, commune, ca, **kw):
    args = {
        "actor": actor,
        "unit": commune.unit,
        "kind": KeyKind.PERSON,
        "user": commune.leader,
        "pkcs12_data": pki.issue_pkcs12(ca, "Lê Văn Ký", commune.unit.name, PASSWORD),
        "password": PASSWORD,
        "image": pki.signature_png("ky"),
    }
    args.update(kw)
    trust(ca)
    return services.signing_key_register(**args)


@pytest.mark.django_db
def test_register_keeps_password_encrypted_and_audits(admin, ca, commune):
    key = register(admin, commune, ca)
    assert key.subject.startswith("CN=Lê Văn Ký")
    assert PASSWORD not in key.password_encrypted
    assert open_password(key.password_encrypted) == PASSWORD.encode()
    assert AuditRecord.objects.filter(action="congvu.signatures.signing_key.register").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"password": "sai"}, "pkcs12_invalid", "pkcs12"),
        ({"pkcs12_data": b"not a pkcs12"}, "pkcs12_invalid", "pkcs12"),
        ({"image": b"GIF89a...."}, "image_not_png", "image"),
        ({"user": None}, "key_owner_mismatch", "user"),
        ({"kind": "robot"}, "invalid_kind", "kind"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(admin, ca, commune, change, code, field):
    with pytest.raises(ServiceError) as err:
        register(admin, commune, ca, **change)
    assert err.value.code == code
    assert [e.field for e in err.value.errors] == [field]
    assert not SigningKey.objects.exists()


@pytest.mark.django_db
def test_expired_certificate_is_refused(admin, ca, commune):
    data = pki.issue_pkcs12(ca, "Lê Văn Ký", commune.unit.name, PASSWORD, days=1)
    with pytest.raises(ServiceError) as err:
        import time_machine

        with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)):
            register(admin, commune, ca, pkcs12_data=data)
    assert err.value.code == "certificate_not_valid_now"


@pytest.mark.django_db
def test_only_administrators_register(ca, commune):
    with pytest.raises(PermissionDenied):
        register(commune.clerk, commune, ca)
    assert not SigningKey.objects.exists()


@pytest.mark.django_db
def test_revoked_key_no_longer_signs(settings, admin, ca, commune):
    from tests.outgoing.helpers import approved
    from tests.signing.conftest import register_keys

    settings.CONGVU_SIGNER = "pades"
    register_keys(admin, ca, commune)
    doc = approved(commune)
    key = SigningKey.objects.get(kind=KeyKind.PERSON)
    services.signing_key_revoke(actor=admin, signing_key=key)
    with pytest.raises(TransitionNotAllowed):
        services.signing_key_revoke(actor=admin, signing_key=key)
    from congvu.outgoing import services as outgoing

    with pytest.raises(ServiceError) as err:
        outgoing.document_issue(actor=commune.clerk, document=doc)
    assert err.value.code == "signer_key_missing"


@pytest.mark.django_db
def test_keys_expiring_within_a_month_are_listed_for_admin_and_holder(admin, ca, commune):
    from congvu.signatures.selectors import keys_expiring

    soon = register(
        admin,
        commune,
        ca,
        pkcs12_data=pki.issue_pkcs12(ca, "Sắp hết hạn", commune.unit.name, PASSWORD, days=10),
    )
    register(admin, commune, ca, user=commune.deputy)  # two years left
    assert list(keys_expiring(admin)) == [soon]
    assert list(keys_expiring(commune.leader)) == [soon]  # the holder sees their own
    assert list(keys_expiring(commune.deputy)) == []
    assert list(keys_expiring(commune.clerk)) == []  # not theirs, not their administration
