"""Security headers on every kind of page: CSP without 'unsafe-inline', frames, referrer, nosniff."""

import re

from django.test import override_settings

import pytest

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    result = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/api/docs/", "/api/v1/units/"])
def test_strict_content_security_policy(client, url):
    response = client.get(url)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_only_redoc_allows_inline_styles_and_still_no_inline_scripts(client):
    policy = directives(client.get("/api/redoc/").headers["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]


def test_pages_carry_no_inline_script_or_style(client):
    """The policy would block them: every page's scripts and styles are files."""
    for url in ["/", "/accounts/login/", "/api/docs/"]:
        html = client.get(url).content.decode()
        for match in re.finditer(r"<script\b[^>]*>", html):
            assert "src=" in match.group(0), (url, match.group(0))
        assert "<style" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_hsts_when_served_over_https(client):
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_htmx_keeps_no_page_snapshots_in_the_browser(client):
    """Back-button snapshots in sessionStorage would outlive a logout."""
    html = client.get("/accounts/login/").content.decode()
    assert '"historyCacheSize":0' in html
