"""Every /app/ page: anonymous → login, citizen → 404, official → 200."""

import re

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

import pytest

from congvu.accounts.access import official_required
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_urls(unit, person):
    return [
        reverse("web:home"),
        reverse("web:org_tree"),
        reverse("web:unit_detail", args=[unit.pk]),
        reverse("web:directory"),
        reverse("web:person_detail", args=[person.pk]),
    ]


def test_anonymous_is_sent_to_login(client, official):
    login = reverse("accounts:login")
    for url in page_urls(UnitFactory(), official):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url
        assert "next=" in response["Location"]


def test_citizen_gets_404(client, citizen, official):
    client.force_login(citizen)
    for url in page_urls(UnitFactory(), official):
        assert client.get(url).status_code == 404, url


def test_official_gets_200(client, official):
    client.force_login(official)
    unit = official.positions.get().unit
    for url in page_urls(unit, official):
        assert client.get(url).status_code == 200, url


def _ok(request):
    return HttpResponse("ok")


def test_decorator_refuses_citizens_without_the_middleware(citizen):
    """The gate does not rely on OfficialAreaMiddleware alone."""
    request = RequestFactory().get("/app/")
    request.user = citizen
    with pytest.raises(Http404):
        official_required(_ok)(request)


def test_decorator_refuses_inactive_official_and_lets_official_in(official):
    request = RequestFactory().get("/app/")
    request.user = UserFactory(is_active=False)
    with pytest.raises(Http404):
        official_required(_ok)(request)
    request.user = official
    assert official_required(_ok)(request).content == b"ok"


def test_decorator_redirects_anonymous_with_next():
    request = RequestFactory().get("/app/danh-ba/?q=an")
    request.user = AnonymousUser()
    response = official_required(_ok)(request)
    assert response.status_code == 302
    assert "next=/app/danh-ba/%3Fq%3Dan" in response["Location"]


def test_pages_have_no_inline_script_or_style(client, official):
    """The shell ships a CSP without 'unsafe-inline'."""
    client.force_login(official)
    unit = official.positions.get().unit
    for url in page_urls(unit, official):
        html = client.get(url).content.decode()
        assert "style=" not in html, url
        assert "<style" not in html, url
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, (url, tag)
        assert not re.search(r"\son[a-z]+=", html), url
