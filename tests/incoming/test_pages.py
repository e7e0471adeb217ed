"""Pages: list, register with the duplicate warning, detail with the tree, actions."""

import datetime

import pytest

from congvu.incoming import services
from congvu.incoming.constants import Status
from congvu.incoming.models import IncomingDocument

from .factories import IncomingDocumentFactory

pytestmark = pytest.mark.django_db


def form_data(commune, cong_van, **extra):
    data = {
        "unit": commune.pk,
        "issuer_name": "Sở Tư pháp tỉnh Vĩnh Long",
        "number_notation": "88/STP-VP",
        "document_date": "2026-03-02",
        "document_type": cong_van.pk,
        "subject": "V/v tuyên truyền pháp luật năm 2026",
        "signer_name": "Nguyễn Thị Hoa",
        "urgency": "0",
        "secrecy": "0",
    }
    data.update(extra)
    return data


def test_register_form_with_duplicate_confirmation(client, clerk, commune, cong_van):
    client.force_login(clerk)
    assert client.get("/app/van-ban-den/vao-so/").status_code == 200
    resp = client.post("/app/van-ban-den/vao-so/", form_data(commune, cong_van))
    doc = IncomingDocument.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/app/van-ban-den/{doc.pk}/"
    resp = client.post("/app/van-ban-den/vao-so/", form_data(commune, cong_van))
    assert resp.status_code == 400
    assert "Có thể trùng văn bản" in resp.content.decode()
    assert IncomingDocument.objects.count() == 1
    resp = client.post(
        "/app/van-ban-den/vao-so/", form_data(commune, cong_van, confirm_duplicate="on")
    )
    assert resp.status_code == 302
    assert list(
        IncomingDocument.objects.values_list("arrival_number", flat=True).order_by("pk")
    ) == [1, 2]


def test_register_form_refuses_top_secret_and_non_clerks(client, clerk, leader, commune, cong_van):
    client.force_login(clerk)
    resp = client.post("/app/van-ban-den/vao-so/", form_data(commune, cong_van, secrecy="2"))
    assert resp.status_code == 400 and not IncomingDocument.objects.exists()
    client.force_login(leader)
    assert client.get("/app/van-ban-den/vao-so/").status_code == 302


def test_list_filters_and_urgent_first(client, clerk, commune):
    normal = IncomingDocumentFactory(unit=commune, subject="Văn bản thường ABC")
    urgent = IncomingDocumentFactory(unit=commune, urgent=True, subject="Văn bản khẩn XYZ")
    client.force_login(clerk)
    body = client.get("/app/van-ban-den/").content.decode()
    assert body.index("Văn bản khẩn XYZ") < body.index("Văn bản thường ABC")
    body = client.get("/app/van-ban-den/?do_khan=1").content.decode()
    assert "Văn bản khẩn XYZ" in body and "Văn bản thường ABC" not in body
    body = client.get("/app/van-ban-den/?q=van+ban+thuong").content.decode()
    assert "Văn bản thường ABC" in body and "Văn bản khẩn XYZ" not in body
    assert normal and urgent


def test_whole_flow_through_pages(
    client, clerk, leader, office, office_head, specialist, commune, cong_van
):
    client.force_login(clerk)
    client.post("/app/van-ban-den/vao-so/", form_data(commune, cong_van))
    doc = IncomingDocument.objects.get()
    url = f"/app/van-ban-den/{doc.pk}/"
    assert f'href="/app/van-ban-den/{doc.pk}/trinh/"' in client.get(url).content.decode()
    resp = client.post(url + "trinh/", {"to_user": leader.pk, "note": "Kính trình"})
    assert resp.status_code == 302

    client.force_login(leader)
    page = client.get(url).content.decode()
    assert "chi-dao/" in page and "tra-lai/" in page and "hoan-thanh/" not in page
    resp = client.post(
        url + "chi-dao/",
        {
            "instruction": "Giao VP tham mưu",
            "main": f"u:{office.pk}",
            "informed": [f"p:{specialist.pk}"],
            "deadline": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert resp.status_code == 302, resp.content.decode()

    client.force_login(office_head)
    main = doc.assignments.get(role="main")
    resp = client.post(
        url + "chuyen/", {"assignment": main.pk, "to_user": specialist.pk, "note": "Xử lý"}
    )
    assert resp.status_code == 302, resp.content.decode()

    client.force_login(specialist)
    assert client.post(url + "tien-do/", {"note": "Đang tổng hợp"}).status_code == 302
    assert client.post(url + "van-ban-tra-loi/", {"reply_label": "20/BC-UBND"}).status_code == 302
    assert client.post(url + "hoan-thanh/", {"note": "Xong"}).status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.COMPLETED

    client.force_login(leader)
    page = client.get(url).content.decode()
    for text in (
        "Vào sổ",
        "Trình",
        "Chỉ đạo",
        "Chuyển xử lý",
        "Đang tổng hợp",
        "Hoàn thành",
        "20/BC-UBND",
    ):
        assert text in page, text
    resp = client.post(url + "mo-lai/", {"reason": ""})
    assert resp.status_code == 400  # the reason is required
    assert client.post(url + "mo-lai/", {"reason": "Bổ sung"}).status_code == 302


def test_refused_action_shows_error(client, clerk, commune):
    doc = IncomingDocumentFactory(unit=commune)
    client.force_login(clerk)
    resp = client.post(f"/app/van-ban-den/{doc.pk}/hoan-thanh/", {})
    assert resp.status_code == 400
    assert "Chỉ người chủ trì" in resp.content.decode()
    doc.refresh_from_db()
    assert doc.status == Status.REGISTERED


def test_pending_list_and_register_pending(client, clerk, commune, other_commune, cong_van):
    doc = services.incoming_receive_internal(
        outgoing_unit=other_commune,
        recipient_unit=commune,
        number_notation="5/UBND",
        document_date=datetime.date(2026, 3, 1),
        document_type=cong_van,
        subject="V/v mời họp giao ban",
    )
    client.force_login(clerk)
    assert "V/v mời họp giao ban" in client.get("/app/van-ban-den/cho-vao-so/").content.decode()
    assert client.post(f"/app/van-ban-den/{doc.pk}/vao-so/").status_code == 302
    doc.refresh_from_db()
    assert doc.arrival_number == 1


def test_home_counters(client, clerk, commune, other_commune, cong_van):
    from congvu.web.mywork import counters_for

    services.incoming_receive_internal(
        outgoing_unit=other_commune,
        recipient_unit=commune,
        number_notation="5/UBND",
        document_date=datetime.date(2026, 3, 1),
        document_type=cong_van,
        subject="V/v mời họp",
    )
    counts = {c.key: c.count for c in counters_for(clerk)}
    assert counts["incoming_to_register"] == 1
    assert counts["incoming_to_present"] == 0


def test_external_orgs_page(client, clerk):
    client.force_login(clerk)
    resp = client.post("/app/van-ban-den/co-quan-ngoai/", {"name": "Công an tỉnh Vĩnh Long"})
    assert resp.status_code == 302
    assert (
        "Công an tỉnh Vĩnh Long" in client.get("/app/van-ban-den/co-quan-ngoai/").content.decode()
    )
