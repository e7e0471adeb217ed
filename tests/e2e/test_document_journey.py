"""Browser journey of one văn bản đến and its reply, in headless Chromium.

The văn thư registers a paper document and presents it; the Chủ tịch directs
it to a chuyên viên with a deadline; the chuyên viên drafts the reply from
the document and submits it; the Chủ tịch approves it for signing; the văn
thư issues it, which delivers it to another commune, whose văn thư finds it
waiting to be registered; the chuyên viên links the reply and completes the
document. Every user logs in through the real login form in their own
browser context.
"""

import datetime
import re

from django.utils import timezone

import pytest

from congvu.incoming.models import IncomingDocument
from congvu.org.constants import UnitKind
from congvu.outgoing.models import OutgoingDocument
from congvu.registry.loaders import load_document_types
from congvu.registry.models import DocumentType
from tests.factories import PositionFactory, UnitFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"
SUBJECT = "V/v rà soát, báo cáo số lượng cán bộ, công chức cấp xã sau sắp xếp"
REPLY = "V/v báo cáo số lượng cán bộ, công chức cấp xã sau sắp xếp"


@pytest.fixture
def org():
    # Transactional tests flush the tables, data migrations included.
    load_document_types(DocumentType)
    commune = UnitFactory(
        kind=UnitKind.COMMUNE, name="Ủy ban nhân dân xã An Thạnh", short_name="UBND"
    )
    other = UnitFactory(
        kind=UnitKind.COMMUNE, name="Ủy ban nhân dân xã Bình Thạnh", short_name="UBND"
    )

    def person(unit, role, username, full_name, **kw):
        return PositionFactory(
            unit=unit,
            role=role,
            user__username=username,
            user__full_name=full_name,
            **kw,
        ).user

    return {
        "commune": commune,
        "other": other,
        "clerk": person(commune, "clerk", "vanthu.e2e", "Trần Thị Văn Thư", title="Văn thư"),
        "leader": person(
            commune, "leader_head", "chutich.e2e", "Nguyễn Văn Chủ Tịch", title="Chủ tịch"
        ),
        "specialist": person(
            commune, "specialist", "chuyenvien.e2e", "Lê Minh Chuyên Viên", title="Chuyên viên"
        ),
        "other_clerk": person(other, "clerk", "vanthu.binhthanh", "Phạm Thị Bình", title="Văn thư"),
    }


