"""Browser journey of a remote signature (ký số từ xa, issue 13), in headless Chromium.

The Chủ tịch's key is at the sandbox remote-signing service; the agency's key is
local. The văn thư confirms "Cấp số và phát hành": the page says the request goes
to the signer's phone, and the document waits in "Chờ ký số" holding its number.
The Chủ tịch opens the sandbox's phone page from the document and approves; the
văn thư's page, left open, polls (HTMX) and turns to issued by itself; the issued
PDF carries two valid signatures. A refusal leaves the number with the document
until the văn thư voids it with a reason.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from congvu.files.services import file_open_verified
from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from congvu.registry.constants import NumberStatus
from congvu.registry.loaders import load_document_types
from congvu.registry.models import DocumentType, IssuedNumber
from congvu.signatures import sandbox
from congvu.signatures.validation import trust_roots, validate_pdf
from tests.factories import PositionFactory
from tests.outgoing.conftest import make_commune
from tests.outgoing.helpers import approved
from tests.signing.test_remote import RECIPIENTS, setup_remote

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"
WAITING = "Đang chờ người ký xác nhận trên điện thoại"
# The poll runs every 5 s; a few rounds of slack for a busy machine.
POLL_TIMEOUT = 30_000


@pytest.fixture
def remote(settings, tmp_path):
    """A commune whose Chủ tịch signs at the in-process sandbox, as in the demo."""
    from congvu.signatures import pki

    # Transactional tests flush the tables, data migrations included.
    load_document_types(DocumentType)
    settings.CONGVU_SIGNING_SANDBOX = True
    settings.CONGVU_SIGNING_SANDBOX_DIR = str(tmp_path / "ky-so-sandbox")
    settings.CONGVU_SIGNING_SANDBOX_TIMEOUT = 300
    settings.CONGVU_SIGNING_REMOTE_URL = ""  # called in-process; the phone page is congvu's
    admin = PositionFactory(system_admin=True).user
    return setup_remote(
        settings, admin, pki.make_ca(), make_commune("Thạnh Phú"), sandbox.SandboxStore(), ""
    )


@pytest.fixture
def login(browser, live_server):
    contexts = []

    def open_as(user):
        context = browser.new_context(locale="vi-VN", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto("/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(user.username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(re.compile(r"/app/$"))
        return page

    yield open_as
    for context in contexts:
        context.close()


def issue_in_browser(clerk, doc):
    """The văn thư's "Cấp số và phát hành", confirmed; returns the document as it then is."""
    clerk.goto(f"/app/van-ban-di/{doc.pk}/")
    clerk.get_by_role("button", name="Cấp số và phát hành").click()
    expect(clerk.get_by_text("gửi yêu cầu ký số đến điện thoại của người ký")).to_be_visible()
    expect(clerk.get_by_text("“Chờ ký số”")).to_be_visible()
    clerk.get_by_role("button", name="Xác nhận cấp số và phát hành").click()
    clerk.wait_for_url(re.compile(rf"/app/van-ban-di/{doc.pk}/$"))
    doc = OutgoingDocument.objects.get(pk=doc.pk)
    assert doc.status == Status.SIGNING and doc.number == 1
    expect(clerk.get_by_text(WAITING)).to_be_visible()
    expect(clerk.get_by_text("Chờ ký số").first).to_be_visible()
    expect(clerk.get_by_text(doc.number_notation).first).to_be_visible()
    return doc


def open_phone(signer, doc):
    """The Chủ tịch opens the sandbox phone from the document's page (it opens a new tab)."""
    signer.goto(f"/app/van-ban-di/{doc.pk}/")
    with signer.context.expect_page() as opened:
        signer.get_by_role("link", name="Mở điện thoại thử nghiệm để ký").click()
    phone = opened.value
    phone.wait_for_load_state()
    expect(phone.get_by_text(doc.number_notation)).to_be_visible()
    return phone


def test_signer_approves_on_the_phone_and_the_clerks_page_turns_issued(remote, login):
    doc = approved(remote, recipients=RECIPIENTS)
    clerk = login(remote.clerk)
    doc = issue_in_browser(clerk, doc)
    assert IssuedNumber.objects.get(pk=doc.issued_number_id).object_id == str(doc.pk)

    phone = open_phone(login(remote.leader), doc)
    phone.get_by_role("button", name="Đồng ý ký").click()
    expect(phone.get_by_text("Đã ký.")).to_be_visible()

    # Nobody touches the văn thư's page: its poll finds the signature and reloads it.
    expect(clerk.get_by_text(WAITING)).to_have_count(0, timeout=POLL_TIMEOUT)
    expect(clerk.get_by_text("Chữ ký số: hợp lệ — Nguyễn Thị Hồng Nhung").first).to_be_visible()
    doc = OutgoingDocument.objects.get(pk=doc.pk)
    assert doc.status == Status.ISSUED and doc.number == 1
    with file_open_verified(doc.issued_file) as handle:
        data = handle.read()
    # pyHanko's validation runs its own event loop; Playwright's holds this thread.
    with ThreadPoolExecutor(1) as pool:
        reports = pool.submit(validate_pdf, data, trust_roots()).result()
    assert len(reports) == 2, reports
    assert all(report.ok for report in reports), reports
    assert any("Nguyễn Thị Hồng Nhung" in report.signer for report in reports)


def test_a_refusal_keeps_the_number_until_the_clerk_voids_it(remote, login):
    doc = approved(remote, recipients=RECIPIENTS)
    clerk = login(remote.clerk)
    doc = issue_in_browser(clerk, doc)

    phone = open_phone(login(remote.leader), doc)
    phone.get_by_label("Lý do từ chối").fill("Sai số liệu ở Điều 2")
    phone.get_by_role("button", name="Từ chối").click()
    expect(phone.get_by_text("Đã từ chối.")).to_be_visible()

    expect(clerk.get_by_text("Sai số liệu ở Điều 2")).to_be_visible(timeout=POLL_TIMEOUT)
    assert OutgoingDocument.objects.get(pk=doc.pk).number == 1  # kept, never skipped
    clerk.get_by_role("link", name="Hủy số").click()
    clerk.get_by_label("Lý do hủy số").fill("Lãnh đạo đi công tác dài ngày")
    clerk.get_by_role("button", name="Xác nhận hủy số").click()
    clerk.wait_for_url(re.compile(rf"/app/van-ban-di/{doc.pk}/$"))
    doc = OutgoingDocument.objects.get(pk=doc.pk)
    assert doc.status == Status.APPROVED and doc.number is None
    voided = IssuedNumber.objects.get(number=1)
    assert voided.status == NumberStatus.VOIDED and "Lãnh đạo đi công tác" in voided.void_reason
    assert voided.object_id == ""
