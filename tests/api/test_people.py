"""/api/v1/officials/, /me/, /positions/, /delegations/."""

import datetime

from django.utils import timezone

import pytest

from congvu.accounts.models import Delegation
from congvu.audit.models import AuditRecord
from tests.factories import DelegationFactory, PositionFactory, UnitFactory, UserFactory


@pytest.mark.django_db
def test_directory_lists_active_officials_with_active_positions_only(api, actor_factory):
    unit = UnitFactory(name="Văn phòng UBND")
    me = actor_factory("clerk", unit=unit, full_name="Trần Thị Thư")
    leader = PositionFactory(leader=True, unit=unit, user__full_name="Đặng Văn Thành").user
    PositionFactory(ended=True, user=leader, unit=UnitFactory())
    UserFactory(citizen=True, full_name="Đặng Công Dân")
    UserFactory(is_active=False, full_name="Đặng Nghỉ Việc")

    body = api(me).get("/api/v1/officials/").json()
    names = [row["full_name"] for row in body["results"]]
    assert names == ["Đặng Văn Thành", "Trần Thị Thư"]
    leader_row = body["results"][0]
    assert [(p["unit"], p["role"]) for p in leader_row["positions"]] == [(unit.pk, "leader_head")]
    assert leader_row["positions"][0]["unit_name"] == "Văn phòng UBND"


@pytest.mark.django_db
def test_directory_filters(api, actor_factory):
    unit, other = UnitFactory(), UnitFactory()
    me = actor_factory("clerk", unit=unit, full_name="Trần Thị Thư")
    PositionFactory(unit=other, user__full_name="Đặng Văn Thành")
    client = api(me)
    by_name = client.get("/api/v1/officials/", {"q": "dang van"}).json()["results"]
    assert [r["full_name"] for r in by_name] == ["Đặng Văn Thành"]
    by_unit = client.get("/api/v1/officials/", {"unit": unit.pk}).json()["results"]
    assert [r["full_name"] for r in by_unit] == ["Trần Thị Thư"]


@pytest.mark.django_db
def test_citizen_account_is_404_in_the_directory(api, actor_factory):
    citizen = UserFactory(citizen=True)
    response = api(actor_factory("clerk")).get(f"/api/v1/officials/{citizen.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_me_shows_positions_and_delegated_roles(api):
    unit = UnitFactory()
    deputy = PositionFactory(deputy=True, unit=unit).user
    leader = PositionFactory(leader=True, unit=unit).user
    DelegationFactory(delegator=leader, delegate=deputy, unit=unit)
    body = api(deputy).get("/api/v1/me/").json()
    assert body["id"] == deputy.pk
    assert [p["role"] for p in body["positions"]] == ["leader_deputy"]
    assert body["roles"] == [{"unit": unit.pk, "roles": ["leader_deputy", "leader_head"]}]
    assert body["is_system_admin"] is False
    assert body["clearance"] == 1


@pytest.mark.django_db
def test_positions_filters(api, actor_factory):
    unit = UnitFactory()
    me = actor_factory("clerk", unit=unit)
    PositionFactory(leader=True, unit=unit)
    PositionFactory(ended=True, unit=unit)
    client = api(me)
    today = timezone.localdate().isoformat()
    rows = client.get("/api/v1/positions/", {"unit": unit.pk, "active_on": today}).json()
    assert sorted(r["role"] for r in rows["results"]) == ["clerk", "leader_head"]
    leaders = client.get("/api/v1/positions/", {"role": "leader_head"}).json()["results"]
    assert [r["role"] for r in leaders] == ["leader_head"]


@pytest.mark.django_db
def test_delegations_are_visible_to_the_people_involved_only(api, actor_factory):
    mine = DelegationFactory()
    someone_elses = DelegationFactory()
    delegate = mine.delegate
    PositionFactory(user=delegate, unit=mine.unit)
    client = api(delegate)
    listed = client.get("/api/v1/delegations/").json()["results"]
    assert [d["id"] for d in listed] == [mine.pk]
    assert client.get(f"/api/v1/delegations/{mine.pk}/").json()["is_active"] is True
    assert client.get(f"/api/v1/delegations/{someone_elses.pk}/").status_code == 404


@pytest.mark.django_db
def test_leader_creates_and_revokes_a_delegation(api):
    unit = UnitFactory()
    leader = PositionFactory(leader=True, unit=unit).user
    deputy = PositionFactory(deputy=True, unit=unit).user
    client = api(leader)
    start = timezone.localdate()
    created = client.post(
        "/api/v1/delegations/",
        {
            "delegate": deputy.pk,
            "unit": unit.pk,
            "start_date": start.isoformat(),
            "end_date": (start + datetime.timedelta(days=3)).isoformat(),
            "reason": "Đi công tác",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["delegator"] == leader.pk and body["delegate"] == deputy.pk
    assert AuditRecord.objects.filter(action="congvu.accounts.delegation.created").exists()

    revoked = client.post(f"/api/v1/delegations/{body['id']}/revoke/")
    assert revoked.status_code == 200
    assert revoked.json()["is_active"] is False
    assert Delegation.objects.get(pk=body["id"]).revoked_at is not None
    again = client.post(f"/api/v1/delegations/{body['id']}/revoke/")
    assert again.status_code == 409
    assert again.json()["code"] == "transition_not_allowed"


@pytest.mark.django_db
def test_delegation_service_errors_name_the_field(api):
    unit = UnitFactory()
    leader = PositionFactory(leader=True, unit=unit).user
    stranger = PositionFactory(unit=UnitFactory()).user
    start = timezone.localdate()
    response = api(leader).post(
        "/api/v1/delegations/",
        {
            "delegate": stranger.pk,
            "unit": unit.pk,
            "start_date": start.isoformat(),
            "end_date": (start - datetime.timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert errors["delegate"]["code"] == "not_in_unit"
    assert errors["delegate"]["message"].startswith("Người được ủy quyền")
    assert errors["end_date"]["code"] == "invalid_range"
    assert errors["end_date"]["message"].startswith("Đến ngày: ")
    assert not Delegation.objects.exists()
