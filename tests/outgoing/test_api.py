"""REST API of outgoing documents: happy path and the error shape."""

import pytest
from rest_framework.test import APIClient

from congvu.outgoing.models import OutgoingDocument
from tests.outgoing.factories import doc_type
from tests.outgoing.helpers import drafted

pytestmark = pytest.mark.django_db

BASE = "/api/v1/outgoing-documents/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_draft_to_issue_through_the_api(commune, other):
    spec = api(commune.specialist)
    response = spec.post(
        BASE,
        {
            "unit": commune.unit.pk,
            "drafting_unit": commune.office.pk,
            "document_type": doc_type("quyet-dinh").pk,
            "subject": "Về việc thành lập Tổ công tác chuyển đổi số",
            "urgency": 1,
            "recipients": [
                {"unit": other.unit.pk, "kind": "main"},
                {"external_name": "Sở Nội vụ", "kind": "info"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "draft"
    assert response.json()["recipient_lines"][-1] == "- Lưu: VT, VP."
    response = spec.patch(
        f"{BASE}{pk}/", {"subject": "Về việc kiện toàn Tổ công tác"}, format="json"
    )
    assert response.status_code == 200 and response.json()["subject"].startswith(
        "Về việc kiện toàn"
    )
    response = spec.post(
        f"{BASE}{pk}/submit/", {"reviewers": [commune.office_head.pk]}, format="json"
    )
    assert response.json()["status"] == "in_review"
    assert (
        api(commune.office_head).post(f"{BASE}{pk}/approve/", {}, format="json").status_code == 200
    )
    shown = api(commune.leader).get(f"{BASE}{pk}/preview/", {"authority_prefix": "KT."}).json()
    response = api(commune.leader).post(
        f"{BASE}{pk}/approve-for-signing/",
        {"authority_prefix": "KT.", "content_sha256": shown["content_sha256"]},
        format="json",
    )
    assert response.json()["status"] == "approved" and response.json()["authority_prefix"] == "KT."
    response = api(commune.clerk).post(f"{BASE}{pk}/issue/", format="json")
    assert response.status_code == 200
    assert response.json()["number_notation"] == "01/QĐ-UBND"
    assert {r["delivery_status"] for r in response.json()["recipients"]} == {"delivered", "postal"}
    listed = api(commune.clerk).get(BASE, {"tab": "issued"}).json()
    assert [d["id"] for d in listed["results"]] == [pk]
    assert api(commune.clerk).get(BASE, {"q": "kien toan to cong tac"}).json()["count"] == 1


def test_error_shape_for_refusals(commune, other):
    doc = drafted(commune)
    response = api(commune.clerk).post(f"{BASE}{doc.pk}/issue/", format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed" and body["message"] and "errors" in body
    response = api(commune.specialist).post(f"{BASE}{doc.pk}/return/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"][0]["field"] == "comment"
    response = api(commune.specialist).post(
        BASE,
        {
            "unit": commune.unit.pk,
            "drafting_unit": commune.office.pk,
            "document_type": doc_type("cong-van").pk,
            "subject": "Mật",
            "secrecy": 3,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "secrecy_not_allowed"
    assert response.json()["errors"][0]["field"] == "secrecy"


def test_outside_scope_is_404(commune, other):
    doc = drafted(commune)
    client = api(other.specialist)
    assert client.get(f"{BASE}{doc.pk}/").status_code == 404
    assert client.post(f"{BASE}{doc.pk}/submit/", {}, format="json").status_code == 404
    assert client.get(BASE).json()["count"] == 0
    assert OutgoingDocument.objects.get(pk=doc.pk).status == "draft"
