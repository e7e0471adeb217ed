"""A unit's 2FA requirement holds on every route, not on a list of prefixes (issue 11).

With a password only, an official of such a unit recorded a cash payment and
downloaded a receipt under /thanh-toan/. Every URL pattern of the project is
walked here: all but the short allow-list send the official to the second
factor (the API answers its JSON 403), whatever the method.
"""

import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

import pytest

from tests.factories import PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
OTP = reverse("accounts:login_otp")
# What an official may open before the second factor (docs/security.md, V2): the
# steps that set it up or take the code, logout, language, public pages.
ALLOWED_VIEWS = {
    "accounts:login",
    "accounts:login_otp",
    "accounts:two_factor_setup",
    "accounts:logout",
    "portal:home",
    "portal:logout",
    "set_language",
}
ALLOWED_NAMESPACES = {"procedures", "stats_public"}
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _urls() -> list[str]:
    """One concrete URL per route (``path()`` syntax; simple regexes of the admin too)."""
    urls = []
    for route in _routes():
        route = route.replace("^", "").replace("$", "").replace("\\Z", "")
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
        url = "/" + PARAM.sub(lambda m: "1" if m["conv"] == "int" else "x", route)
        if any(ch in url for ch in "()[]*+?|\\"):
            continue
        try:
            resolve(url)
        except Exception:
            continue
        urls.append(url)
    return sorted(set(urls))


def _allowed(url: str) -> bool:
    match = resolve(url)
    return match.view_name in ALLOWED_VIEWS or match.namespace in ALLOWED_NAMESPACES


@pytest.fixture
def official(client):
    user = PositionFactory(unit=UnitFactory(require_2fa=True)).user
    client.force_login(user)
    return user


def _assert_sent_to(client, url: str, step: str, method: str = "get") -> None:
    response = getattr(client, method)(url)
    if url.startswith("/api/"):
        assert response.status_code == 403, (method, url, response.status_code)
        assert response.json()["code"] == "two_factor_required", url
    else:
        assert response.status_code == 302, (method, url, response.status_code)
        assert response["Location"].startswith(step), (method, url, response["Location"])


def test_the_walk_covers_the_official_and_payment_routes():
    urls = _urls()
    assert any(u.startswith("/thanh-toan/tien-mat/") for u in urls)
    assert any(u.startswith("/thanh-toan/bien-lai/") for u in urls)
    assert sum(u.startswith("/app/") for u in urls) > 50
    assert any(u.startswith("/admin/") for u in urls)


def test_every_route_but_the_allow_list_sends_to_set_up(client, official):
    walked = 0
    for url in _urls():
        if _allowed(url):
            continue
        _assert_sent_to(client, url, SETUP)
        walked += 1
    assert walked > 100


def test_with_a_device_every_route_asks_for_the_code(client, official, device_factory):
    device_factory(official)
    for url in _urls():
        if not _allowed(url):
            _assert_sent_to(client, url, OTP)


def test_cash_payment_and_receipt_need_the_second_factor(client, official, device_factory):
    device_factory(official)
    _assert_sent_to(client, "/thanh-toan/tien-mat/1/", OTP, method="post")
    _assert_sent_to(client, "/thanh-toan/bien-lai/BL-1/", OTP)
    _assert_sent_to(client, "/thanh-toan/ho-so/x/", OTP)


def test_the_allow_list_is_only_the_second_factor_steps_and_public_pages(client, official):
    assert client.get(SETUP).status_code == 200
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("procedures:list")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    # A page unknown to the resolver is not an escape hatch either.
    client.force_login(official)
    _assert_sent_to(client, "/khong-co-trang-nay/", SETUP)


def test_the_middleware_allows_no_more_than_this_list():
    from congvu.accounts import middleware

    assert middleware.TWO_FACTOR_ALLOWED_VIEWS == ALLOWED_VIEWS
    assert middleware.TWO_FACTOR_ALLOWED_NAMESPACES == ALLOWED_NAMESPACES


def test_officials_of_other_units_are_not_stopped(client):
    client.force_login(PositionFactory().user)
    assert client.get(reverse("web:home")).status_code == 200
