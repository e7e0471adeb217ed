"""Anonymous look-up by code + phone: success, one answer for any mismatch, rate limits, grants."""

from django.urls import reverse

import pytest

from .test_portal_submit import submit_as

pytestmark = pytest.mark.django_db


GENERIC = "Không tìm thấy hồ sơ với mã hồ sơ và số điện thoại này."


@pytest.fixture
def dossier(client, citizen, procedure, commune):
    d = submit_as(client, citizen, procedure, commune)
    client.logout()
    return d


def track(client, code, phone, **extra):
    return client.post(reverse("onestop_portal:track"), {"code": code, "phone": phone}, **extra)


def test_code_and_phone_open_the_public_page(client, dossier):
    response = track(client, dossier.code.lower(), "+84 912 345 678")
    assert response.status_code == 302
    assert response["Location"] == reverse("onestop_portal:detail", args=[dossier.public_token])
    assert dossier.code not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert dossier.code in page
    assert "Mới đăng ký (mã 1)" in page
    assert "Đã nộp hồ sơ trực tuyến." in page  # public history
    # Not the owner: a hint to log in, no actions.
    assert reverse("onestop_portal:withdraw", args=[dossier.public_token]) not in page


def test_wrong_phone_and_wrong_code_get_the_same_answer(client, dossier):
    wrong_phone = track(client, dossier.code, "0987654321")
    wrong_code = track(client, dossier.code[:-4] + "9999", "0912345678")
    garbage = track(client, "không-phải-mã", "0912345678")
    for response in (wrong_phone, wrong_code, garbage):
        assert response.status_code == 400
        assert GENERIC in response.content.decode()
    assert dossier.applicant_name not in wrong_phone.content.decode()
    # No grant was given: the page stays closed.
    detail = reverse("onestop_portal:detail", args=[dossier.public_token])
    assert client.get(detail).status_code == 404


def test_guessing_phones_for_one_code_is_limited(client, dossier, settings):
    settings.CONGVU_TRACK_LIMIT_PER_CODE = 3
    for n in range(3):
        assert track(client, dossier.code, f"090000000{n}").status_code == 400
    # Even the right phone is refused now, from any address, with the same message.
    response = track(client, dossier.code, "0912345678", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()


def test_one_address_is_limited_across_codes(client, dossier, settings):
    settings.CONGVU_TRACK_LIMIT_PER_IP = 4
    for n in range(4):
        track(client, f"000.00.31.H57-260101-{n:04d}", "0912345678")
    assert track(client, dossier.code, "0912345678").status_code == 429
    # Another address is not affected.
    assert track(client, dossier.code, "0912345678", REMOTE_ADDR="10.9.9.9").status_code == 302


def test_successful_lookups_do_not_lock_the_code(client, dossier, settings):
    settings.CONGVU_TRACK_LIMIT_PER_CODE = 2
    for _ in range(4):
        assert track(client, dossier.code, "0912345678").status_code == 302


def test_empty_fields_are_named(client):
    response = track(client, "", "")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mã hồ sơ: bắt buộc nhập." in page and "Số điện thoại: bắt buộc nhập." in page
