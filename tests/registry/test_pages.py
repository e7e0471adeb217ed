"""Register pages under /app/so/ and the admin registrations."""

from __future__ import annotations

from django.urls import reverse

import pytest

from congvu.audit.models import AuditRecord
from congvu.registry.constants import AdminNumbering, NumberStatus
from congvu.registry.models import DocumentType, UnitNumberingPolicy
from tests.factories import PositionFactory, UnitFactory

from .factories import IssuedNumberFactory, RegisterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(unit, clerk):
    mine = RegisterFactory(unit=unit, year=2026, name="Sổ văn bản đi 2026 của xã")
    old = RegisterFactory(unit=unit, year=2025, name="Sổ văn bản đi 2025 của xã", closed=True)
    secret = RegisterFactory(unit=unit, secret=True, name="Sổ văn bản đi Mật 2026")
    other = RegisterFactory(name="Sổ của xã khác")
    used = IssuedNumberFactory(register=mine, number=1)
    voided = IssuedNumberFactory(register=mine, number=2, voided=True, void_reason="Ghi nhầm")
    return locals()


def test_list_shows_only_registers_in_scope_with_year_filter(client, world, unit):
    specialist = PositionFactory(unit=unit).user
    client.force_login(specialist)
    body = client.get(reverse("registry:register_list")).content.decode()
    assert "Sổ văn bản đi 2026 của xã" in body
    assert "Sổ văn bản đi 2025 của xã" in body
    assert "Sổ của xã khác" not in body
    assert "Mật 2026" not in body  # no clearance
    body = client.get(reverse("registry:register_list"), {"nam": 2025}).content.decode()
    assert "2025 của xã" in body and "2026 của xã" not in body


def test_detail_shows_numbers_and_void_reasons_and_404s_outside_scope(client, world, clerk):
    client.force_login(clerk)
    body = client.get(reverse("registry:register_detail", args=[world["mine"].pk])).content.decode()
    assert "Ghi nhầm" in body
    assert reverse("registry:number_void", args=[world["used"].pk]) in body
    assert reverse("registry:number_void", args=[world["voided"].pk]) not in body
    other = client.get(reverse("registry:register_detail", args=[world["other"].pk]))
    assert other.status_code == 404


def test_reading_a_secret_register_leaves_an_access_record(client, world, clerk):
    client.force_login(clerk)  # clerk has clearance 1
    resp = client.get(reverse("registry:register_detail", args=[world["secret"].pk]))
    assert resp.status_code == 200
    assert AuditRecord.objects.filter(kind="access", object_id=str(world["secret"].pk)).exists()


def test_clerk_voids_a_number_with_a_reason(client, world, clerk):
    client.force_login(clerk)
    url = reverse("registry:number_void", args=[world["used"].pk])
    missing = client.post(url, {"reason": "  "})
    assert missing.status_code == 400
    world["used"].refresh_from_db()
    assert world["used"].status == NumberStatus.USED
    resp = client.post(url, {"reason": "Văn bản không phát hành"})
    assert resp.status_code == 302
    world["used"].refresh_from_db()
    assert world["used"].status == NumberStatus.VOIDED
    assert world["used"].void_reason == "Văn bản không phát hành"


def test_a_specialist_cannot_void(client, world, unit):
    client.force_login(PositionFactory(unit=unit).user)
    url = reverse("registry:number_void", args=[world["used"].pk])
    assert "Chỉ văn thư" in client.get(url).content.decode()
    client.post(url, {"reason": "Thử"})
    world["used"].refresh_from_db()
    assert world["used"].status == NumberStatus.USED


def test_leader_closes_a_register(client, world, unit):
    client.force_login(PositionFactory(leader=True, unit=unit).user)
    url = reverse("registry:register_close", args=[world["mine"].pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"xac_nhan": "1"}).status_code == 302
    world["mine"].refresh_from_db()
    assert world["mine"].is_closed
    assert client.post(url, {"xac_nhan": "1"}).status_code == 400  # already closed


def test_specialist_cannot_close(client, world, unit):
    client.force_login(PositionFactory(unit=unit).user)
    resp = client.post(
        reverse("registry:register_close", args=[world["mine"].pk]), {"xac_nhan": "1"}
    )
    assert resp.status_code == 400
    world["mine"].refresh_from_db()
    assert not world["mine"].is_closed


def test_unit_admin_sets_the_numbering_policy(client, unit, clerk):
    admin = PositionFactory(unit_admin=True, unit=unit).user
    client.force_login(admin)
    page = client.get(reverse("registry:numbering_policy")).content.decode()
    assert f'id="unit-{unit.pk}"' in page
    resp = client.post(
        reverse("registry:numbering_policy_set", args=[unit.pk]),
        {f"u{unit.pk}-admin_numbering": AdminNumbering.PER_TYPE},
    )
    assert resp.status_code == 302
    assert UnitNumberingPolicy.objects.get(unit=unit).admin_numbering == AdminNumbering.PER_TYPE
    # Another unit's policy answers 404; a clerk administers nothing.
    other = UnitFactory()
    assert client.post(reverse("registry:numbering_policy_set", args=[other.pk])).status_code == 404
    client.force_login(clerk)
    page = client.get(reverse("registry:numbering_policy")).content.decode()
    assert f'id="unit-{unit.pk}"' not in page
    assert client.post(reverse("registry:numbering_policy_set", args=[unit.pk])).status_code == 404


def test_pages_carry_no_inline_style_or_script(client, world, clerk):
    client.force_login(clerk)
    for url in [
        reverse("registry:register_list"),
        reverse("registry:register_detail", args=[world["mine"].pk]),
        reverse("registry:number_void", args=[world["used"].pk]),
        reverse("registry:register_close", args=[world["mine"].pk]),
        reverse("registry:numbering_policy"),
    ]:
        html = client.get(url).content.decode()
        assert "style=" not in html and "<style" not in html and "<script>" not in html, url


def test_admin_edits_document_types_and_shows_registers_read_only(client, world):
    admin = PositionFactory(role="system_admin", user__is_staff=True, user__is_superuser=True).user
    client.force_login(admin)
    giay_moi = DocumentType.objects.get(code="giay-moi")
    url = reverse("admin:registry_documenttype_change", args=[giay_moi.pk])
    resp = client.post(
        url,
        {"name": "Giấy mời họp", "abbreviation": "GM", "order": 23, "active": "on"},
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    giay_moi.refresh_from_db()
    assert giay_moi.name == "Giấy mời họp"
    assert AuditRecord.objects.filter(action="congvu.registry.document_type.changed").exists()
    register_url = reverse("admin:registry_register_change", args=[world["mine"].pk])
    assert client.get(register_url).status_code == 200
    assert client.get(reverse("admin:registry_register_add")).status_code == 403
    assert client.get(reverse("admin:registry_issuednumber_changelist")).status_code == 200
    assert client.get(reverse("admin:registry_unitnumberingpolicy_add")).status_code == 200
