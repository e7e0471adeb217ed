"""Browser journey: a citizen files online to xã Thạnh Phú; that commune's one-stop officer gets it.

The citizen logs in on the portal, finds the commune in the picker by typing
"thanh phu" without accents (the other communes drop out of the list), sends
one good file and one refused file, sees the good one kept as attached, adds
the missing paper and files the dossier; the upload goes through the
progress script. The one-stop officer of xã Thạnh Phú logs in and finds it
at his desk and receives it; the officer of xã Thạnh Phong never sees it.
Every page runs under the strict CSP: a violation or a script error fails.
"""

import datetime
import re
from decimal import Decimal

from django.core.cache import cache

import pytest

from congvu.accounts.constants import Role
from congvu.onestop import sms
from congvu.onestop.constants import DossierStatus
from congvu.onestop.models import Dossier
from congvu.org.constants import UnitKind
from congvu.procedures.models import Procedure, ProcedureField, ProcedureVersion, RequiredPaper
from tests.e2e.test_onestop_journey import DETAIL, Browser, act, facts, status_tag
from tests.factories import PositionFactory, UnitFactory, UserFactory
from tests.files.builders import image_bytes, pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "1.001193"
CITIZEN_EMAIL = "congdan.xa@example.vn"


@pytest.fixture(autouse=True)
def _quiet_services(settings):
    settings.CONGVU_SMS_PROVIDER = "memory"
    sms.outbox.clear()
    cache.clear()
    yield
    sms.outbox.clear()
    cache.clear()


def commune_with_desk(name: str, code: str, officer: str, officer_name: str):
    commune = UnitFactory(kind=UnitKind.COMMUNE, name=name, short_name="UBND")
    desk = UnitFactory(
        kind=UnitKind.SUBUNIT,
        parent=commune,
        name=f"Trung tâm Phục vụ hành chính công {name.removeprefix('Ủy ban nhân dân ')}",
        short_name="TTPVHCC",
        code=code,
    )
    PositionFactory(
        unit=desk,
        role=Role.ONESTOP_OFFICER,
        title="Công chức tiếp nhận và trả kết quả",
        user__username=officer,
        user__full_name=officer_name,
    )
    return commune, desk


@pytest.fixture
def communes():
    thanh_phu = commune_with_desk(
        "Ủy ban nhân dân xã Thạnh Phú", "000.00.41.H62", "motcua.thanhphu", "Huỳnh Thị Kim Ngân"
    )
    commune_with_desk(
        "Ủy ban nhân dân xã Thạnh Phong", "000.00.46.H62", "motcua.thanhphong", "Cao Văn Tư"
    )
    commune_with_desk(
        "Ủy ban nhân dân xã Đại Điền", "000.00.43.H62", "motcua.daidien", "Cao Thị Bích Tuyền"
    )
    PositionFactory(
        unit=thanh_phu[0],
        role=Role.LEADER_HEAD,
        title="Chủ tịch",
        user__username="chutich.thanhphu",
        user__full_name="Nguyễn Văn Hùng",
    )
    return {"commune": thanh_phu[0], "desk": thanh_phu[1]}


@pytest.fixture
def procedure():
    field, _ = ProcedureField.objects.get_or_create(name="Hộ tịch")
    procedure = Procedure.objects.create(code=CODE, field=field, name="Đăng ký khai sinh")
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        valid_from=datetime.date(2025, 7, 1),
        name="Đăng ký khai sinh",
        levels=["Cấp xã"],
        online_level="partial",
        duration_value=Decimal("3"),
        duration_unit="working_days",
    )
    RequiredPaper.objects.create(version=version, order=1, name="Tờ khai đăng ký khai sinh")
    RequiredPaper.objects.create(version=version, order=2, name="Giấy chứng sinh")
    return procedure


@pytest.fixture
def citizen():
    return UserFactory(
        citizen=True,
        username="congdan.xa",
        email=CITIZEN_EMAIL,
        full_name="Nguyễn Thị Hoa",
        phone="0912345678",
        id_number="083190001234",
        address="Ấp An Thuận, xã Thạnh Phú",
    )


@pytest.fixture
def users(browser, live_server):
    opened = Browser(browser, live_server.url)
    yield opened
    opened.close()


def visible_communes(page) -> list[str]:
    return [t.strip() for t in page.locator("#commune-list li:visible").all_inner_texts()]


