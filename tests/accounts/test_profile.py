"""Hồ sơ cá nhân: details, contact edit, 2FA set-up and removal, delegations."""

import base64
import datetime
import re

from django.urls import reverse
from django.utils import timezone

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from congvu.accounts.models import Delegation
from tests.factories import DelegationFactory, PositionFactory, UnitFactory, UserFactory

from .conftest import PASSWORD, audit_actions, code_for, wrong_code_for

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
SETUP = reverse("accounts:two_factor_setup")


def test_profile_shows_name_email_phone_positions(client):
    position = PositionFactory(
        leader=True, user__full_name="Lê Văn Bảy", user__phone="0270 3 123 456"
    )
    client.force_login(position.user)
    body = client.get(PROFILE).content.decode()
    assert "Lê Văn Bảy" in body
    assert position.user.email in body
    assert "0270 3 123 456" in body
    assert "Chủ tịch" in body and position.unit.name in body
    assert "Chưa bật" in body


def test_profile_is_for_officials_only(client):
    assert client.get(PROFILE)["Location"].startswith(reverse("accounts:login"))
    client.force_login(UserFactory(citizen=True))
    assert client.get(PROFILE).status_code == 404


def test_edit_contact(client):
    user = PositionFactory().user
    client.force_login(user)
    response = client.post(PROFILE, {"email": "moi@congvu.test", "phone": "0909123456"})
    assert response["Location"] == PROFILE
    user.refresh_from_db()
    assert (user.email, user.phone) == ("moi@congvu.test", "0909123456")
    assert audit_actions("congvu.accounts.user.contact_changed", user).count() == 1


def test_edit_contact_duplicate_email_shows_field_error(client):
    other = UserFactory()
    user = PositionFactory().user
    client.force_login(user)
    response = client.post(PROFILE, {"email": other.email, "phone": ""})
    assert response.status_code == 200
    assert "Địa chỉ thư điện tử này đã được dùng." in response.content.decode()


def test_two_factor_setup_flow(client):
    user = PositionFactory().user
    client.force_login(user)
    page = client.get(SETUP)
    assert page.status_code == 200
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # Inline SVG QR code, the base32 secret, no script and no inline style.
    assert "<svg" in body and 'class="segno"' in body
    secret = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', body).group(1).replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert "<script>" not in body and "style=" not in body
    # A second visit shows the same pending device (the phone may already have it).
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post(SETUP, {"otp_token": wrong_code_for(device)})
    assert wrong.status_code == 200
    assert "Mã xác thực không đúng" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    device.throttle_reset()
    ok = client.post(SETUP, {"otp_token": code_for(device)})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.session["otp_device_id"] == device.persistent_id
    assert audit_actions("congvu.accounts.two_factor.enabled", user).count() == 1
    assert "Đang bật" in client.get(PROFILE).content.decode()

    # From now on the login asks for a code.
    client.post(reverse("accounts:logout"))
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login_otp")


def test_remove_two_factor(client, device_factory):
    user = PositionFactory().user
    device_factory(user)
    client.force_login(user)
    response = client.post(reverse("accounts:two_factor_remove"))
    assert response["Location"] == PROFILE
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert audit_actions("congvu.accounts.two_factor.removed", user).count() == 1


def test_remove_two_factor_refused_when_unit_requires_it(client, device_factory):
    user = PositionFactory(unit=UnitFactory(require_2fa=True)).user
    device = device_factory(user)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    client.post(reverse("accounts:login_otp"), {"otp_token": code_for(device)})
    body = client.get(PROFILE).content.decode()
    assert "không thể tắt" in body
    client.post(reverse("accounts:two_factor_remove"))
    assert TOTPDevice.objects.filter(user=user).exists()


def test_forced_setup_then_continue_to_next(client):
    user = PositionFactory(unit=UnitFactory(require_2fa=True)).user
    client.force_login(user)
    redirect_to = client.get("/app/")["Location"]
    assert redirect_to == f"{SETUP}?next=%2Fapp%2F"
    client.get(redirect_to)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"otp_token": code_for(device), "next": "/app/"})
    assert response["Location"] == "/app/"
    assert client.get("/app/").status_code == 200


def test_leader_creates_and_revokes_delegation_from_profile(client):
    unit = UnitFactory()
    leader = PositionFactory(unit=unit, leader=True).user
    deputy = PositionFactory(unit=unit, deputy=True, user__full_name="Phạm Thị Chín").user
    client.force_login(leader)
    body = client.get(PROFILE).content.decode()
    assert "Tạo ủy quyền" in body and "Phạm Thị Chín" in body
    today = timezone.localdate()
    response = client.post(
        reverse("accounts:delegation_create"),
        {
            "unit": unit.pk,
            "delegate": deputy.pk,
            "start_date": today.isoformat(),
            "end_date": (today + datetime.timedelta(days=3)).isoformat(),
            "reason": "Đi học",
        },
    )
    assert response["Location"] == PROFILE
    delegation = Delegation.objects.get()
    assert (delegation.delegator, delegation.delegate) == (leader, deputy)
    assert "Đang hiệu lực" in client.get(PROFILE).content.decode()

    revoke = client.post(reverse("accounts:delegation_revoke", args=[delegation.pk]))
    assert revoke["Location"] == PROFILE
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


def test_delegation_form_errors_name_the_field(client):
    unit = UnitFactory()
    leader = PositionFactory(unit=unit, leader=True).user
    deputy = PositionFactory(unit=unit, deputy=True).user
    client.force_login(leader)
    today = timezone.localdate()
    response = client.post(
        reverse("accounts:delegation_create"),
        {
            "unit": unit.pk,
            "delegate": deputy.pk,
            "start_date": today.isoformat(),
            "end_date": (today - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in response.content.decode()
    assert not Delegation.objects.exists()


def test_specialist_sees_no_delegation_form_and_cannot_post(client):
    unit = UnitFactory()
    specialist = PositionFactory(unit=unit).user
    other = PositionFactory(unit=unit).user
    client.force_login(specialist)
    assert "Tạo ủy quyền mới" not in client.get(PROFILE).content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("accounts:delegation_create"),
        {"unit": unit.pk, "delegate": other.pk, "start_date": today, "end_date": today},
    )
    assert response.status_code == 400
    assert not Delegation.objects.exists()


def test_cannot_revoke_someone_elses_delegation(client):
    d = DelegationFactory()
    outsider = PositionFactory().user
    client.force_login(outsider)
    assert client.post(reverse("accounts:delegation_revoke", args=[d.pk])).status_code == 404
    # The delegate sees it but may not revoke it.
    PositionFactory(user=d.delegate)
    client.force_login(d.delegate)
    client.post(reverse("accounts:delegation_revoke", args=[d.pk]))
    d.refresh_from_db()
    assert d.revoked_at is None
