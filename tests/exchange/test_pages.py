"""The văn thư's pages for received packages: list, detail, vào sổ and trả lại with confirmation."""

from __future__ import annotations

import pytest

from congvu.exchange import edxml
from congvu.exchange.constants import PackageState
from congvu.exchange.models import ReceivedPackage
from congvu.exchange.services import package_receive
from congvu.incoming.models import IncomingDocument
from congvu.web.mywork import counters_for
from tests.factories import PositionFactory, UnitFactory

from .conftest import COMMUNE_CODE, fixture_bytes, sample_message
from .test_register import pdf_bytes

pytestmark = pytest.mark.django_db

LIST = "/app/lien-thong/"


@pytest.fixture
def commune():
    return UnitFactory(commune=True, name="UBND xã Thạnh Phú", code=COMMUNE_CODE)


@pytest.fixture
def clerk(commune):
    return PositionFactory(clerk=True, unit=commune).user


@pytest.fixture
def package(commune):
    attachments = [edxml.Attachment("qd", "125-QĐ-UBND.pdf", "application/pdf", pdf_bytes())]
    message = sample_message(attachments=attachments, business=None)
    return package_receive(raw=edxml.build(message), source="edxml_axis")


def test_the_clerk_sees_waiting_and_refused_packages(client, clerk, package):
    refused = package_receive(raw=fixture_bytes("bad_date.xml"), source="edxml_axis")
    client.force_login(clerk)
    page = client.get(LIST).content.decode()
    assert "125/QĐ-UBND" in page and "Kế hoạch cải cách hành chính" in page
    assert "Ủy ban nhân dân tỉnh Vĩnh Long" in page
    detail = client.get(f"{LIST}{package.pk}/").content.decode()
    assert "Nguyễn Văn An" in detail and "125-QĐ-UBND.pdf" in detail
    assert f"{LIST}{package.pk}/vao-so/" in detail and f"{LIST}{package.pk}/tra-lai/" in detail
    # A package that could not be read has no known unit: the system administrators see it,
    # with its reason, in its own tab.
    assert refused.refusal_reason not in client.get(LIST, {"tab": "tu-choi"}).content.decode()
    client.force_login(PositionFactory(system_admin=True).user)
    page = client.get(LIST, {"tab": "tu-choi"}).content.decode()
    assert refused.state == PackageState.REFUSED and refused.refusal_reason in page


def test_a_pdf_attachment_opens_in_the_browser(client, clerk, package):
    client.force_login(clerk)
    resp = client.get(f"{LIST}{package.pk}/tep/0/")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    assert resp["Content-Disposition"].startswith('inline; filename="125-Q_-UBND.pdf"')
    assert "filename*=UTF-8''125-Q%C4%90-UBND.pdf" in resp["Content-Disposition"]
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert b"".join(resp.streaming_content) == pdf_bytes()
    assert client.get(f"{LIST}{package.pk}/tep/1/").status_code == 404


def test_other_attachments_and_false_pdfs_stay_downloads(client, clerk, commune):
    attachments = [
        edxml.Attachment("doc", "Phụ lục.docx", "application/msword", b"PK\x03\x04 data"),
        # Named and typed as a PDF by the sender, but HTML inside: never shown inline.
        edxml.Attachment("fake", "../../bao-cao.pdf", "application/pdf", b"<html><script>"),
    ]
    message = sample_message(attachments=attachments, business=None)
    package = package_receive(raw=edxml.build(message), source="edxml_axis")
    client.force_login(clerk)
    for index, ascii_name in ((0, "Ph_ l_c.docx"), (1, "bao-cao.pdf")):
        resp = client.get(f"{LIST}{package.pk}/tep/{index}/")
        assert resp.status_code == 200
        assert resp["Content-Type"] == "application/octet-stream"
        assert resp["Content-Disposition"].startswith(f'attachment; filename="{ascii_name}"')


def test_package_pages_show_vietnamese_dates_and_the_channel_name(client, clerk, package):
    client.force_login(clerk)
    for url in (f"{LIST}{package.pk}/", f"{LIST}{package.pk}/vao-so/"):
        page = client.get(url).content.decode()
        assert "05/03/2026" in page and "20/03/2026" in page  # ngày ban hành, hạn xử lý
        assert "2026-03-05" not in page and "2026-03-20" not in page
        assert "Trục liên thông (edXML)" in page and "edxml_axis" not in page
        assert "(Trục liên thông (edXML))" not in page  # no double parentheses


def test_outside_the_receiving_unit_everything_is_404(client, commune, package):
    other_clerk = PositionFactory(clerk=True, unit=UnitFactory(commune=True)).user
    specialist = PositionFactory(unit=commune).user
    for user in (other_clerk, specialist):
        client.force_login(user)
        assert "125/QĐ-UBND" not in client.get(LIST).content.decode()
        for suffix in ("", "tep/0/", "vao-so/", "tra-lai/"):
            assert client.get(f"{LIST}{package.pk}/{suffix}").status_code == 404
        resp = client.post(f"{LIST}{package.pk}/vao-so/", {"xac_nhan": "1"})
        assert resp.status_code == 404
        resp = client.post(f"{LIST}{package.pk}/tra-lai/", {"xac_nhan": "1", "reason": "x"})
        assert resp.status_code == 404
    package.refresh_from_db()
    assert package.state == PackageState.ACCEPTED


