"""Regressions found by fuzzing the API (tests/api/test_fuzz_openapi.py), pinned one by one."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.operations import api_schema
from tests.factories import PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db

HUGE = str(2**70)


@pytest.fixture
def admin_api():
    client = APIClient()
    client.force_login(PositionFactory(system_admin=True, unit=UnitFactory()).user)
    return client


@pytest.mark.parametrize(
    "path",
    ["/api/v1/khong-co/", "/api/v1/units/1/x\ny/", "/api/v1/dossiers/%0A/request-supplement/"],
)
def test_unknown_api_paths_answer_the_json_404_for_every_method(path):
    client = APIClient(enforce_csrf_checks=True)
    for method in ("get", "post", "delete"):
        response = getattr(client, method)(path)
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/v1/issued-numbers/?register={HUGE}", "register"),
        (f"/api/v1/registers/?unit=-{HUGE}", "unit"),
        (f"/api/v1/officials/?unit={HUGE}", "unit"),
        (f"/api/v1/audit-records/?actor={HUGE}", "actor"),
        (f"/api/v1/incoming-documents/?unit={HUGE}", "unit"),
        (f"/api/v1/work-files/?unit={HUGE}", "unit"),
        (f"/api/v1/working-days/?start=2026-01-01&end=2026-01-02&unit={HUGE}", "unit"),
        ("/api/v1/calendar-overrides/?year=23218", "year"),
    ],
)
def test_numbers_beyond_the_database_range_are_a_400_naming_the_field(admin_api, url, field):
    response = admin_api.get(url)
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "invalid"
    (error,) = body["errors"]
    assert error["field"] == field
    assert error["code"] in {"max_value", "min_value"}
    assert "Phải" in error["message"] or "quá lớn" in error["message"]


@pytest.mark.parametrize(
    ("method", "url", "data", "field"),
    [
        ("get", "/api/v1/working-days/?start=2026-13-01&end=2026-01-02", None, "start"),
        ("get", "/api/v1/search/?type=0", None, "type"),
        ("post", "/api/v1/notation/parse/", {}, "text"),
    ],
)
def test_plain_api_views_name_the_field_in_vietnamese(admin_api, method, url, data, field):
    response = getattr(admin_api, method)(url, data, format="json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == field
    assert "Ensure" not in error["message"] and "This field" not in error["message"]
    assert any(ch in error["message"] for ch in "ảạấầẩậắặẹếềểệỉịọốồổộớờởợụủứừửựỳ")


def test_archive_document_ids_are_bounded(admin_api):
    schema = api_schema()["components"]["schemas"]
    assert schema["DocumentInputRequest"]["properties"]["document_id"]["maximum"] == 2**63 - 1


def test_error_statuses_the_fuzzer_provokes_are_documented():
    paths = api_schema()["paths"]
    assert "400" in paths["/api/v1/working-days/"]["get"]["responses"]
    assert "400" in paths["/api/v1/search/"]["get"]["responses"]
    assert "415" in paths["/api/v1/units/"]["post"]["responses"]
    download = paths["/api/v1/files/{id}/download/"]["get"]["responses"]
    assert {"application/pdf", "image/png"} <= set(download["200"]["content"])
    assert "409" in download


def test_blank_emails_are_documented_as_possibly_empty(admin_api):
    UnitFactory(email="")
    email = api_schema()["components"]["schemas"]["Unit"]["properties"]["email"]
    assert {"type": "string", "maxLength": 0} in email["oneOf"]
    rows = admin_api.get("/api/v1/units/").json()["results"]
    assert "" in {row["email"] for row in rows}
