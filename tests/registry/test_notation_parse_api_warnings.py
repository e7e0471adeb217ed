"""POST /api/v1/notation/parse/ returns what the parser could not be sure of."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from congvu.registry.notation import analyse

pytestmark = pytest.mark.django_db


def _parse(user, text):
    client = APIClient()
    client.force_login(user)
    return client.post("/api/v1/notation/parse/", {"text": text}, format="json")


def test_doubtful_reading_comes_with_its_warnings(clerk):
    resp = _parse(clerk, "12/KT-UBND")
    assert resp.status_code == 200
    body = resp.json()
    assert body["formatted"] == "12/KT-UBND"
    expected = [{"code": w.code, "message": w.message} for w in analyse("12/KT-UBND").warnings]
    assert [w["code"] for w in body["warnings"]] == ["groups_reversed"]
    assert body["warnings"] == expected
    assert body["warnings"][0]["message"]


def test_clean_reading_has_no_warnings(clerk):
    resp = _parse(clerk, "05/QĐ-UBND")
    assert resp.status_code == 200
    assert resp.json()["warnings"] == []
