"""Receiving packages: raw bytes kept first, parse outcome recorded, idempotent, audited."""

from __future__ import annotations

from django.core.files.storage import default_storage

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import ServiceError
from congvu.exchange import edxml
from congvu.exchange.constants import PackageState, SignatureState
from congvu.exchange.models import ReceivedPackage
from congvu.exchange.selectors import packages_refused, packages_waiting
from congvu.exchange.services import package_bytes, package_receive
from congvu.signatures.services import trust_anchor_add
from tests.factories import PositionFactory, UnitFactory

from .conftest import COMMUNE_CODE, MALFORMED, fixture_bytes, sample_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return UnitFactory(commune=True, name="UBND xã Thạnh Phú", code=COMMUNE_CODE)


def receive(data: bytes) -> ReceivedPackage:
    return package_receive(raw=data, source="edxml_axis")


def test_a_good_package_waits_for_registration_in_its_unit(commune):
    package = receive(fixture_bytes("vnpt_prefixed.xml"))
    assert package.state == PackageState.ACCEPTED
    assert package.kind == "edoc"
    assert package.unit == commune
    assert package.sender_code == "000.00.00.H56"
    assert package.message_id == "000.00.00.H56,2026,125/QĐ-UBND"
    assert package.summary["code"] == "125/QĐ-UBND"
    assert package.summary["attachments"][0]["name"] == "125-QD-UBND.pdf"
    assert package.signature_state == SignatureState.UNSIGNED
    assert package_bytes(package) == fixture_bytes("vnpt_prefixed.xml")
    assert default_storage.exists(package.storage_name)
    actions = list(
        AuditRecord.objects.filter(object_id=str(package.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["congvu.exchange.package.received", "congvu.exchange.package.accepted"]


@pytest.mark.parametrize(("name", "code"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_package_is_refused_and_its_bytes_kept(name, code):
    data = fixture_bytes(f"{name}.xml")
    package = receive(data)
    assert package.state == PackageState.REFUSED
    assert package.refusal_code == code
    assert package.refusal_reason
    assert package_bytes(package) == data


def test_the_same_bytes_twice_store_one_package(commune):
    first = receive(fixture_bytes("vnpt_prefixed.xml"))
    second = receive(fixture_bytes("vnpt_prefixed.xml"))
    assert first.pk == second.pk
    assert ReceivedPackage.objects.count() == 1


def test_a_resent_message_is_kept_as_a_duplicate(commune):
    first = receive(fixture_bytes("vnpt_prefixed.xml"))
    # The same DocumentId re-sent with other bytes (e.g. re-signed, reformatted).
    again = receive(fixture_bytes("vnpt_prefixed.xml").replace(b"\n", b"\r\n"))
    assert again.pk != first.pk
    assert again.state == PackageState.DUPLICATE
    assert again.duplicate_of == first
    assert package_bytes(again) != package_bytes(first)


def test_a_tampered_signed_package_is_refused(commune, agency_material):
    key, cert, chain = agency_material
    signed = edxml.sign(edxml.build(sample_message()), key=key, certificate=cert, chain=chain)
    tampered = signed.replace("cải cách hành chính".encode(), "cải cách thủ tục".encode())
    package = receive(tampered)
    assert package.state == PackageState.REFUSED
    assert package.refusal_code == "edxml_signature_invalid"
    assert package.signature_state == SignatureState.INVALID
    assert package_bytes(package) == tampered


def test_signature_trust_follows_the_anchors(commune, ca, agency_material, settings):
    key, cert, chain = agency_material

    def signed(subject):
        message = sample_message(subject=subject, document_id=subject)
        return edxml.sign(edxml.build(message), key=key, certificate=cert, chain=chain)

    assert receive(signed("một")).signature_state == SignatureState.UNCHECKED
    admin = PositionFactory(system_admin=True).user
    trust_anchor_add(actor=admin, name="CA khác", certificate_pem=_other_ca_pem())
    untrusted = receive(signed("hai"))
    assert untrusted.signature_state == SignatureState.UNTRUSTED
    assert untrusted.state == PackageState.ACCEPTED
    trust_anchor_add(actor=admin, name="CA thử", certificate_pem=ca.pem)
    trusted = receive(signed("ba"))
    assert trusted.signature_state == SignatureState.TRUSTED
    assert "UBND tỉnh Vĩnh Long" in trusted.signer_subject
    settings.CONGVU_EDXML_REQUIRE_TRUSTED = True
    assert receive(signed("bốn")).state == PackageState.ACCEPTED


def _other_ca_pem():
    from congvu.signatures import pki

    return pki.make_ca("CA không liên quan").pem


def test_unsigned_packages_can_be_required_signed(commune, settings):
    settings.CONGVU_EDXML_REQUIRE_SIGNATURE = True
    package = receive(fixture_bytes("vnpt_prefixed.xml"))
    assert package.state == PackageState.REFUSED
    assert package.refusal_code == "edxml_signature_missing"


def test_untrusted_can_be_refused(commune, settings, agency_material):
    settings.CONGVU_EDXML_REQUIRE_TRUSTED = True
    key, cert, chain = agency_material
    signed = edxml.sign(edxml.build(sample_message()), key=key, certificate=cert, chain=chain)
    package = receive(signed)
    assert package.refusal_code == "edxml_signature_untrusted"


def test_status_messages_are_recorded_for_the_original_sender(commune):
    package = receive(fixture_bytes("status_registered.xml"))
    assert package.kind == "status"
    assert package.state == PackageState.RECORDED
    assert package.unit == commune
    assert package.summary["status_code"] == "03"
    assert package.summary["response_for"]["code"] == "45/UBND-VP"


def test_a_package_for_no_known_unit_is_seen_by_system_administrators_only(commune):
    data = fixture_bytes("vnpt_prefixed.xml").replace(COMMUNE_CODE.encode(), b"000.99.99.H99")
    package = receive(data)
    assert package.unit is None
    clerk = PositionFactory(clerk=True, unit=commune).user
    admin = PositionFactory(system_admin=True).user
    assert not ReceivedPackage.objects.restrict(clerk, "view").filter(pk=package.pk).exists()
    assert ReceivedPackage.objects.restrict(admin, "view").filter(pk=package.pk).exists()


def test_packages_are_seen_by_the_clerks_of_the_receiving_unit_only(commune):
    package = receive(fixture_bytes("vnpt_prefixed.xml"))
    refused = receive(fixture_bytes("missing_subject.xml"))
    clerk = PositionFactory(clerk=True, unit=commune).user
    specialist = PositionFactory(unit=commune).user
    other_clerk = PositionFactory(clerk=True, unit=UnitFactory(commune=True)).user
    assert list(packages_waiting(clerk)) == [package]
    assert list(packages_waiting(specialist)) == []
    assert list(packages_waiting(other_clerk)) == []
    assert list(packages_refused(clerk)) == []  # no unit could be read from it
    assert refused.unit is None


@pytest.mark.parametrize(
    ("raw", "source", "code"),
    [(b"", "edxml_axis", "package_empty"), (b"x", "fax", "invalid_source")],
)
def test_nothing_and_unknown_channels_are_refused_before_storing(raw, source, code):
    with pytest.raises(ServiceError) as err:
        package_receive(raw=raw, source=source)
    assert err.value.code == code
    assert not ReceivedPackage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_bytes_survive_a_failure_while_reading(monkeypatch, commune):
    """The row and blob commit before parsing: a crash in the parser loses nothing."""
    from congvu.exchange.services import packages

    def boom(data):
        raise RuntimeError("parser crashed")

    monkeypatch.setattr(packages, "parse", boom)
    with pytest.raises(RuntimeError):
        receive(fixture_bytes("vnpt_prefixed.xml"))
    package = ReceivedPackage.objects.get()
    assert package.state == PackageState.RECEIVED
    assert package_bytes(package) == fixture_bytes("vnpt_prefixed.xml")
