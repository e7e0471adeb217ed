"""A unit administrator registers a PKCS#12 key in the browser and finds it in the list."""

import re

import pytest
from playwright.sync_api import expect

from congvu.signatures import pki
from congvu.signatures.services import add_anchor_unchecked
from tests.factories import PositionFactory, UnitFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"
P12_PASSWORD = "mat-khau-p12"


def test_unit_admin_uploads_a_pkcs12_and_sees_it_listed(page, tmp_path):
    commune = UnitFactory(commune=True, name="UBND xã Thạnh Phú")
    PositionFactory(
        unit=commune,
        unit_admin=True,
        user__username="quantri.e2e",
        user__full_name="Phạm Văn Quản Trị",
    )
    PositionFactory(unit=commune, leader=True, user__full_name="Nguyễn Thị Hồng Nhung")
    ca = pki.make_ca()
    # The CA is configured as trusted (an untrusted one asks for a confirmation: test_key_trust).
    add_anchor_unchecked(actor=None, name="Test CA", certificate_pem=ca.pem)
    p12 = tmp_path / "nhung.p12"
    p12.write_bytes(pki.issue_pkcs12(ca, "Nguyễn Thị Hồng Nhung", commune.name, P12_PASSWORD))
    png = tmp_path / "chu-ky.png"
    png.write_bytes(pki.signature_png("nhung"))

    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("quantri.e2e")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/app/$"))

    page.get_by_role("link", name="Chữ ký số").first.click()
    page.wait_for_url(re.compile(r"/app/chu-ky-so/$"))
    assert "Chưa có khóa ký số nào." in page.locator("main").inner_text()
    page.get_by_role("link", name="Đăng ký khóa từ tệp PKCS#12").click()

    page.get_by_label("Người ký (với chữ ký số cá nhân)").select_option(
        label="Nguyễn Thị Hồng Nhung"
    )
    page.get_by_label("Tệp chứng thư số PKCS#12 (.p12, .pfx)").set_input_files(str(p12))
    # A wrong password first: the error names the file, in Vietnamese, and nothing is saved.
    page.get_by_label("Mật khẩu tệp PKCS#12").fill("sai")
    page.get_by_label("Hình chữ ký hoặc con dấu (PNG)").set_input_files(str(png))
    page.get_by_role("button", name="Đăng ký khóa").click()
    # The refused form comes back from a POST to the same address: wait for its text.
    expect(page.locator("main")).to_contain_text("Không mở được tệp PKCS#12")

    page.get_by_label("Tệp chứng thư số PKCS#12 (.p12, .pfx)").set_input_files(str(p12))
    page.get_by_label("Mật khẩu tệp PKCS#12").fill(P12_PASSWORD)
    page.get_by_label("Hình chữ ký hoặc con dấu (PNG)").set_input_files(str(png))
    page.get_by_role("button", name="Đăng ký khóa").click()
    page.wait_for_url(re.compile(r"/app/chu-ky-so/\d+/$"))
    assert "Đã đăng ký khóa ký số" in page.locator("main").inner_text()

    page.get_by_role("link", name="Khóa ký số").first.click()
    page.wait_for_url(re.compile(r"/app/chu-ky-so/$"))
    row = page.locator("tr[data-key]")
    assert row.count() == 1
    assert "Nguyễn Thị Hồng Nhung" in row.inner_text()
    assert "Đang dùng" in row.inner_text()
