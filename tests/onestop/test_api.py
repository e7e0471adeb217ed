"""REST API of dossiers: scope, actions mirroring the services, JSON errors."""

import pytest
from rest_framework.test import APIClient

from congvu.onestop.models import Dossier
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers/"


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_desk_accepts_and_processes(submit, officer, specialist, leader):
    dossier = submit()
    listed = api(officer).get(BASE, {"queue": "desk"}).json()
    assert [d["code"] for d in listed["results"]] == [dossier.code]
    resp = api(officer).post(f"{BASE}{dossier.pk}/accept/", {}, format="json")
    assert resp.status_code == 200, resp.json()
    data = resp.json()
    assert data["status"] == "received" and data["national_status"] == 2
    assert [f["form"] for f in data["forms"]] == ["mau01"]
    assert "step_complete" in data["available_actions"]
    resp = api(officer).post(
        f"{BASE}{dossier.pk}/complete-step/", {"next_assignee": specialist.pk}, format="json"
    )
    assert resp.status_code == 200, resp.json()
    assert resp.json()["steps"][1]["assignee"] == specialist.pk
    mine = api(specialist).get(BASE, {"queue": "mine"}).json()
    assert [d["id"] for d in mine["results"]] == [dossier.pk]


def test_errors_are_json_with_code_and_field(received, officer):
    resp = api(officer).post(f"{BASE}{received.pk}/refuse/", {"reason": " "}, format="json")
    assert resp.status_code == 400
    resp = api(officer).post(f"{BASE}{received.pk}/accept/", {}, format="json")
    assert resp.status_code == 409
    assert resp.json()["code"] == "transition_not_allowed"
    resp = api(officer).post(
        f"{BASE}{received.pk}/request-supplement/", {"items": []}, format="json"
    )
    assert resp.status_code == 400


def test_other_commune_gets_404(received, outsider):
    assert api(outsider).get(f"{BASE}{received.pk}/").status_code == 404
    assert api(outsider).post(f"{BASE}{received.pk}/accept/", {}, format="json").status_code == 404
    assert api(outsider).get(BASE).json()["results"] == []


def test_register_direct(procedure, version, commune, officer):
    papers = list(version.papers.filter(required=True).values_list("pk", flat=True))
    resp = api(officer).post(
        BASE,
        {
            "procedure": procedure.pk,
            "receiving_unit": commune.pk,
            "channel": "direct",
            "name": "Võ Thị E",
            "phone": "0903123456",
            "papers": papers,
        },
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["status"] == "received"
    assert Dossier.objects.get().channel == "direct"
    resp = api(officer).post(
        BASE,
        {
            "procedure": procedure.pk,
            "receiving_unit": commune.pk,
            "channel": "online",
            "name": "Võ Thị E",
            "phone": "0903123456",
            "papers": papers,
        },
        format="json",
    )
    assert resp.status_code == 400
    assert resp.json()["code"] == "invalid_channel"


def test_register_beyond_boundary(procedure, version, commune, other_commune, officer):
    import datetime

    from congvu.procedures.models import ProcessDefinition

    ProcessDefinition.objects.create(
        procedure=procedure, unit=other_commune, valid_from=datetime.date(2025, 1, 1)
    )
    papers = list(version.papers.filter(required=True).values_list("pk", flat=True))
    body = {
        "procedure": procedure.pk,
        "receiving_unit": commune.pk,
        "channel": "direct",
        "name": "Võ Thị G",
        "phone": "0903123457",
        "papers": papers,
    }
    resp = api(officer).post(BASE, {**body, "competent_unit": other_commune.pk}, format="json")
    assert resp.status_code == 201, resp.json()
    assert resp.json()["beyond_boundary"] is True
    assert resp.json()["competent_unit"] == other_commune.pk
    stranger = UnitFactory(name="Xã không giải quyết", code="000.08.31.H57")
    resp = api(officer).post(BASE, {**body, "competent_unit": stranger.pk}, format="json")
    assert resp.status_code == 400
    assert resp.json()["code"] == "not_competent"
