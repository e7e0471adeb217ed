"""/api/v1/audit-records/: system admin all, unit admin their units, others their own actions."""

from django.db import transaction

import pytest

from congvu.audit.services import log_action
from tests.factories import PositionFactory, UnitFactory


def record(actor, unit, action="congvu.test.thing.changed"):
    with transaction.atomic():
        return log_action(actor=actor, action=action, obj=unit, after={"ok": True}, unit=unit)


@pytest.fixture
def world(db):
    commune, other = UnitFactory(commune=True), UnitFactory()
    specialist = PositionFactory(unit=commune).user
    colleague = PositionFactory(unit=commune).user
    outsider = PositionFactory(unit=other).user
    return {
        "commune": commune,
        "other": other,
        "specialist": specialist,
        "own": record(specialist, commune),
        "colleague": record(colleague, commune),
        "outside": record(outsider, other, action="congvu.org.unit.updated"),
    }


def listed(client, **params) -> set[int]:
    response = client.get("/api/v1/audit-records/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.django_db
def test_specialist_sees_own_actions_only_and_404_outside(api, world):
    client = api(world["specialist"])
    assert listed(client) == {world["own"].pk}
    assert client.get(f"/api/v1/audit-records/{world['own'].pk}/").status_code == 200
    for hidden in (world["colleague"], world["outside"]):
        response = client.get(f"/api/v1/audit-records/{hidden.pk}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_unit_admin_sees_their_units_records(api, world):
    admin = PositionFactory(unit_admin=True, unit=world["commune"]).user
    assert listed(api(admin)) == {world["own"].pk, world["colleague"].pk}


@pytest.mark.django_db
def test_system_admin_sees_all_and_filters(api, world, system_admin):
    client = api(system_admin)
    everything = listed(client)
    assert {world["own"].pk, world["colleague"].pk, world["outside"].pk} <= everything
    assert listed(client, action="congvu.org.") == {world["outside"].pk}
    assert listed(client, unit=world["commune"].pk) == {world["own"].pk, world["colleague"].pk}
    assert listed(client, actor=world["specialist"].pk) == {world["own"].pk}


@pytest.mark.django_db
def test_record_body_carries_the_chain(api, world):
    body = api(world["specialist"]).get(f"/api/v1/audit-records/{world['own'].pk}/").json()
    assert body["action"] == "congvu.test.thing.changed"
    assert body["after"] == {"ok": True}
    assert body["object_type"] == "org.unit"
    assert len(body["hash"]) == 64 and len(body["prev_hash"]) == 64


@pytest.mark.django_db
def test_audit_trail_is_read_only(api, world, system_admin):
    client = api(system_admin)
    url = f"/api/v1/audit-records/{world['own'].pk}/"
    assert client.delete(url).status_code == 405
    assert client.patch(url, {"action": "x"}, format="json").status_code == 405


@pytest.mark.django_db
def test_bad_time_range_is_a_field_error(api, system_admin):
    response = api(system_admin).get(
        "/api/v1/audit-records/",
        {"since": "2026-01-02T00:00:00+07:00", "until": "2026-01-01T00:00:00+07:00"},
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "until"
    assert error["code"] == "invalid_range"
    assert error["message"] == "Đến thời điểm: Phải sau thời điểm bắt đầu."


@pytest.mark.django_db
def test_reading_a_confidential_record_leaves_an_access_record(api, world, system_admin):
    from congvu.audit.models import AuditRecord

    with transaction.atomic():
        secret = log_action(
            actor=world["specialist"],
            action="congvu.test.secret.read",
            obj=world["commune"],
            unit=world["commune"],
            confidentiality=1,
        )
    client = api(system_admin)
    assert client.get(f"/api/v1/audit-records/{secret.pk}/").status_code == 200
    access = AuditRecord.objects.filter(kind="access", object_id=str(secret.pk))
    assert access.count() == 1
    assert access.get().actor_id == system_admin.pk
    # Reading an ordinary record writes nothing.
    before = AuditRecord.objects.count()
    assert client.get(f"/api/v1/audit-records/{world['own'].pk}/").status_code == 200
    assert AuditRecord.objects.count() == before
    # Out of scope: no access record for the refused read.
    assert api(world["specialist"]).get(f"/api/v1/audit-records/{secret.pk}/").status_code == 404
    assert access.count() == 1
