"""Browser journey of one online dossier through the one-stop shop, in headless Chromium.

A citizen logs in on the portal, finds "đăng ký khai sinh" in the catalogue
(typed without accents), files it online with a file for every paper and gets the
dossier code. The desk officer accepts it from the queue, which issues Mẫu 01
(the PDF carries the code), and hands it to the specialist; the specialist
appraises it and hands it to the Chủ tịch, who records the result with a
result file; the desk returns it. The citizen sees "Đã trả kết quả",
downloads the result and rates the service. Anyone can look the dossier up
with its code and phone number; a wrong phone gets the one generic answer.
Every page runs under the strict CSP: a violation or a script error fails
the journey.
"""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

from django.core.cache import cache
from django.utils import timezone

import pytest
from pypdf import PdfReader

from congvu.accounts.constants import Role
from congvu.onestop import sms
from congvu.onestop.constants import DossierStatus
from congvu.onestop.models import Dossier, Rating
from congvu.org.constants import UnitKind
from congvu.procedures import importer
from congvu.procedures.constants import OnlineLevel
from congvu.procedures.models import Procedure, ProcedureVersion
from congvu.procedures.selectors import legal_hours, version_in_force
from congvu.procedures.services import save_process
from tests.factories import PositionFactory, UnitFactory, UserFactory
from tests.files.builders import image_bytes, pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"  # tests.factories.UserFactory
CODE = "1.001193"  # Thủ tục đăng ký khai sinh
SAMPLE = Path(importer.__file__).resolve().parent / "data" / "tthc-sample.jsonl"
EFFECTIVE = datetime.date(2025, 7, 1)
CITIZEN_EMAIL = "congdan.e2e@example.vn"
PHONE = "0912345678"
RESULT_PDF = pdf_bytes(title="Giấy khai sinh bản điện tử")


@pytest.fixture(autouse=True)
def _quiet_services(settings):
    # SMS into memory (checked below); the look-up's rate limit starts empty.
    settings.CONGVU_SMS_PROVIDER = "memory"
    sms.outbox.clear()
    cache.clear()
    yield
    sms.outbox.clear()
    cache.clear()


@pytest.fixture
def shop():
    """xã An Thạnh: the commune, its desk and office, the people, and khai sinh with its process."""
    commune = UnitFactory(
        kind=UnitKind.COMMUNE,
        name="Ủy ban nhân dân xã An Thạnh",
        short_name="UBND",
        code="000.00.41.H62",
    )
    desk = UnitFactory(
        kind=UnitKind.SUBUNIT,
        parent=commune,
        name="Trung tâm Phục vụ hành chính công xã An Thạnh",
        short_name="TTPVHCC",
        code="000.01.41.H62",
    )
    office = UnitFactory(
        kind=UnitKind.OFFICE,
        parent=commune,
        name="Văn phòng HĐND và UBND xã An Thạnh",
        short_name="VP",
        code="000.02.41.H62",
    )

    def person(unit, role, username, full_name, title):
        return PositionFactory(
            unit=unit, role=role, title=title, user__username=username, user__full_name=full_name
        ).user

    admin = person(commune, Role.SYSTEM_ADMIN, "quantri.e2e", "Quản Trị Hệ Thống", "Quản trị")
    people = {
        "officer": person(
            desk, Role.ONESTOP_OFFICER, "motcua.e2e", "Trần Thị Một Cửa", "Công chức một cửa"
        ),
        "specialist": person(
            office, Role.SPECIALIST, "tuphap.e2e", "Lê Văn Tư Pháp", "Công chức tư pháp - hộ tịch"
        ),
        "leader": person(
            commune, Role.LEADER_HEAD, "chutich.e2e", "Nguyễn Văn Chủ Tịch", "Chủ tịch"
        ),
    }
    citizen = UserFactory(
        citizen=True,
        username="congdan.e2e",
        email=CITIZEN_EMAIL,
        full_name="Phạm Thị Công Dân",
        phone=PHONE,
        id_number="083190001234",
        address="Ấp An Thuận, xã An Thạnh",
    )

    # Only the khai sinh record of the real sample, imported as the national database gives it.
    line = next(
        raw for raw in SAMPLE.read_text(encoding="utf-8").splitlines() if f'"{CODE}"' in raw
    )
    report = importer.import_lines([line], actor=admin, effective_date=EFFECTIVE)
    assert report.created == [CODE], report
    procedure = Procedure.objects.get(code=CODE)
    # The seed offered khai sinh online at level 3 ("một phần").
    ProcedureVersion.objects.filter(procedure=procedure, valid_to__isnull=True).update(
        online_level=OnlineLevel.PARTIAL
    )
    version = version_in_force(procedure, timezone.localdate())
    total = legal_hours(version) or Decimal(8)
    shares = [Decimal("0.1"), Decimal("0.5"), Decimal("0.3"), Decimal("0.1")]
    budgets = [(total * share).quantize(Decimal("0.01")) for share in shares]
    budgets[1] += total - sum(budgets)
    steps = [
        ("Tiếp nhận hồ sơ", "reception", desk, Role.ONESTOP_OFFICER),
        ("Thẩm định hồ sơ", "appraisal", office, Role.SPECIALIST),
        ("Phê duyệt kết quả", "approval", commune, Role.LEADER_HEAD),
        ("Trả kết quả", "result", desk, Role.ONESTOP_OFFICER),
    ]
    save_process(
        actor=admin,
        procedure=procedure,
        unit=desk,
        valid_from=EFFECTIVE,
        steps=[
            {"name": name, "kind": kind, "unit": unit, "role": role, "budget_hours": hours}
            for (name, kind, unit, role), hours in zip(steps, budgets, strict=True)
        ],
    )
    return {
        "commune": commune,
        "desk": desk,
        "office": office,
        "citizen": citizen,
        "procedure": procedure,
        "papers": list(version.papers.order_by("order", "pk")),
        **people,
    }


