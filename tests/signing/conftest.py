"""A commune with a generated test CA, a key for its leader and one for the agency; PAdES on."""

import pytest

from congvu.signatures import pki, services
from congvu.signatures.models import KeyKind
from tests.factories import PositionFactory
from tests.outgoing.conftest import make_commune

PASSWORD = "mat-khau-thu"


@pytest.fixture
def ca():
    return pki.make_ca()


@pytest.fixture
def admin(db):
    return PositionFactory(system_admin=True).user


@pytest.fixture
def commune(db):
    return make_commune("Thạnh Phú")


def trust(ca):
    """The test CA as a configured trust anchor (keys from an untrusted CA need a confirmation)."""
    return services.add_anchor_unchecked(actor=None, name="Test CA", certificate_pem=ca.pem)


@pytest.fixture
def trusted(db, ca):
    return trust(ca)


def register_keys(admin, ca, commune, *, person=True, agency=True):
    trust(ca)
    if person:
        services.signing_key_register(
            actor=admin,
            unit=commune.unit,
            kind=KeyKind.PERSON,
            user=commune.leader,
            pkcs12_data=pki.issue_pkcs12(ca, "Nguyễn Thị Hồng Nhung", commune.unit.name, PASSWORD),
            password=PASSWORD,
            image=pki.signature_png("nhung"),
        )
    if agency:
        services.signing_key_register(
            actor=admin,
            unit=commune.unit,
            kind=KeyKind.AGENCY,
            pkcs12_data=pki.issue_pkcs12(ca, commune.unit.name, commune.unit.name, PASSWORD),
            password=PASSWORD,
            image=pki.seal_png(),
        )


@pytest.fixture
def signing(settings, admin, ca, commune):
    """PAdES on, the CA trusted, the leader and the agency holding keys."""
    settings.CONGVU_SIGNER = "pades"
    services.trust_anchor_add(actor=admin, name="Test CA", certificate_pem=ca.pem)
    register_keys(admin, ca, commune)
    return commune
