"""/api/v1/units/: list with filters and pagination, retrieve, create and update via services."""

import datetime

import pytest

from congvu.audit.models import AuditRecord
from congvu.org.models import Unit
from tests.factories import PositionFactory, UnitFactory


@pytest.fixture
def tree(db):
    """A district (closed 30/06/2025) with two offices, and a commune that replaced it."""
    district = UnitFactory(kind="district", name="UBND huyện Thạnh Phú", closed=True)
    office = UnitFactory(name="Phòng Tài chính - Kế hoạch", parent=district, closed=True)
    other = UnitFactory(name="Văn phòng HĐND và UBND", parent=district, closed=True)
    commune = UnitFactory(
        commune=True, name="UBND xã Đại Điền", valid_from=datetime.date(2025, 7, 1)
    )
    return {"district": district, "office": office, "other": other, "commune": commune}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.django_db
def test_filters_by_date_kind_parent_and_accent_insensitive_name(api, actor_factory, tree):
    client = api(actor_factory("specialist", unit=tree["commune"]))
    t = tree
    assert ids(client.get("/api/v1/units/", {"active_on": "2025-06-30"})) == {
        t["district"].pk,
        t["office"].pk,
        t["other"].pk,
    }
    assert ids(client.get("/api/v1/units/", {"active_on": "2025-07-01"})) == {t["commune"].pk}
    assert ids(client.get("/api/v1/units/", {"kind": "commune"})) == {t["commune"].pk}
    assert ids(client.get("/api/v1/units/", {"parent": t["district"].pk})) == {
        t["office"].pk,
        t["other"].pk,
    }
    assert ids(client.get("/api/v1/units/", {"q": "dai dien"})) == {t["commune"].pk}
    assert ids(client.get("/api/v1/units/", {"q": "ĐẠI ĐIỀN"})) == {t["commune"].pk}
    assert ids(client.get("/api/v1/units/", {"q": "tai chinh"})) == {t["office"].pk}


@pytest.mark.django_db
def test_limit_offset_pagination(api, actor_factory, tree):
    client = api(actor_factory("specialist", unit=tree["commune"]))
    first = client.get("/api/v1/units/", {"limit": 2}).json()
    assert first["count"] == 4
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "offset=2" in first["next"]
    second = client.get(first["next"]).json()
    assert second["next"] is None
    seen = [r["id"] for r in first["results"] + second["results"]]
    assert sorted(seen) == sorted(Unit.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_retrieve_shows_history_links(api, actor_factory, tree):
    with_links = tree["commune"]
    with_links.predecessors.add(tree["district"])
    client = api(actor_factory("specialist", unit=tree["commune"]))
    body = client.get(f"/api/v1/units/{tree['district'].pk}/").json()
    assert body["name"] == "UBND huyện Thạnh Phú"
    assert body["valid_to"] == "2025-06-30"
    assert body["is_active"] is False
    assert body["successors"] == [with_links.pk]
    assert body["kind_display"]


@pytest.mark.django_db
def test_unit_admin_creates_and_updates_below_their_unit_with_audit(api, tree):
    commune = tree["commune"]
    admin = PositionFactory(unit_admin=True, unit=commune).user
    client = api(admin)
    created = client.post(
        "/api/v1/units/",
        {"kind": "subunit", "name": "Bộ phận Một cửa", "parent": commune.pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    unit = Unit.objects.get(pk=created.json()["id"])
    assert unit.parent == commune and created.json()["depth"] == 1
    assert AuditRecord.objects.filter(
        action="congvu.org.unit.created", object_id=str(unit.pk), actor=admin
    ).exists()

    changed = client.patch(f"/api/v1/units/{unit.pk}/", {"phone": "0275 3860 000"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["phone"] == "0275 3860 000"
    record = AuditRecord.objects.get(action="congvu.org.unit.updated", object_id=str(unit.pk))
    assert record.before["phone"] == "" and record.after["phone"] == "0275 3860 000"


@pytest.mark.django_db
def test_unit_admin_cannot_create_under_another_unit(api, tree):
    admin = PositionFactory(unit_admin=True, unit=tree["commune"]).user
    before = Unit.objects.count()
    response = api(admin).post(
        "/api/v1/units/",
        {"kind": "subunit", "name": "Tổ lạ", "parent": tree["office"].pk},
        format="json",
    )
    assert response.status_code == 403
    assert Unit.objects.count() == before
