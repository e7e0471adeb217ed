"""Error pages are Vietnamese and in the site's style, for officials and for the portal (issue 11).

Django's own pages ("Not Found", "403 Forbidden", "CSRF verification failed")
are English and unstyled.
"""

from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views import defaults

import pytest

from congvu.core import faults

pytestmark = pytest.mark.django_db


def assert_site_page(html: str, home: str) -> None:
    assert 'class="site-header"' in html and "congvu/congvu.css" in html
    assert f'class="btn" href="{home}"' in html  # the way home
    assert "Về trang chủ" in html


def test_portal_404(client):
    response = client.get("/trang-khong-co-that/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and "The requested resource" not in html
    assert_site_page(html, "/")


def test_officials_404_leads_to_their_home(client, official):
    client.force_login(official)
    response = client.get("/app/van-ban-den/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert_site_page(html, "/app/")


def test_a_citizen_under_app_is_sent_to_the_portal_home(client, citizen):
    client.force_login(citizen)
    response = client.get("/app/")
    assert response.status_code == 404
    assert_site_page(response.content.decode(), "/")


def test_403(official):
    request = RequestFactory().get("/app/so/1/khoa/")
    request.user = official
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Không có quyền truy cập" in html and "403 Forbidden" not in html
    assert_site_page(html, "/app/")


def test_csrf_failure_is_explained():
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "a", "password": "b"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in html and "CSRF verification failed" not in html
    assert 'class="site-header"' in html


def test_400():
    request = RequestFactory().get("/")
    response = defaults.bad_request(request, Exception("bad"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Yêu cầu không hợp lệ" in html and "Bad Request" not in html
    assert 'class="site-header"' in html


def test_500_uses_the_site_page_without_the_database(django_assert_num_queries):
    request = RequestFactory().get("/app/")
    try:
        raise ValueError("bug")
    except ValueError:
        with django_assert_num_queries(0):  # the database may be what failed
            response = faults.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã xảy ra lỗi hệ thống" in html and 'class="site-header"' in html
    assert "Mã lỗi 500" in html


def test_opening_a_post_only_address_shows_the_405_page(client, official):
    client.force_login(official)
    response = client.get("/accounts/profile/delegations/")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    html = response.content.decode()
    assert "chỉ nhận dữ liệu gửi từ biểu mẫu" in html
    assert_site_page(html, "/app/")


def test_the_api_keeps_its_own_405(client, official):
    client.force_login(official)
    response = client.get("/api/v1/notation/parse/")
    assert response.status_code == 405
    assert "chỉ nhận dữ liệu gửi từ biểu mẫu" not in response.content.decode()
