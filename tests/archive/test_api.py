"""REST API of danh mục hồ sơ and hồ sơ công việc."""

import pytest
from rest_framework.test import APIClient

from congvu.archive.constants import WorkFileStatus
from tests.incoming.factories import IncomingDocumentFactory

from .factories import FileCatalogItemFactory, WorkFileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_catalog_lifecycle(api, unit, person):
    api.force_authenticate(person("clerk"))
    resp = api.post("/api/v1/file-catalogs/", {"unit": unit.pk, "year": 2026}, format="json")
    assert resp.status_code == 201, resp.json()
    cid = resp.json()["id"]
    resp = api.post(
        f"/api/v1/file-catalogs/{cid}/items/",
        {"code": "01.VP", "title": "Hồ sơ hội nghị", "permanent": True},
        format="json",
    )
    assert resp.status_code == 201 and resp.json()["retention_display"] == "Vĩnh viễn"
    resp = api.post(f"/api/v1/file-catalogs/{cid}/approve/")
    assert resp.status_code == 403 and resp.json()["code"] == "permission_denied"
    api.force_authenticate(person("leader_head"))
    resp = api.post(f"/api/v1/file-catalogs/{cid}/approve/")
    assert resp.status_code == 200 and resp.json()["approved_at"]
    resp = api.post(f"/api/v1/file-catalogs/{cid}/approve/")
    assert resp.status_code == 409


def test_work_file_lifecycle(api, unit, person):
    clerk = person("clerk")
    item = FileCatalogItemFactory(catalog__unit=unit)
    doc = IncomingDocumentFactory(unit=unit, page_count=2)
    api.force_authenticate(clerk)
    resp = api.post("/api/v1/work-files/", {"catalog_item": item.pk}, format="json")
    assert resp.status_code == 201, resp.json()
    wid = resp.json()["id"]
    resp = api.post(
        f"/api/v1/work-files/{wid}/add-document/",
        {"kind": "incoming", "document_id": doc.pk},
        format="json",
    )
    assert resp.status_code == 200
    entries = resp.json()["entries"]
    assert entries[0]["visible"] and entries[0]["subject"] == doc.subject
    resp = api.post(
        f"/api/v1/work-files/{wid}/add-document/",
        {"kind": "incoming", "document_id": doc.pk},
        format="json",
    )
    assert resp.status_code == 400 and resp.json()["code"] == "duplicate_document"
    resp = api.post(f"/api/v1/work-files/{wid}/close/")
    assert resp.json()["status"] == WorkFileStatus.CLOSED and resp.json()["page_total"] == 2
    resp = api.post(
        f"/api/v1/work-files/{wid}/remove-document/", {"entry": entries[0]["id"]}, format="json"
    )
    assert resp.status_code == 409
    resp = api.post(f"/api/v1/work-files/{wid}/hand-over/")
    assert resp.status_code == 200 and resp.json()["status"] == WorkFileStatus.HANDED_OVER


def test_scope(api, unit, other_unit, person):
    mine = WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit)
    theirs = WorkFileFactory(catalog_item__catalog__unit=other_unit, unit=other_unit)
    api.force_authenticate(person("specialist"))
    ids = [w["id"] for w in api.get("/api/v1/work-files/").json()["results"]]
    assert mine.pk in ids and theirs.pk not in ids
    assert api.get(f"/api/v1/work-files/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/work-files/{theirs.pk}/close/").status_code == 404
    resp = api.post("/api/v1/work-files/", {"catalog_item": theirs.catalog_item_id}, format="json")
    assert resp.status_code == 400
