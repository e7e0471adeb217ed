"""Browser journeys in headless Chromium (Debian's, driven by Playwright).

1. An official with a second factor logs in (password, then TOTP) and sees their home page.
2. A citizen signs up, opens the verification link from the e-mail, and logs in.
"""

import re

from django.core import mail

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PositionFactory, UnitFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"


def test_official_logs_in_with_second_factor_and_sees_home(page):
    unit = UnitFactory(name="Văn phòng HĐND và UBND", require_2fa=True)
    user = PositionFactory(
        role="clerk",
        title="Văn thư",
        unit=unit,
        user__username="vanthu.e2e",
        user__full_name="Trần Thị Văn Thư",
    ).user
    device = TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)

    page.goto("/app/")
    # Not logged in: sent to the officials' login page, in Vietnamese.
    assert "/accounts/login/" in page.url
    page.get_by_label("Tên đăng nhập").fill("vanthu.e2e")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url(re.compile(r"/accounts/login/otp/"))
    page.locator("input[name=otp_token]").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Xác nhận").click()

    page.wait_for_url(re.compile(r"/app/$"))
    assert page.get_by_role("heading", level=1).count() == 1
    body = page.locator("main").inner_text()
    assert "Trần Thị Văn Thư" in page.content()
    assert "Văn phòng HĐND và UBND" in body
    assert "Việc của tôi" in page.content()


def test_official_with_wrong_code_stays_out(page):
    unit = UnitFactory(require_2fa=True)
    user = PositionFactory(role="specialist", unit=unit, user__username="cv.e2e").user
    device = TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)
    wrong = (totp(device.bin_key) + 1) % 1_000_000

    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("cv.e2e")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/accounts/login/otp/"))
    page.locator("input[name=otp_token]").fill(f"{wrong:06d}")
    page.get_by_role("button", name="Xác nhận").click()

    page.goto("/app/")
    assert "/app/" not in page.url.split("?")[0] or "/accounts/login" in page.url


def test_citizen_signs_up_verifies_and_logs_in(page):
    page.goto("/dang-ky/")
    page.locator("input[name=full_name]").fill("Lê Văn Công Dân")
    page.locator("input[name=email]").fill("congdan.e2e@example.vn")
    page.locator("input[name=phone]").fill("0912345678")
    page.locator("input[name=id_number]").fill("083123456789")
    page.locator("input[name=password1]").fill("Thanh-Phu-2025-an-toan")
    page.locator("input[name=password2]").fill("Thanh-Phu-2025-an-toan")
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url(re.compile(r"/dang-ky/da-gui-thu/"))

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/xac-minh/[^\s]+/", mail.outbox[0].body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)

    # Logging in before verification is refused.
    page.goto("/dang-nhap/")
    page.locator("input[name=email]").fill("congdan.e2e@example.vn")
    page.locator("input[name=password]").fill("Thanh-Phu-2025-an-toan")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("main")).to_contain_text("Tài khoản chưa được xác minh.")
    assert "/tai-khoan/" not in page.url

    page.goto(path)
    assert page.get_by_role("heading", name="Đã xác minh tài khoản").is_visible()

    page.goto("/dang-nhap/")
    page.locator("input[name=email]").fill("congdan.e2e@example.vn")
    page.locator("input[name=password]").fill("Thanh-Phu-2025-an-toan")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/tai-khoan/$"))
    assert "Lê Văn Công Dân" in page.content()

    # A citizen never reaches the officials' area.
    response = page.goto("/app/")
    assert response.status == 404
