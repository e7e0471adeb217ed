"""The key detail page on a 390 px phone: no sideways scrolling (the fingerprint wraps)."""

import re

import pytest

from congvu.signatures import pki, services
from congvu.signatures.models import KeyKind
from tests.factories import PositionFactory, UnitFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"


def test_key_detail_fits_a_390px_screen(page):
    commune = UnitFactory(commune=True, name="UBND xã Thạnh Phú")
    admin = PositionFactory(
        unit=commune, unit_admin=True, user__username="quantri.e2e", user__full_name="Quản Trị"
    ).user
    leader = PositionFactory(unit=commune, leader=True, user__full_name="Nguyễn Thị Hồng Nhung")
    ca = pki.make_ca()
    services.add_anchor_unchecked(actor=None, name="Test CA", certificate_pem=ca.pem)
    key = services.signing_key_register(
        actor=admin,
        unit=commune,
        kind=KeyKind.PERSON,
        user=leader.user,
        pkcs12_data=pki.issue_pkcs12(ca, "Nguyễn Thị Hồng Nhung", commune.name, "p12"),
        password="p12",
        image=pki.signature_png("nhung"),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("quantri.e2e")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/app/$"))
    page.goto(f"/app/chu-ky-so/{key.pk}/")
    assert key.fingerprint in page.locator("main").inner_text().replace("\n", "")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, width
    page.goto("/app/chu-ky-so/")
    row = page.locator(f'tr[data-key="{key.pk}"]')
    serial = row.locator("code").first
    assert serial.inner_text() == key.serial
    box = serial.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, width
