"""Recovery codes (mã dự phòng): made on the profile page, shown once, each good for one login."""

import re

from django.test import Client
from django.urls import reverse

import pytest
from django_otp.plugins.otp_static.models import StaticToken

from congvu.accounts.twofactor import recovery_code_use, recovery_codes_generate
from congvu.core.errors import ServiceError
from tests.factories import PositionFactory, UnitFactory

from .conftest import PASSWORD, audit_actions, code_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
OTP = reverse("accounts:login_otp")
CREATE = reverse("accounts:recovery_codes_create")
CODE_RE = re.compile(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>")


@pytest.fixture
def official(device_factory):
    user = PositionFactory(unit=UnitFactory(require_2fa=True)).user
    device_factory(user)
    return user


def _signed_in_with_app(user) -> Client:
    client = Client()
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    device = user.totpdevice_set.get()
    assert client.post(OTP, {"otp_token": code_for(device)}).status_code == 302
    return client


def _login_with(code: str, user) -> tuple[Client, object]:
    client = Client()
    assert client.post(LOGIN, {"username": user.username, "password": PASSWORD})[
        "Location"
    ].startswith(OTP)
    return client, client.post(OTP, {"otp_token": code})


def test_codes_are_shown_once_on_the_profile_and_audited_without_them(official):
    client = _signed_in_with_app(official)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Còn 0 mã dự phòng" in profile
    response = client.post(CREATE)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = CODE_RE.findall(response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    # The profile tells how many are left but never shows them again.
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Còn 10 mã dự phòng" in profile
    assert not any(code in profile for code in codes)
    record = audit_actions("congvu.accounts.two_factor.recovery_codes_generated", official).get()
    assert record.after == {"count": 10}
    assert not any(code.replace("-", "") in str(record.after) for code in codes)


def test_a_recovery_code_logs_in_once_not_twice(official):
    codes = recovery_codes_generate(actor=official, user=official)
    client, response = _login_with(codes[0].upper(), official)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200
    assert audit_actions("congvu.accounts.two_factor.recovery_code_used", official).count() == 1

    again, response = _login_with(codes[0], official)
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert "_auth_user_id" not in again.session
    # Another code of the set still works.
    _client, response = _login_with(codes[1], official)
    assert response["Location"] == reverse("web:home")
    assert StaticToken.objects.filter(device__user=official).count() == 8


def test_a_new_set_voids_the_old_one(official):
    old = recovery_codes_generate(actor=official, user=official)
    new = recovery_codes_generate(actor=official, user=official)
    assert recovery_code_use(user=official, code=old[0]) is None
    assert recovery_code_use(user=official, code=new[0]) is not None


def test_codes_belong_to_their_owner(official, device_factory):
    other = PositionFactory().user
    device_factory(other)
    codes = recovery_codes_generate(actor=official, user=official)
    assert recovery_code_use(user=other, code=codes[0]) is None
    with pytest.raises(ServiceError):
        recovery_codes_generate(actor=other, user=official)


def test_no_codes_without_the_app_and_removing_2fa_voids_them(device_factory):
    user = PositionFactory().user
    with pytest.raises(ServiceError) as exc:
        recovery_codes_generate(actor=user, user=user)
    assert exc.value.code == "not_enabled"
    device_factory(user)
    codes = recovery_codes_generate(actor=user, user=user)
    from congvu.accounts.twofactor import totp_device_remove

    totp_device_remove(actor=user, user=user)
    assert recovery_code_use(user=user, code=codes[0]) is None


def test_recovery_codes_page_needs_the_second_factor_first(official):
    client = Client()
    client.post(LOGIN, {"username": official.username, "password": PASSWORD})
    client.force_login(official)
    response = client.post(CREATE)
    assert response.status_code == 302
    assert response["Location"].startswith(OTP)
    assert not StaticToken.objects.exists()