def test_register_needs_confirmation_then_opens_the_incoming_document(client, clerk, package):
    client.force_login(clerk)
    url = f"{LIST}{package.pk}/vao-so/"
    page = client.get(url).content.decode()
    assert 'name="xac_nhan" value="1"' in page
    # A POST without the confirmation field shows the page again and does nothing.
    assert client.post(url, {}).status_code == 200
    assert not IncomingDocument.objects.exists()
    resp = client.post(url, {"xac_nhan": "1"})
    document = IncomingDocument.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/app/van-ban-den/{document.pk}/"
    package.refresh_from_db()
    assert package.state == PackageState.REGISTERED and package.incoming_document == document
    # Done once: the page now says so and a second POST registers nothing.
    resp = client.post(url, {"xac_nhan": "1"})
    assert "không thực hiện được" in resp.content.decode()
    assert IncomingDocument.objects.count() == 1


def test_a_suspected_duplicate_asks_for_the_extra_tick(client, clerk, package):
    client.force_login(clerk)
    client.post(f"{LIST}{package.pk}/vao-so/", {"xac_nhan": "1"})
    message = sample_message(
        attachments=[edxml.Attachment("qd", "a.pdf", "application/pdf", pdf_bytes())],
        business=None,
        document_id="khac",
    )
    again = package_receive(raw=edxml.build(message), source="edxml_axis")
    url = f"{LIST}{again.pk}/vao-so/"
    resp = client.post(url, {"xac_nhan": "1"})
    assert resp.status_code == 400 and 'name="confirm_duplicate"' in resp.content.decode()
    assert IncomingDocument.objects.count() == 1
    resp = client.post(url, {"xac_nhan": "1", "confirm_duplicate": "on"})
    assert resp.status_code == 302 and IncomingDocument.objects.count() == 2


def test_return_needs_a_reason_and_confirmation(client, clerk, package):
    client.force_login(clerk)
    url = f"{LIST}{package.pk}/tra-lai/"
    assert client.get(url).status_code == 200
    resp = client.post(url, {"reason": "Gửi nhầm đơn vị"})
    assert resp.status_code == 200 and "Gửi nhầm đơn vị" in resp.content.decode()
    package.refresh_from_db()
    assert package.state == PackageState.ACCEPTED
    resp = client.post(url, {"xac_nhan": "1", "reason": "  "})
    assert resp.status_code == 400 and "Phải nhập lý do trả lại." in resp.content.decode()
    resp = client.post(url, {"xac_nhan": "1", "reason": "Gửi nhầm đơn vị"})
    assert resp.status_code == 302 and resp["Location"] == f"{LIST}{package.pk}/"
    package.refresh_from_db()
    assert package.state == PackageState.RETURNED and package.refusal_reason == "Gửi nhầm đơn vị"
    page = client.get(LIST, {"tab": "da-xu-ly"}).content.decode()
    assert "Gửi nhầm đơn vị" in page


def test_the_home_page_counts_waiting_packages(clerk, package):
    from congvu.core.authz import as_actor

    counts = {c.key: c.count for c in counters_for(as_actor(clerk))}
    assert counts["exchange_packages_waiting"] == 1
    ReceivedPackage.objects.filter(pk=package.pk).update(state=PackageState.RETURNED)
    counts = {c.key: c.count for c in counters_for(as_actor(clerk))}
    assert counts["exchange_packages_waiting"] == 0


def test_iso_times_of_a_summary_read_as_local_dd_mm_yyyy_hh_mm():
    from congvu.exchange.templatetags.exchange_tags import channel_label, iso_vn

    assert iso_vn("2026-03-05T02:15:00+00:00") == "05/03/2026 09:15"  # Asia/Ho_Chi_Minh
    assert iso_vn("2026-03-05") == "05/03/2026"
    assert iso_vn("hôm qua") == "hôm qua" and iso_vn("") == ""
    assert channel_label("internal") == "Liên thông nội bộ"
    assert channel_label("lgsp-tinh") == "lgsp-tinh"  # an unknown channel keeps its code


def test_urgency_and_business_type_follow_the_chosen_language(client, clerk, package):
    """The summary stores labels as received (Vietnamese); pages translate them from the codes."""
    from django.conf import settings

    assert package.summary["priority_label"] == "Thượng khẩn"
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (f"{LIST}{package.pk}/", f"{LIST}{package.pk}/vao-so/"):
        page = client.get(url).content.decode()
        assert "Thượng khẩn" not in page and "Văn bản mới" not in page
        assert "New document" in page
