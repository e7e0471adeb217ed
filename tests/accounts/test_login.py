"""Officials' login: password step, OTP step, citizens refused, lock-out, logout, idle timeout."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from congvu.accounts.models import LoginThrottle
from tests.factories import PositionFactory, UnitFactory, UserFactory

from .conftest import PASSWORD, audit_actions, code_for, wrong_code_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
OTP = reverse("accounts:login_otp")


def _post_password(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_login_page_renders_vietnamese_form(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert "Đăng nhập" in body and "Quên mật khẩu?" in body


def test_password_only_login_for_official_without_device(client):
    user = PositionFactory().user
    response = _post_password(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert _logged_in_user_id(client) == str(user.pk)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_wrong_password_refused_and_counted(client):
    user = PositionFactory().user
    response = _post_password(client, user.username, "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert _logged_in_user_id(client) is None
    assert LoginThrottle.objects.get(key=f"user:{user.username}").failures == 1
    assert LoginThrottle.objects.get(key="ip:127.0.0.1").failures == 1


def test_next_is_followed_when_local_and_ignored_when_foreign(client):
    user = PositionFactory().user
    response = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": "/accounts/profile/"}
    )
    assert response["Location"] == "/accounts/profile/"
    client.logout()
    response = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": "https://evil.test/"}
    )
    assert response["Location"] == reverse("web:home")


def test_login_with_confirmed_device_asks_for_code(client, device_factory):
    user = PositionFactory().user
    device = device_factory(user)
    response = _post_password(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == OTP
    # Password alone opens nothing.
    assert _logged_in_user_id(client) is None
    assert client.get(reverse("accounts:profile")).status_code == 302
    page = client.get(OTP)
    assert page.status_code == 200
    assert 'name="otp_token"' in page.content.decode()

    response = client.post(OTP, {"otp_token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert _logged_in_user_id(client) == str(user.pk)
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.get(reverse("web:home")).status_code == 200


def test_wrong_code_refused_and_counted(client, device_factory):
    user = PositionFactory().user
    device = device_factory(user)
    _post_password(client, user.username)
    response = client.post(OTP, {"otp_token": wrong_code_for(device)})
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert _logged_in_user_id(client) is None
    assert LoginThrottle.objects.get(key=f"user:{user.username}").failures == 1


def test_code_step_needs_the_password_step_first(client):
    response = client.get(OTP)
    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_code_step_expires(client, device_factory):
    user = PositionFactory().user
    device = device_factory(user)
    _post_password(client, user.username)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=False):
        response = client.post(OTP, {"otp_token": code_for(device)})
    assert response["Location"] == LOGIN
    assert _logged_in_user_id(client) is None


def test_citizen_cannot_log_in_here(client):
    citizen = UserFactory(citizen=True)
    response = _post_password(client, citizen.username)
    assert response.status_code == 200
    body = response.content.decode()
    assert "tài khoản công dân" in body
    assert "Cổng dịch vụ công" in body
    assert _logged_in_user_id(client) is None


def test_lockout_after_max_failures_refuses_even_right_password(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    user = PositionFactory().user
    for _ in range(2):
        assert _post_password(client, user.username, "sai").status_code == 200
    third = _post_password(client, user.username, "sai")
    assert third.status_code == 429
    assert "tạm thời bị khóa" in third.content.decode()

    refused = _post_password(client, user.username)
    assert refused.status_code == 429
    assert "tạm thời bị khóa" in refused.content.decode()
    assert _logged_in_user_id(client) is None
    locks = audit_actions("congvu.accounts.login.locked")
    assert set(locks.values_list("object_repr", flat=True)) == {
        f"user:{user.username}",
        "ip:127.0.0.1",
    }

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=601), tick=False):
        response = _post_password(client, user.username)
        assert response.status_code == 302
        assert _logged_in_user_id(client) == str(user.pk)


def test_lockout_by_client_address_across_usernames(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    victim = PositionFactory().user
    for n in range(3):
        _post_password(client, f"khong-ton-tai-{n}", "sai")
    assert _post_password(client, victim.username).status_code == 429
    assert _logged_in_user_id(client) is None
    # Another address is not affected, and the username itself was never locked.
    response = _post_password(client, victim.username, REMOTE_ADDR="127.0.0.2")
    assert response.status_code == 302


def test_success_resets_username_counter(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = PositionFactory().user
    _post_password(client, user.username, "sai")
    _post_password(client, user.username, "sai")
    assert _post_password(client, user.username).status_code == 302
    assert not LoginThrottle.objects.filter(key=f"user:{user.username}").exists()
    client.logout()
    # Two more failures do not lock: the earlier two were forgotten.
    _post_password(client, user.username, "sai", REMOTE_ADDR="127.0.0.3")
    assert _post_password(client, user.username, "sai", REMOTE_ADDR="127.0.0.3").status_code == 200


def test_wrong_codes_count_toward_lockout(client, settings, device_factory):
    settings.LOGIN_MAX_FAILURES = 2
    user = PositionFactory().user
    device = device_factory(user)
    start = timezone.now()
    _post_password(client, user.username)
    client.post(OTP, {"otp_token": wrong_code_for(device)})
    # django-otp itself makes the next try wait a moment after a wrong code.
    with time_machine.travel(start + datetime.timedelta(seconds=5), tick=False):
        response = client.post(OTP, {"otp_token": wrong_code_for(device)})
        assert response.status_code == 302
        assert response["Location"] == LOGIN
        follow = client.get(LOGIN)
        assert "tạm thời bị khóa" in follow.content.decode()
        assert _post_password(client, user.username).status_code == 429
    assert audit_actions("congvu.accounts.login.locked").filter(actor=user).exists()


def test_enforced_2fa_sends_official_to_setup(client):
    unit = UnitFactory(require_2fa=True)
    user = PositionFactory(unit=unit).user
    response = _post_password(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")
    # Nothing else opens until 2FA is set up.
    home = client.get(reverse("web:home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert client.get(reverse("accounts:profile"))["Location"].startswith(
        reverse("accounts:two_factor_setup")
    )
    api = client.get("/api/v1/")
    assert api.status_code == 403
    assert api.json()["code"] == "two_factor_required"
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200


def test_enforced_2fa_with_device_but_unverified_session_asks_for_code(client, device_factory):
    unit = UnitFactory(require_2fa=True)
    user = PositionFactory(unit=unit).user
    device = device_factory(user)
    client.force_login(user)  # e.g. a session opened before the unit turned 2FA on
    home = client.get(reverse("web:home"))
    assert home.status_code == 302
    assert home["Location"] == f"{OTP}?next=%2Fapp%2F"
    response = client.post(OTP, {"otp_token": code_for(device), "next": "/app/"})
    assert response["Location"] == "/app/"
    assert client.get(reverse("web:home")).status_code == 200


def test_2fa_not_required_elsewhere_does_not_redirect(client):
    PositionFactory(unit=UnitFactory(require_2fa=True), ended=True)
    user = PositionFactory().user
    client.force_login(user)
    assert client.get(reverse("web:home")).status_code == 200


def test_logout_is_post_only(client):
    user = PositionFactory().user
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert _logged_in_user_id(client) is None


def test_idle_session_expires(client, settings):
    user = PositionFactory().user
    age = settings.SESSION_COOKIE_AGE
    start = timezone.now()
    _post_password(client, user.username)
    profile = reverse("accounts:profile")
    # Activity keeps the session alive (SessionRefreshMiddleware)...
    with time_machine.travel(start + datetime.timedelta(seconds=age - 60), tick=False):
        assert client.get(profile).status_code == 200
    with time_machine.travel(start + datetime.timedelta(seconds=2 * age - 120), tick=False):
        assert client.get(profile).status_code == 200
    # ...and idleness longer than SESSION_COOKIE_AGE ends it.
    with time_machine.travel(start + datetime.timedelta(seconds=3 * age), tick=False):
        response = client.get(profile)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_session_is_renewed_once_per_interval(client, settings):
    """Activity pushes the expiry back, but the session row is written once per interval."""
    from django.contrib.sessions.models import Session

    settings.SESSION_REFRESH_SECONDS = 60
    user = PositionFactory().user
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _post_password(client, user.username)
        profile = reverse("accounts:profile")
        assert client.get(profile).status_code == 200
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    # Within the interval: no write, the expiry stays.
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        response = client.get(profile)
        assert response.status_code == 200
        assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get(session_key=key).expire_date == first
    # After it: the expiry moves to a full idle period from now.
    later = start + datetime.timedelta(seconds=90)
    with time_machine.travel(later, tick=False):
        response = client.get(profile)
        assert response.status_code == 200
        assert settings.SESSION_COOKIE_NAME in response.cookies
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed == later + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_signed_in_official_visiting_login_goes_home(client):
    client.force_login(PositionFactory().user)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