@pytest.fixture
def login(browser, live_server):
    contexts = []

    def open_as(username):
        context = browser.new_context(locale="vi-VN", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto("/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(re.compile(r"/app/$"))
        return page

    yield open_as
    for context in contexts:
        context.close()


def facts(page) -> dict[str, str]:
    """The <dl class="facts"> of a detail page as {term: value}."""
    terms = page.locator("dl.facts dt").all_inner_texts()
    values = page.locator("dl.facts dd").all_inner_texts()
    return dict(zip([t.strip() for t in terms], [v.strip() for v in values], strict=True))


def open_incoming(page, subject=SUBJECT):
    page.goto("/app/van-ban-den/")
    page.get_by_role("link", name=subject).click()
    page.wait_for_url(re.compile(r"/app/van-ban-den/\d+/$"))


def test_register_direct_reply_issue_deliver_complete(org, login):
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=10)

    # 1. The văn thư registers the paper document (vào sổ) and presents it (trình).
    clerk = login("vanthu.e2e")
    clerk.goto("/app/van-ban-den/")
    clerk.get_by_role("link", name="Vào sổ văn bản đến").first.click()
    clerk.wait_for_url(re.compile(r"/app/van-ban-den/vao-so/$"))
    clerk.get_by_label("Hoặc nhập tên cơ quan ban hành").fill("Sở Nội vụ tỉnh Vĩnh Long")
    clerk.get_by_label("Số, ký hiệu").fill("845/SNV-CCVC")
    clerk.get_by_label("Ngày văn bản").fill((today - datetime.timedelta(days=2)).isoformat())
    clerk.get_by_label("Loại văn bản").select_option(label="Công văn")
    clerk.get_by_label("Trích yếu").fill(SUBJECT)
    clerk.get_by_label("Người ký").fill("Trần Minh Khoa")
    clerk.get_by_role("button", name="Vào sổ").click()
    clerk.wait_for_url(re.compile(r"/app/van-ban-den/\d+/$"))
    assert "Đã vào sổ văn bản đến, số đến 01." in clerk.content()
    shown = facts(clerk)
    assert shown["Số đến"].startswith("01")
    assert shown["Trạng thái"] == "Đã vào sổ"
    incoming_url = clerk.url

    clerk.get_by_role("link", name="Trình", exact=True).click()
    # The head of the unit is preselected; each person is named with position and unit.
    chosen = clerk.get_by_label("Trình cho").locator("option:checked").inner_text()
    assert chosen == "Nguyễn Văn Chủ Tịch — Chủ tịch, UBND xã An Thạnh"
    clerk.get_by_role("button", name="Trình").click()
    clerk.wait_for_url(incoming_url)
    assert facts(clerk)["Trạng thái"] == "Đã trình"

    # 2. The Chủ tịch directs it: the chuyên viên is chủ trì, with a deadline.
    leader = login("chutich.e2e")
    open_incoming(leader)
    assert facts(leader)["Đã trình"] == "Nguyễn Văn Chủ Tịch"
    leader.get_by_role("link", name="Chỉ đạo").click()
    leader.get_by_label("Ý kiến chỉ đạo").fill("Giao chuyên viên tham mưu văn bản trả lời.")
    leader.get_by_label("Chủ trì").select_option(
        label="Lê Minh Chuyên Viên — Chuyên viên, UBND xã An Thạnh"
    )
    leader.get_by_label("Hạn xử lý").fill(deadline.isoformat())
    leader.get_by_role("button", name="Chỉ đạo").click()
    leader.wait_for_url(incoming_url)
    shown = facts(leader)
    assert shown["Trạng thái"] == "Đã có chỉ đạo"
    assert shown["Hạn xử lý"] == deadline.strftime("%d/%m/%Y")

    # 3. The chuyên viên opens it and drafts the reply (văn bản trả lời) to xã Bình Thạnh.
    specialist = login("chuyenvien.e2e")
    open_incoming(specialist)
    assert "Giao chuyên viên tham mưu văn bản trả lời." in specialist.content()
    incoming_pk = int(re.search(r"/(\d+)/$", specialist.url).group(1))
    # No link from the incoming page to the reply form yet: its address is opened directly.
    specialist.goto(f"/app/van-ban-di/soan-thao/?tra_loi={incoming_pk}")
    assert "Văn bản trả lời văn bản đến số 845/SNV-CCVC" in specialist.content()
    specialist.get_by_label("Loại văn bản").select_option(label="Công văn")
    specialist.get_by_label("Trích yếu").fill(REPLY)
    specialist.get_by_label("Nội dung").fill("Ủy ban nhân dân xã An Thạnh báo cáo như sau.")
    specialist.get_by_label("Kính gửi (đơn vị trong hệ thống)").select_option(
        label="Ủy ban nhân dân xã Bình Thạnh"
    )
    specialist.get_by_role("button", name="Lưu dự thảo").click()
    specialist.wait_for_url(re.compile(r"/app/van-ban-di/\d+/$"))
    reply_url = specialist.url
    assert facts(specialist)["Trạng thái"] == "Dự thảo"
    assert facts(specialist)["Trả lời văn bản đến"] == "845/SNV-CCVC"
    specialist.get_by_label("Người duyệt thứ nhất").select_option(
        label="Nguyễn Văn Chủ Tịch — Chủ tịch, UBND xã An Thạnh"
    )
    specialist.get_by_role("button", name="Trình duyệt").click()
    specialist.wait_for_url(reply_url)
    assert facts(specialist)["Trạng thái"] == "Đang trình duyệt"

    # 4. The Chủ tịch approves it for signing (duyệt ký).
    leader.goto("/app/van-ban-di/?tab=sign")
    leader.get_by_role("link", name=REPLY).first.click()
    leader.wait_for_url(reply_url)
    leader.get_by_role("button", name="Duyệt ký").click()
    leader.get_by_role("button", name="Xác nhận duyệt ký").click()
    leader.wait_for_url(reply_url)
    assert facts(leader)["Trạng thái"] == "Đã duyệt ký"

    # 5. The văn thư numbers and issues it; it is delivered to xã Bình Thạnh.
    clerk.goto("/app/van-ban-di/?tab=issue")
    clerk.get_by_role("link", name=REPLY).first.click()
    clerk.wait_for_url(reply_url)
    clerk.get_by_role("button", name="Cấp số và phát hành").click()
    clerk.get_by_role("button", name="Xác nhận cấp số và phát hành").click()
    clerk.wait_for_url(reply_url)
    assert "Đã cấp số và phát hành văn bản." in clerk.content()
    notation = OutgoingDocument.objects.get(subject=REPLY).number_notation
    assert notation.startswith("01/")
    assert notation in clerk.get_by_role("heading", level=1).inner_text()
    assert facts(clerk)["Trạng thái"] == "Đã ban hành"
    assert "Đã gửi điện tử" in clerk.locator("#h-recipients + ul + div").inner_text()

    # 6. The văn thư of xã Bình Thạnh finds it waiting to be registered, and registers it.
    other = login("vanthu.binhthanh")
    other.goto("/app/van-ban-den/cho-vao-so/")
    row = other.locator("tr", has_text=REPLY)
    assert notation in row.inner_text()
    assert "Chờ vào sổ" in row.inner_text()
    other.get_by_role("link", name=REPLY).click()
    other.wait_for_url(re.compile(r"/app/van-ban-den/\d+/$"))
    shown = facts(other)
    assert shown["Cơ quan ban hành"] == "Ủy ban nhân dân xã An Thạnh"
    assert shown["Nguồn"] == f"Liên thông nội bộ — {notation}"
    other.get_by_role("link", name="Vào sổ", exact=True).click()
    other.get_by_role("button", name="Vào sổ").click()
    other.wait_for_url(re.compile(r"/app/van-ban-den/\d+/$"))
    assert facts(other)["Số đến"].startswith("01")

    # 7. Issuing the reply linked and completed the incoming document by itself.
    specialist.goto(incoming_url)
    shown = facts(specialist)
    assert shown["Trạng thái"] == "Đã hoàn thành"
    assert shown["Văn bản trả lời"] == notation

    # What the leader sees at the end: the same, with the whole processing history.
    leader.goto(incoming_url)
    assert facts(leader)["Văn bản trả lời"] == notation
    history = leader.locator("#h-tree").locator("..").inner_text()
    for step in ("Vào sổ", "Trình", "Chỉ đạo", "Gắn văn bản trả lời", "Hoàn thành"):
        assert step in history
    document = IncomingDocument.objects.get(pk=incoming_pk)
    assert document.status == "completed"
