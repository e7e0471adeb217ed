"""/api/v1/document-types, registers, issued-numbers and notation/parse."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from congvu.registry.constants import NumberStatus
from tests.factories import PositionFactory

from .factories import IssuedNumberFactory, RegisterFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def data(unit):
    mine = RegisterFactory(unit=unit, name="Sổ đi của xã")
    other = RegisterFactory(name="Sổ của nơi khác")
    return {
        "mine": mine,
        "other": other,
        "used": IssuedNumberFactory(register=mine, number=1),
        "foreign": IssuedNumberFactory(register=other, number=1),
    }


def test_document_types_are_listed(clerk):
    resp = client_for(clerk).get("/api/v1/document-types/", {"limit": 100})
    assert resp.status_code == 200
    rows = resp.json()["results"]
    assert len(rows) == 31
    assert {r["code"] for r in rows if r["abbreviation"] == ""} == {"cong-van", "thu-cong"}


def test_registers_and_numbers_within_scope(clerk, data):
    api = client_for(clerk)
    names = {r["name"] for r in api.get("/api/v1/registers/").json()["results"]}
    assert names == {"Sổ đi của xã"}
    assert api.get(f"/api/v1/registers/{data['other'].pk}/").status_code == 404
    numbers = api.get("/api/v1/issued-numbers/", {"register": data["mine"].pk}).json()["results"]
    assert [n["number"] for n in numbers] == [1]
    assert api.get("/api/v1/issued-numbers/", {"status": "bad"}).status_code == 400


def test_void_and_close_through_the_api(clerk, data):
    api = client_for(clerk)
    missing = api.post(f"/api/v1/issued-numbers/{data['used'].pk}/void/", {}, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "reason"
    ok = api.post(
        f"/api/v1/issued-numbers/{data['used'].pk}/void/", {"reason": "Nhầm số"}, format="json"
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == NumberStatus.VOIDED
    again = api.post(
        f"/api/v1/issued-numbers/{data['used'].pk}/void/", {"reason": "x"}, format="json"
    )
    assert again.status_code == 409
    foreign = api.post(
        f"/api/v1/issued-numbers/{data['foreign'].pk}/void/", {"reason": "x"}, format="json"
    )
    assert foreign.status_code == 404
    closed = api.post(f"/api/v1/registers/{data['mine'].pk}/close/")
    assert closed.status_code == 200 and closed.json()["is_closed"] is True
    assert api.post(f"/api/v1/registers/{data['other'].pk}/close/").status_code == 404


def test_specialist_may_not_void(unit, data):
    api = client_for(PositionFactory(unit=unit).user)
    resp = api.post(
        f"/api/v1/issued-numbers/{data['used'].pk}/void/", {"reason": "x"}, format="json"
    )
    assert resp.status_code == 403
    assert resp.json()["code"] == "permission_denied"


def test_notation_parse_returns_parts_or_a_field_error(clerk):
    api = client_for(clerk)
    resp = api.post("/api/v1/notation/parse/", {"text": "Số: 5/qđ-ubnd"}, format="json")
    assert resp.status_code == 200
    assert resp.json() == {
        "number": 5,
        "year": None,
        "type_abbr": "QĐ",
        "issuer": "UBND",
        "sub_unit": None,
        "formatted": "05/QĐ-UBND",
        "warnings": [],
    }
    bad = api.post("/api/v1/notation/parse/", {"text": "12/QĐ"}, format="json")
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "notation_invalid"
    assert body["errors"][0]["field"] == "number_notation"


def test_notation_parse_knows_types_added_in_the_admin(clerk):
    from congvu.registry.models import DocumentType

    DocumentType.objects.create(code="quyet-toan", name="Quyết toán", abbreviation="QT", order=90)
    resp = client_for(clerk).post("/api/v1/notation/parse/", {"text": "7/QT-UBND"}, format="json")
    assert resp.json()["type_abbr"] == "QT"
