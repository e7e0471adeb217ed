from django.core.files.storage import default_storage

import pytest
from rest_framework.test import APIClient

from tests.factories import PositionFactory, UnitFactory
from tests.registry.factories import RegisterFactory

from . import builders as b
from .factories import StoredFileFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def scene():
    unit_a, unit_b = UnitFactory(), UnitFactory()
    data = b.docx_bytes("Kế hoạch")
    return {
        "spec_a": PositionFactory(role="specialist", unit=unit_a).user,
        "spec_b": PositionFactory(role="specialist", unit=unit_b).user,
        "file_a": StoredFileFactory(
            owner=RegisterFactory(unit=unit_a), name="Kế hoạch.docx", data=data
        ),
        "data": data,
    }


def test_list_and_detail_within_the_owners_scope(scene):
    stored = scene["file_a"]
    body = client_for(scene["spec_a"]).get("/api/v1/files/").json()
    assert [row["id"] for row in body["results"]] == [stored.pk]
    assert body["results"][0]["original_name"] == "Kế hoạch.docx"
    assert "storage_name" not in body["results"][0]

    other = client_for(scene["spec_b"])
    assert other.get("/api/v1/files/").json()["results"] == []
    assert other.get(f"/api/v1/files/{stored.pk}/").status_code == 404
    assert other.get(f"/api/v1/files/{stored.pk}/download/").status_code == 404


def test_api_download_is_verified(scene):
    stored = scene["file_a"]
    client = client_for(scene["spec_a"])
    resp = client.get(f"/api/v1/files/{stored.pk}/download/")
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == scene["data"]
    assert "filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch.docx" in resp["Content-Disposition"]

    with default_storage.open(stored.storage_name, "wb") as fh:
        fh.write(b"changed")
    resp = client.get(f"/api/v1/files/{stored.pk}/download/")
    assert resp.status_code == 409
    assert resp.json()["code"] == "checksum_mismatch"


def test_filters(scene):
    stored = scene["file_a"]
    client = client_for(scene["spec_a"])
    query = {"owner_type": "registry.register", "owner_id": stored.owner_id}
    assert len(client.get("/api/v1/files/", query).json()["results"]) == 1
    assert client.get("/api/v1/files/", {"purpose": "draft"}).json()["results"] == []
