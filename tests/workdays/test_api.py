import pytest
from rest_framework.test import APIClient

from congvu.workdays.models import CalendarOverride
from tests.factories import PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_working_days_of_a_range():
    user = PositionFactory(role="specialist").user
    resp = client_for(user).get(
        "/api/v1/working-days/", {"start": "2026-02-13", "end": "2026-02-23"}
    )
    assert resp.status_code == 200
    working = [row["date"] for row in resp.json() if row["working"]]
    assert working == ["2026-02-13", "2026-02-23"]


def test_working_days_refuses_a_reversed_range():
    user = PositionFactory(role="specialist").user
    resp = client_for(user).get(
        "/api/v1/working-days/", {"start": "2026-02-23", "end": "2026-02-13"}
    )
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["field"] == "end"


def test_admin_adds_and_revokes_an_override_through_the_api():
    admin = PositionFactory(role="system_admin").user
    client = client_for(admin)
    resp = client.post(
        "/api/v1/calendar-overrides/",
        {"date": "2026-12-31", "kind": "day_off", "reason": "Nghỉ thêm"},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    pk = resp.json()["id"]
    days = client.get("/api/v1/working-days/", {"start": "2026-12-31", "end": "2026-12-31"})
    assert days.json() == [{"date": "2026-12-31", "working": False}]

    resp = client.post(
        f"/api/v1/calendar-overrides/{pk}/revoke/", {"reason": "Nhầm"}, format="json"
    )
    assert resp.status_code == 200
    assert resp.json()["revoked_at"]
    assert CalendarOverride.objects.get(pk=pk).revoke_reason == "Nhầm"


def test_specialist_cannot_add_an_override():
    unit = UnitFactory()
    user = PositionFactory(role="specialist", unit=unit).user
    resp = client_for(user).post(
        "/api/v1/calendar-overrides/",
        {"date": "2026-12-31", "kind": "day_off", "reason": "x", "unit": unit.pk},
        format="json",
    )
    assert resp.status_code == 403
    assert resp.json()["code"] == "permission_denied"
    assert not CalendarOverride.objects.exists()