def test_citizen_files_to_a_commune_and_its_officer_receives_it(
    communes, procedure, citizen, users
):
    papers = list(procedure.versions.get().papers.order_by("order"))

    # 1. The citizen logs in on the portal and opens the online form.
    page = users.citizen(CITIZEN_EMAIL)
    sent_by_script = []
    page.on(
        "request",
        lambda r: (
            sent_by_script.append(r.url)
            if r.method == "POST" and r.headers.get("x-congvu-upload") == "1"
            else None
        ),
    )
    page.goto(f"/dich-vu-cong/nop/{CODE}/")
    # Sorted by place name; nothing chosen for the citizen; the profile fills the rest.
    assert visible_communes(page) == ["Xã Đại Điền", "Xã Thạnh Phong", "Xã Thạnh Phú"]
    assert page.locator("input[name=commune]:checked").count() == 0
    assert page.get_by_label("Số điện thoại").input_value() == "0912345678"
    assert page.get_by_label("Số định danh cá nhân (CCCD)").input_value() == "083190001234"

    # 2. Typed without accents, the list keeps only xã Thạnh Phú.
    page.get_by_label("Tìm xã, phường, đặc khu").fill("thanh phu")
    assert visible_communes(page) == ["Xã Thạnh Phú"]
    page.get_by_label("Tìm xã, phường, đặc khu").press("Enter")  # picks the only match
    assert page.get_by_label("Xã Thạnh Phú", exact=True).is_checked()
    page.get_by_label("Nội dung yêu cầu giải quyết").fill("Đăng ký khai sinh cho con.")

    # 3. A good scan for the first paper and a refused file for the second.
    page.locator(f"input[name=paper_{papers[0].pk}]").set_input_files(
        [
            {"name": "to-khai-trang-1.png", "mimeType": "image/png", "buffer": image_bytes("PNG")},
            {"name": "to-khai-trang-2.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
        ]
    )
    page.locator(f"input[name=paper_{papers[1].pk}]").set_input_files(
        {"name": "chung-sinh.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90"}
    )
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.get_by_text("Giấy chứng sinh: tệp “chung-sinh.exe” không được nhận").wait_for()
    assert Dossier.objects.count() == 0
    kept = page.locator(".kept-files").inner_text()
    assert "Đã đính kèm: to-khai-trang-1.png" in kept and "to-khai-trang-2.pdf" in kept
    assert page.get_by_label("Xã Thạnh Phú", exact=True).is_checked()

    # 4. Only the missing paper is added; the kept files go with it.
    page.locator(f"input[name=paper_{papers[1].pk}]").set_input_files(
        {"name": "chung-sinh.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url(re.compile(r"/dich-vu-cong/ho-so/[^/]+/$"))
    body = page.locator("body").inner_text()
    found = re.search(r"Đã nộp hồ sơ tới Xã Thạnh Phú\. Mã hồ sơ của bạn là (\S+):", body)
    assert found, body
    code = found.group(1)
    assert facts(page)["Nơi nộp hồ sơ"] == "Xã Thạnh Phú"
    assert facts(page)["Trạng thái theo Cổng Dịch vụ công quốc gia"] == "Mới đăng ký (mã 1)"
    assert len(sent_by_script) == 2  # both attempts went through the progress script
    dossier = Dossier.objects.get(code=code)
    assert dossier.receiving_unit == communes["desk"]
    assert sorted(dossier.papers.values_list("file__original_name", flat=True)) == [
        "chung-sinh.pdf",
        "to-khai-trang-1.png",
        "to-khai-trang-2.pdf",
    ]

    # 5. The officer of xã Thạnh Phong does not get it.
    neighbour = users.official("motcua.thanhphong")
    neighbour.goto("/app/mot-cua/tiep-nhan/")
    assert neighbour.get_by_role("link", name=code).count() == 0

    # 6. The one-stop officer of xã Thạnh Phú finds it at his desk and receives it.
    officer = users.official("motcua.thanhphu")
    officer.goto("/app/mot-cua/tiep-nhan/")
    officer.get_by_role("link", name=code).click()
    officer.wait_for_url(DETAIL)
    assert status_tag(officer) == "Mới đăng ký"
    act(officer, "Tiếp nhận", "Tiếp nhận và cấp Giấy tiếp nhận (Mẫu 01)")
    assert status_tag(officer) == "Đã tiếp nhận"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.received_by.username == "motcua.thanhphu"

    # 7. The citizen sees it received, with the commune named.
    page.reload()
    assert facts(page)["Trạng thái"].startswith("Đã tiếp nhận")
    assert facts(page)["Trạng thái theo Cổng Dịch vụ công quốc gia"] == "Được tiếp nhận (mã 2)"
    assert users.problems == []
