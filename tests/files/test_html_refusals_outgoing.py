"""A refused draft version on the văn bản đi page answers 400 with the reason on the page."""

from __future__ import annotations

import html

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from tests.outgoing.conftest import commune  # noqa: F401 - fixture
from tests.outgoing.helpers import approved, drafted

from . import builders as b

pytestmark = pytest.mark.django_db


def versions(doc) -> int:
    from congvu.outgoing import selectors

    return len(list(selectors.draft_files(doc)))


def test_a_refused_version_upload_is_a_400_naming_the_reason(client, commune):  # noqa: F811
    doc = drafted(commune)
    client.force_login(commune.specialist)
    bad = SimpleUploadedFile("du-thao.docx", b.image_bytes(), content_type="application/pdf")
    response = client.post(f"/app/van-ban-di/{doc.pk}/phien-ban/", {"file": bad, "note": ""})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Tệp dự thảo" in page and doc.subject in page  # the document page, with its form
    assert "không khớp" in page.lower() or "không đúng" in page.lower(), page[:3000]
    assert versions(doc) == 0
    good = SimpleUploadedFile("du-thao.docx", b.docx_bytes("Nội dung"))
    response = client.post(f"/app/van-ban-di/{doc.pk}/phien-ban/", {"file": good, "note": ""})
    assert response.status_code == 302
    assert versions(doc) == 1


def test_a_missing_file_is_a_400(client, commune):  # noqa: F811
    doc = drafted(commune)
    client.force_login(commune.specialist)
    response = client.post(f"/app/van-ban-di/{doc.pk}/phien-ban/", {"note": "Bản đầu"})
    assert response.status_code == 400
    assert versions(doc) == 0


def test_a_refused_action_is_a_400_and_changes_nothing(client, commune):  # noqa: F811
    doc = approved(commune)
    client.force_login(commune.leader)  # a leader, not a văn thư
    response = client.post(f"/app/van-ban-di/{doc.pk}/phat-hanh/", {"xac_nhan": "1"})
    assert response.status_code == 400
    assert "Chỉ văn thư" in html.unescape(response.content.decode())
    assert OutgoingDocument.objects.get(pk=doc.pk).status == Status.APPROVED
