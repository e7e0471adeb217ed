"""REST API: register, actions, errors in the JSON shape."""

import datetime

import pytest
from rest_framework.test import APIClient

from congvu.incoming.models import IncomingDocument

from .factories import IncomingDocumentFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/incoming-documents/"


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def body(commune, cong_van, **extra):
    data = {
        "unit": commune.pk,
        "issuer_name": "Sở Y tế tỉnh Vĩnh Long",
        "number_notation": "101/SYT-NVY",
        "document_date": "2026-03-02",
        "document_type": cong_van.pk,
        "subject": "V/v phòng chống dịch bệnh mùa mưa",
        "urgency": 1,
    }
    data.update(extra)
    return data


def test_happy_path(clerk, leader, office, office_head, specialist, commune, cong_van):
    resp = api(clerk).post(BASE, body(commune, cong_van), format="json")
    assert resp.status_code == 201, resp.json()
    doc = resp.json()
    assert doc["arrival_number"] == 1 and doc["status"] == "registered"
    url = f"{BASE}{doc['id']}/"
    resp = api(clerk).post(url + "present/", {"to_user": leader.pk}, format="json")
    assert resp.json()["status"] == "presented"
    deadline = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    resp = api(leader).post(
        url + "direct/",
        {
            "instruction": "VP chủ trì",
            "main_unit": office.pk,
            "informed_users": [specialist.pk],
            "deadline": deadline,
        },
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    main = next(a for a in resp.json()["assignments"] if a["role"] == "main")
    resp = api(office_head).post(
        url + "forward/", {"assignment": main["id"], "to_user": specialist.pk}, format="json"
    )
    assert resp.status_code == 200, resp.json()
    assert (
        api(specialist).post(url + "progress/", {"note": "Đang làm"}, format="json").status_code
        == 200
    )
    resp = api(specialist).post(
        url + "reply/",
        {"reply_type": "outgoing.outgoingdocument", "reply_id": "3", "reply_label": "9/BC-UBND"},
        format="json",
    )
    assert resp.json()["reply_label"] == "9/BC-UBND"
    resp = api(specialist).post(url + "complete/", {}, format="json")
    assert resp.json()["status"] == "completed"
    assert [e["action"] for e in resp.json()["entries"]][-1] == "completed"
    resp = api(leader).post(url + "reopen/", {"reason": "Bổ sung"}, format="json")
    assert resp.json()["status"] == "in_progress"
    listed = api(specialist).get(BASE).json()
    ids = [row["id"] for row in listed.get("results", listed)]
    assert ids == [doc["id"]]


def test_error_shapes(clerk, leader, commune, cong_van, outsider):
    resp = api(clerk).post(BASE, body(commune, cong_van, secrecy=2), format="json")
    assert resp.status_code == 400
    err = resp.json()
    assert err["code"] == "secrecy_not_allowed"
    assert err["errors"][0]["field"] == "secrecy"
    api(clerk).post(BASE, body(commune, cong_van), format="json")
    resp = api(clerk).post(BASE, body(commune, cong_van), format="json")
    assert resp.status_code == 400 and resp.json()["code"] == "duplicate_suspected"
    resp = api(clerk).post(BASE, body(commune, cong_van, confirm_duplicate=True), format="json")
    assert resp.status_code == 201
    doc = IncomingDocument.objects.first()
    resp = api(clerk).post(f"{BASE}{doc.pk}/complete/", {}, format="json")
    assert resp.status_code == 403 and resp.json()["code"] == "not_main_handler"
    resp = api(leader).post(f"{BASE}{doc.pk}/reopen/", {"reason": "x"}, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "transition_not_allowed"
    resp = api(leader).post(f"{BASE}{doc.pk}/return/", {}, format="json")
    assert resp.status_code == 400 and resp.json()["errors"][0]["field"] == "reason"
    assert api(outsider).get(f"{BASE}{doc.pk}/").json()["code"] == "not_found"


def test_list_filters(clerk, commune):
    IncomingDocumentFactory(unit=commune)
    urgent = IncomingDocumentFactory(unit=commune, urgent=True)
    data = api(clerk).get(BASE, {"urgency": 1}).json()
    rows = data.get("results", data)
    assert [r["id"] for r in rows] == [urgent.pk]
    resp = api(clerk).get(BASE, {"status": "nonsense"})
    assert resp.status_code == 400 and resp.json()["errors"][0]["field"] == "status"


def test_external_organizations(clerk, specialist):
    resp = api(clerk).post(
        "/api/v1/external-organizations/", {"name": "Bảo hiểm xã hội tỉnh"}, format="json"
    )
    assert resp.status_code == 201
    data = api(specialist).get("/api/v1/external-organizations/", {"q": "bao hiem"}).json()
    rows = data.get("results", data)
    assert [r["name"] for r in rows] == ["Bảo hiểm xã hội tỉnh"]
    resp = api(specialist).post("/api/v1/external-organizations/", {"name": "X"}, format="json")
    assert resp.status_code == 403 and resp.json()["code"] == "permission_denied"
