"""The pages under /app/van-ban-di/: list, draft form, detail, actions."""

import re

import pytest

from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from tests.files.builders import docx_bytes, upload
from tests.outgoing.factories import doc_type
from tests.outgoing.helpers import approved, drafted, issued

pytestmark = pytest.mark.django_db


def test_draft_form_creates_a_draft_with_recipients(client, commune, other):
    client.force_login(commune.specialist)
    assert client.get("/app/van-ban-di/soan-thao/").status_code == 200
    response = client.post(
        "/app/van-ban-di/soan-thao/",
        {
            "unit": commune.unit.pk,
            "drafting_unit": commune.office.pk,
            "document_type": doc_type("cong-van").pk,
            "subject": "V/v báo cáo tình hình tiếp công dân",
            "urgency": 1,
            "secrecy": 0,
            "main_units": [other.unit.pk],
            "external": "Công ty Cấp nước | Thạnh Phú",
        },
    )
    doc = OutgoingDocument.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{doc.pk}/")
    assert doc.drafted_by == commune.specialist and doc.urgency == 1
    assert doc.recipients.count() == 2
    page = client.get(f"/app/van-ban-di/{doc.pk}/").content.decode()
    assert "- Như trên;" in page and "- Lưu: VT, VP." in page


def test_draft_form_shows_the_secrecy_refusal(client, commune):
    client.force_login(commune.specialist)
    response = client.post(
        "/app/van-ban-di/soan-thao/",
        {
            "unit": commune.unit.pk,
            "drafting_unit": commune.office.pk,
            "document_type": doc_type("cong-van").pk,
            "subject": "V/v mật",
            "urgency": 0,
            "secrecy": 1,
        },
    )
    assert response.status_code == 200
    assert "không được giao xử lý văn bản Mật" in response.content.decode()
    assert not OutgoingDocument.objects.exists()


def test_full_flow_through_the_pages(client, commune, other):
    doc = drafted(commune, recipients=[{"unit": other.unit}])
    client.force_login(commune.specialist)
    client.post(
        f"/app/van-ban-di/{doc.pk}/phien-ban/",
        {"file": upload("du-thao.docx", docx_bytes("Nội dung")), "note": "Bản đầu"},
    )
    client.post(
        f"/app/van-ban-di/{doc.pk}/trinh/",
        {"reviewer_1": commune.office_head.pk, "reviewer_2": commune.leader.pk},
    )
    client.force_login(commune.office_head)
    assert "Đồng ý, chuyển tiếp" in client.get(f"/app/van-ban-di/{doc.pk}/").content.decode()
    client.post(f"/app/van-ban-di/{doc.pk}/dong-y/", {"comment": "Đạt"})
    client.force_login(commune.leader)
    assert client.get("/app/van-ban-di/?tab=sign").content.decode().count(doc.subject) == 1
    sign_url = f"/app/van-ban-di/{doc.pk}/duyet-ky/"
    page = client.get(sign_url, {"authority_prefix": "TM."}).content.decode()
    shown = re.search(r'name="content_sha256" value="([0-9a-f]{64})"', page).group(1)
    client.post(sign_url, {"authority_prefix": "TM.", "xac_nhan": "1", "content_sha256": shown})
    client.force_login(commune.clerk)
    client.post(f"/app/van-ban-di/{doc.pk}/phat-hanh/", {"xac_nhan": "1"})
    doc.refresh_from_db()
    assert doc.status == Status.ISSUED and doc.number_notation == "01/UBND-VP"
    page = client.get(f"/app/van-ban-di/{doc.pk}/").content.decode()
    assert "Phiên bản 1: du-thao.docx" in page and "Tải bản phát hành" in page
    # The recipient's clerk gets it as a văn bản đến, not the issuing unit's record.
    client.force_login(other.clerk)
    assert client.get(f"/app/van-ban-di/{doc.pk}/").status_code == 404


def test_refused_action_shows_a_message_and_changes_nothing(client, commune):
    doc = approved(commune)
    client.force_login(commune.leader)  # a leader, not a văn thư
    response = client.post(f"/app/van-ban-di/{doc.pk}/phat-hanh/", {"xac_nhan": "1"}, follow=True)
    assert "Chỉ văn thư" in response.content.decode()
    assert OutgoingDocument.objects.get(pk=doc.pk).status == Status.APPROVED


def test_list_search_is_accent_insensitive(client, commune):
    issued(commune, subject="V/v Đăng ký kế hoạch phòng chống lụt bão")
    client.force_login(commune.clerk)
    page = client.get("/app/van-ban-di/", {"q": "dang ky ke hoach"}).content.decode()
    assert "phòng chống lụt bão" in page
    page = client.get("/app/van-ban-di/", {"q": "khong co"}).content.decode()
    assert "phòng chống lụt bão" not in page


def test_recall_and_replace_pages(client, commune):
    doc = issued(commune)
    client.force_login(commune.clerk)
    client.post(f"/app/van-ban-di/{doc.pk}/thu-hoi/", {"reason": "Sai nội dung"})
    assert OutgoingDocument.objects.get(pk=doc.pk).status == Status.RECALLED
    other_doc = issued(commune)
    client.force_login(commune.specialist)
    response = client.post(f"/app/van-ban-di/{other_doc.pk}/thay-the/")
    new = OutgoingDocument.objects.get(replaces=other_doc)
    assert response["Location"].endswith(f"/{new.pk}/")


def test_reply_draft_links_the_incoming_document(client, commune, other):
    original = issued(other, recipients=[{"unit": commune.unit}])
    incoming_id = original.recipients.get().incoming_id
    client.force_login(commune.leader)
    page = client.get("/app/van-ban-di/soan-thao/", {"tra_loi": incoming_id}).content.decode()
    assert original.number_notation in page
    client.post(
        f"/app/van-ban-di/soan-thao/?tra_loi={incoming_id}",
        {
            "unit": commune.unit.pk,
            "document_type": doc_type("cong-van").pk,
            "subject": "V/v trả lời",
            "urgency": 0,
            "secrecy": 0,
            "main_units": [other.unit.pk],
        },
    )
    reply = OutgoingDocument.objects.get(subject="V/v trả lời")
    assert (reply.reply_to_type, reply.reply_to_id) == (
        "incoming.incomingdocument",
        str(incoming_id),
    )
    assert "Trả lời văn bản đến" in client.get(f"/app/van-ban-di/{reply.pk}/").content.decode()
    # Someone who cannot see the văn bản đến cannot link to it.
    client.force_login(other.specialist)
    page = client.get("/app/van-ban-di/soan-thao/", {"tra_loi": incoming_id}).content.decode()
    assert original.number_notation not in page
