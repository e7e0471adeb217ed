"""Browser journey of "Duyệt ký" on a phone: the Chủ tịch reads the draft's pages, then approves.

The page shows the document as it will be signed (server-rendered page
images, lazy-loaded, as wide as the screen) and its PDF attachment, then the
confirmation, which carries the digest of what was shown.
"""

import re

import pytest

from congvu.files.services import file_store
from congvu.org.constants import UnitKind
from congvu.outgoing import preview, services
from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from congvu.registry.loaders import load_document_types
from congvu.registry.models import DocumentType
from tests.factories import PositionFactory, UnitFactory
from tests.files.builders import pdf_bytes, upload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"
SUBJECT = "V/v tổ chức tiếp công dân định kỳ tháng 3"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def draft_for_signing(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    load_document_types(DocumentType)
    commune = UnitFactory(
        kind=UnitKind.COMMUNE, name="Ủy ban nhân dân xã An Thạnh", short_name="UBND"
    )
    specialist = PositionFactory(unit=commune, role="specialist", title="Chuyên viên").user
    leader = PositionFactory(
        unit=commune,
        role="leader_head",
        title="Chủ tịch",
        user__username="chutich.ky",
        user__full_name="Nguyễn Văn Chủ Tịch",
    ).user
    doc = services.draft_create(
        actor=specialist,
        unit=commune,
        document_type=DocumentType.objects.get(code="cong-van"),
        subject=SUBJECT,
        body="Ủy ban nhân dân xã tổ chức tiếp công dân vào ngày 15 hằng tháng.",
        recipients=[{"external_name": "Các thôn, ấp"}],
    )
    file_store(
        actor=specialist,
        upload=upload("lich-tiep-dan.pdf", pdf_bytes(pages=2), "application/pdf"),
        owner=doc,
        purpose=preview.ATTACHMENT_PURPOSE,
    )
    services.draft_submit(actor=specialist, document=doc, reviewers=[leader])
    return doc


def test_leader_reads_the_pages_on_a_phone_then_approves(browser, live_server, draft_for_signing):
    doc = draft_for_signing
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("chutich.ky")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(re.compile(r"/app/$"))
        page.goto(f"/app/van-ban-di/{doc.pk}/")
        page.get_by_role("button", name="Duyệt ký").click()
        page.wait_for_url(re.compile(rf"/app/van-ban-di/{doc.pk}/duyet-ky/$"))

        body_page = page.get_by_role("img", name="Trang 1/1 của văn bản")
        attachment_pages = page.get_by_role("img", name=re.compile(r"của tệp lich-tiep-dan\.pdf"))
        assert attachment_pages.count() == 2
        for image in [body_page, attachment_pages.nth(0), attachment_pages.nth(1)]:
            assert image.get_attribute("loading") == "lazy"
            image.scroll_into_view_if_needed()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
            )
            box = image.bounding_box()
            # As wide as the phone allows, never wider: no sideways scrolling to read.
            assert 0 < box["width"] <= PHONE["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.get_by_role("button", name="Xác nhận duyệt ký").click()
        page.wait_for_url(re.compile(rf"/app/van-ban-di/{doc.pk}/$"))
        assert "Đã duyệt ký văn bản." in page.content()
    finally:
        context.close()
    doc = OutgoingDocument.objects.get(pk=doc.pk)
    assert doc.status == Status.APPROVED
    assert doc.approved_content_sha256 == preview.content_digest(doc)
