"""Portal login (đăng nhập) and logout: citizens only, verified only, with lock-out."""

from django.test import override_settings
from django.urls import reverse

import pytest

from congvu.accounts.models import LoginThrottle
from congvu.portal.services import make_verification_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/dang-nhap/"
PASSWORD = "mat-khau-thu-nghiem-1"  # tests.factories.UserFactory


def login(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"email": email, "password": password, **extra})


def session_user_id(client):
    return client.session.get("_auth_user_id")


def test_login_page_fields(client):
    assert reverse("portal:login") == LOGIN_URL
    html = client.get(LOGIN_URL).content.decode()
    assert 'name="email"' in html and 'name="password"' in html
    assert "Đăng nhập" in html


def test_verified_citizen_logs_in_with_email_any_case(client):
    citizen = UserFactory(citizen=True, email="an.nguyen@example.vn")
    response = login(client, "AN.Nguyen@example.vn")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:profile")
    assert session_user_id(client) == str(citizen.pk)


def test_login_follows_a_safe_next_only(client):
    UserFactory(citizen=True, email="an.nguyen@example.vn")
    response = login(client, "an.nguyen@example.vn", next="https://evil.example/")
    assert response["Location"] == reverse("portal:profile")
    client.post(reverse("portal:logout"))
    response = login(client, "an.nguyen@example.vn", next="/tai-khoan/doi-mat-khau/")
    assert response["Location"] == "/tai-khoan/doi-mat-khau/"


def test_wrong_password_refused(client):
    UserFactory(citizen=True, email="an.nguyen@example.vn")
    response = login(client, "an.nguyen@example.vn", "sai-mat-khau")
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()
    assert session_user_id(client) is None


def test_login_only_after_verification(client):
    pending = UserFactory(unverified_citizen=True, email="moi@example.vn")

    response = login(client, "moi@example.vn")
    assert session_user_id(client) is None
    html = response.content.decode()
    assert "chưa được xác minh" in html
    assert reverse("portal:resend_verification") + "?email=moi%40example.vn" in html

    client.get(reverse("portal:verify", args=[make_verification_token(pending)]))
    response = login(client, "moi@example.vn")
    assert response.status_code == 302
    assert session_user_id(client) == str(pending.pk)


def test_unverified_state_not_told_without_the_password(client):
    UserFactory(unverified_citizen=True, email="moi@example.vn")
    html = login(client, "moi@example.vn", "sai-mat-khau").content.decode()
    assert "chưa được xác minh" not in html
    assert "không đúng" in html


def test_official_refused_and_pointed_to_officials_login(client):
    UserFactory(email="canbo@thanhphu.gov.vn")
    response = login(client, "canbo@thanhphu.gov.vn")
    assert session_user_id(client) is None
    html = response.content.decode()
    assert "tài khoản cán bộ" in html
    assert "/accounts/login/" in html


def test_disabled_citizen_refused(client):
    UserFactory(citizen=True, is_active=False, email="khoa@example.vn")
    response = login(client, "khoa@example.vn")
    assert session_user_id(client) is None
    assert "vô hiệu hóa" in response.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3)
def test_repeated_failures_lock_the_account(client):
    UserFactory(citizen=True, email="an.nguyen@example.vn")
    for _ in range(3):
        login(client, "an.nguyen@example.vn", "sai-mat-khau")
    response = login(client, "an.nguyen@example.vn")  # right password, but locked
    assert session_user_id(client) is None
    assert "tạm thời bị khóa" in response.content.decode()
    assert LoginThrottle.objects.filter(locked_until__isnull=False).exists()


def test_successful_login_clears_earlier_failures(client):
    UserFactory(citizen=True, email="an.nguyen@example.vn")
    login(client, "an.nguyen@example.vn", "sai-mat-khau")
    assert LoginThrottle.objects.filter(failures__gt=0).exists()
    login(client, "an.nguyen@example.vn")
    # The account's counter; the address counter stays (docs/security.md, V2.2).
    assert not LoginThrottle.objects.filter(key__startswith="user:", failures__gt=0).exists()


def test_logout_is_post_only(client):
    client.force_login(UserFactory(citizen=True))
    assert client.get(reverse("portal:logout")).status_code == 405
    assert session_user_id(client) is not None
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert session_user_id(client) is None


def test_home_shows_portal_and_officials_link(client):
    html = client.get("/").content.decode()
    assert "Cổng dịch vụ công" in html
    assert 'href="/accounts/login/"' in html
    assert "Cán bộ đăng nhập" in html
    assert reverse("portal:signup") in html and reverse("portal:login") in html


def test_nav_shows_account_menu_when_logged_in(client):
    client.force_login(UserFactory(citizen=True, full_name="Lê Văn Tám"))
    html = client.get("/").content.decode()
    assert "Lê Văn Tám" in html
    assert "Đăng xuất" in html
    assert f'href="{reverse("portal:signup")}"' not in html