class Browser:
    """Opens one browser context per user and records what breaks: CSP, scripts, assets, 5xx."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.problems: list[str] = []

    def context(self):
        context = self.browser.new_context(
            locale="vi-VN", base_url=self.base_url, accept_downloads=True
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)

        def on_console(message):
            text = message.text
            if message.type == "error" and (
                "Content Security Policy" in text or "Refused to" in text
            ):
                self.problems.append(f"{page.url}: {text}")

        def on_response(response):
            # A broken asset or a server error is a broken page too (the favicon is optional).
            kind = response.request.resource_type
            # The online form's upload script gets the refused form (400) to show it.
            form_answer = response.status == 400 and response.request.headers.get("x-congvu-upload")
            if (response.status >= 500) or (
                response.status >= 400
                and kind in ("script", "stylesheet", "font", "image", "xhr", "fetch")
                and not response.url.endswith("/favicon.ico")
                and not form_answer
            ):
                self.problems.append(f"{response.status} {kind} {response.url}")

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        return page

    def official(self, username):
        page = self.context()
        page.goto("/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(re.compile(r"/app/$"))
        return page

    def citizen(self, email):
        page = self.context()
        page.goto("/dang-nhap/")
        page.get_by_label("Thư điện tử").fill(email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(re.compile(r"/tai-khoan/$"))
        return page

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def users(browser, live_server):
    opened = Browser(browser, live_server.url)
    yield opened
    opened.close()


def facts(page) -> dict[str, str]:
    """The <dl class="facts"> of a detail page as {term: value}."""
    terms = page.locator("dl.facts dt").all_inner_texts()
    values = page.locator("dl.facts dd").all_inner_texts()
    return dict(zip([t.strip() for t in terms], [v.strip() for v in values], strict=True))


def status_tag(page) -> str:
    return page.locator("h1 .tag").inner_text().strip()


DETAIL = re.compile(r"/app/mot-cua/\d+/$")


def act(page, link: str, button: str, *, fill=None):
    """Open an action of the dossier page, fill its form, submit, and come back to the page."""
    detail_url = page.url
    page.get_by_role("link", name=link, exact=True).click()
    page.wait_for_url(re.compile(r"/app/mot-cua/\d+/[a-z_]+/$"))
    if fill:
        fill(page)
    page.get_by_role("button", name=button).click()
    page.wait_for_url(detail_url)


def pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)


def test_citizen_files_online_desk_accepts_processed_returned_rated(shop, users):
    papers = shop["papers"]
    assert any(p.required for p in papers), "the khai sinh record lists its required papers"

    # 1. The citizen logs in, finds khai sinh typed without accents, and opens it.
    citizen = users.citizen(CITIZEN_EMAIL)
    citizen.goto("/thu-tuc/")
    # "đăng ký khai sinh" typed as a phone keyboard without Vietnamese input gives it.
    citizen.get_by_label("Tìm thủ tục").fill("dang ky khai sinh")
    citizen.get_by_role("button", name="Tìm", exact=True).click()
    citizen.wait_for_url(re.compile(r"/thu-tuc/\?.*q=dang\+ky\+khai\+sinh"))
    assert citizen.locator(".result-count").inner_text().strip() == "1 thủ tục"
    citizen.locator("ul.cards a", has_text="khai sinh").first.click()
    citizen.wait_for_url(f"**/thu-tuc/{CODE}/")
    assert "khai sinh" in citizen.get_by_role("heading", level=1).inner_text().lower()

    # 2. Nộp hồ sơ trực tuyến: the form starts from the profile; a file for every paper.
    citizen.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    citizen.wait_for_url(f"**/dich-vu-cong/nop/{CODE}/")
    assert citizen.get_by_label("Họ và tên người nộp").input_value() == "Phạm Thị Công Dân"
    citizen.get_by_label("Xã An Thạnh", exact=True).check()
    citizen.get_by_label("Địa chỉ").fill("Ấp An Thuận, xã An Thạnh, tỉnh Vĩnh Long")
    citizen.get_by_label("Số điện thoại").fill(PHONE)
    citizen.get_by_label("Nội dung yêu cầu giải quyết").fill("Đăng ký khai sinh cho con gái.")
    assert citizen.locator("input[type=file][name^=paper_]").count() == len(papers)
    # Without the required papers the form comes back, naming each missing one.
    citizen.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    citizen.get_by_text("Thông tin chưa hợp lệ.").wait_for()
    missing = citizen.locator(".errorlist").all_inner_texts()
    for paper in (p for p in papers if p.required):
        assert any(f"{paper.name}: phải tải lên tệp giấy tờ này." in m for m in missing)
    assert Dossier.objects.count() == 0
    # Every required paper, and one optional paper too; PDFs and scans (PNG) alternate.
    chosen = [p for p in papers if p.required] + [next(p for p in papers if not p.required)]
    for i, paper in enumerate(chosen):
        if i % 2 == 0:
            payload = {"name": f"giay-to-{i + 1}.pdf", "mimeType": "application/pdf"}
            payload["buffer"] = pdf_bytes(title=f"Giấy tờ {i + 1}")
        else:
            payload = {"name": f"giay-to-{i + 1}.png", "mimeType": "image/png"}
            payload["buffer"] = image_bytes("PNG")
        citizen.locator(f"input[type=file][name=paper_{paper.pk}]").set_input_files(payload)
    citizen.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    citizen.wait_for_url(re.compile(r"/dich-vu-cong/ho-so/[^/]+/$"))
    message = citizen.locator("body").inner_text()
    found = re.search(r"Mã hồ sơ của bạn là (\S+):", message)
    assert found, message
    code = found.group(1)
    assert code in citizen.get_by_role("heading", level=1).inner_text()
    assert facts(citizen)["Trạng thái"].startswith("Mới đăng ký")
    dossier = Dossier.objects.get(code=code)
    # {mã định danh of the desk}-{yymmdd}-{nnnn}, the first of the day.
    assert code == f"000.01.41.H62-{timezone.localtime(dossier.submitted_at):%y%m%d}-0001"
    assert dossier.applicant_id == shop["citizen"].pk
    stored = dossier.papers.filter(file__isnull=False)
    assert sorted(stored.values_list("required_paper_id", flat=True)) == sorted(
        p.pk for p in chosen
    )
    citizen_url = citizen.url

    # 3. The desk finds it in its queue and accepts it: Mẫu 01, with the code, as a PDF.
    officer = users.official("motcua.e2e")
    officer.goto("/app/mot-cua/tiep-nhan/")
    officer.get_by_role("link", name=code).click()
    officer.wait_for_url(DETAIL)
    dossier_url = officer.url
    assert status_tag(officer) == "Mới đăng ký"
    act(officer, "Tiếp nhận", "Tiếp nhận và cấp Giấy tiếp nhận (Mẫu 01)")
    assert "Đã tiếp nhận hồ sơ." in officer.locator("body").inner_text()
    assert status_tag(officer) == "Đã tiếp nhận"
    assert facts(officer)["Hẹn trả kết quả"] != "—"
    receipt = officer.get_by_role("link", name=re.compile(r"^Mẫu 01"))
    response = officer.request.get(receipt.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert code in pdf_text(response.body())

    # 4. The desk hands it over to the specialist.
    act(
        officer,
        "Chuyển bước",
        "Chuyển bước tiếp theo",
        fill=lambda p: (
            p.get_by_label("Chuyển cho").select_option(label="Lê Văn Tư Pháp"),
            p.get_by_label("Ý kiến xử lý").fill("Hồ sơ đủ thành phần, chuyển thẩm định."),
        ),
    )
    assert status_tag(officer) == "Đang xử lý"
    assert "Lê Văn Tư Pháp" in facts(officer)["Bước hiện tại"]

    # 5. The specialist finds it among their work and completes the appraisal.
    specialist = users.official("tuphap.e2e")
    specialist.goto("/app/mot-cua/viec-cua-toi/")
    specialist.get_by_role("link", name=code).click()
    specialist.wait_for_url(dossier_url)
    act(
        specialist,
        "Chuyển bước",
        "Chuyển bước tiếp theo",
        fill=lambda p: (
            p.get_by_label("Chuyển cho").select_option(label="Nguyễn Văn Chủ Tịch"),
            p.get_by_label("Ý kiến xử lý").fill("Hồ sơ hợp lệ, đề nghị phê duyệt."),
        ),
    )
    assert "Phê duyệt kết quả" in facts(specialist)["Bước hiện tại"]

    # 6. The Chủ tịch records the result with the result file.
    leader = users.official("chutich.e2e")
    leader.goto("/app/mot-cua/viec-cua-toi/")
    leader.get_by_role("link", name=code).click()
    leader.wait_for_url(dossier_url)
    act(
        leader,
        "Cập nhật kết quả",
        "Xử lý xong",
        fill=lambda p: (
            p.get_by_label("Tệp kết quả").set_input_files(
                {"name": "giay-khai-sinh.pdf", "mimeType": "application/pdf", "buffer": RESULT_PDF}
            ),
            p.get_by_label("Ghi chú").fill("Đồng ý cấp Giấy khai sinh."),
        ),
    )
    assert status_tag(leader) == "Đã xử lý xong"
    assert leader.get_by_role("link", name="giay-khai-sinh.pdf").count() == 1

    # 7. The desk returns the result.
    officer.goto("/app/mot-cua/tiep-nhan/")
    officer.locator("#h-return + ul").get_by_role("link", name=code).click()
    officer.wait_for_url(dossier_url)
    act(officer, "Trả kết quả", "Đã trả kết quả cho người nộp")
    assert status_tag(officer) == "Đã trả kết quả"
    history = officer.locator("#h-history + ul").inner_text()
    for status in ("Mới đăng ký", "Đã tiếp nhận", "Đã xử lý xong", "Đã trả kết quả"):
        assert status in history

    # 8. The citizen sees it returned, downloads the result and rates the service.
    citizen.goto("/dich-vu-cong/ho-so/")
    card = citizen.locator("li.card", has_text=code)
    assert card.locator(".tag").inner_text().strip() == "Đã trả kết quả"
    card.get_by_role("link", name=code).click()
    citizen.wait_for_url(citizen_url)
    assert facts(citizen)["Trạng thái"].startswith("Đã trả kết quả")
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="giay-khai-sinh.pdf").click()
    assert download.value.suggested_filename == "giay-khai-sinh.pdf"
    assert Path(download.value.path()).read_bytes() == RESULT_PDF
    citizen.get_by_role("link", name="Đánh giá mức độ hài lòng").click()
    citizen.wait_for_url(re.compile(r"/danh-gia/$"))
    citizen.locator("input[name=score][value='5']").check()
    citizen.get_by_label("Góp ý").fill("Cán bộ hướng dẫn tận tình, trả kết quả đúng hẹn.")
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    citizen.wait_for_url(citizen_url)
    page_text = citizen.locator("body").inner_text()
    assert "Cảm ơn bạn đã đánh giá." in page_text
    assert "Bạn đã đánh giá mức độ hài lòng: 5." in page_text
    assert citizen.get_by_role("link", name="Đánh giá mức độ hài lòng").count() == 0

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    rating = Rating.objects.get(dossier=dossier)
    assert rating.score == 5
    assert "tận tình" in rating.comment
    assert any(m.phone.endswith("912345678") and code in m.text for m in sms.outbox)

    # 9. Anyone can look it up with the code and the phone; a wrong phone learns nothing.
    visitor = users.context()
    visitor.goto("/dich-vu-cong/tra-cuu/")
    visitor.get_by_label("Mã hồ sơ").fill(code)
    visitor.get_by_label("Số điện thoại đã khai khi nộp").fill("0987654321")
    visitor.get_by_role("button", name="Tra cứu").click()
    error = visitor.get_by_role("alert").or_(visitor.locator(".errorlist")).first
    assert "Không tìm thấy hồ sơ với mã hồ sơ và số điện thoại này." in error.inner_text()
    assert visitor.url.endswith("/dich-vu-cong/tra-cuu/")
    assert visitor.locator("dl.facts").count() == 0
    visitor.get_by_label("Mã hồ sơ").fill(code)
    visitor.get_by_label("Số điện thoại đã khai khi nộp").fill(PHONE)
    visitor.get_by_role("button", name="Tra cứu").click()
    visitor.wait_for_url(citizen_url)
    assert code in visitor.get_by_role("heading", level=1).inner_text()
    assert facts(visitor)["Trạng thái"].startswith("Đã trả kết quả")
    # Not the applicant's account: it may read, not rate again.
    assert visitor.get_by_role("link", name="Đánh giá mức độ hài lòng").count() == 0

    assert users.problems == []
