"""The shell every official sees: main navigation by role, the language menu (acceptance walk)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def nav_links(html: str) -> dict[str, str]:
    nav = html[
        html.index('class="main-nav"') : html.index("</nav>", html.index('class="main-nav"'))
    ]
    return {label: href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


@pytest.mark.parametrize("role", ["clerk", "unit_admin", "system_admin"])
def test_those_who_handle_packages_find_lien_thong_in_the_main_navigation(
    client, actor_factory, role
):
    client.force_login(actor_factory(role))
    assert nav_links(client.get("/app/").content.decode())["Liên thông"] == "/app/lien-thong/"


def test_a_specialist_has_no_lien_thong_entry(client, official):
    client.force_login(official)
    assert "Liên thông" not in nav_links(client.get("/app/").content.decode())


def test_only_system_administrators_find_the_event_queue_in_the_menu(client, actor_factory):
    client.force_login(actor_factory("system_admin"))
    page = client.get("/app/su-kien/").content.decode()
    assert nav_links(page)["Hàng đợi sự kiện"] == "/app/su-kien/"
    assert 'href="/app/su-kien/" aria-current="page"' in page
    for role in ("clerk", "unit_admin"):
        client.force_login(actor_factory(role))
        assert "Hàng đợi sự kiện" not in nav_links(client.get("/app/").content.decode())


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_language_is_named_in_its_own_language(client, official, language):
    client.force_login(official)
    client.cookies["django_language"] = language
    html = client.get("/app/").content.decode()
    menu = html[html.index('id="lang-select"') : html.index("</select>")]
    assert '<option value="vi" lang="vi"' in menu and ">Tiếng Việt</option>" in menu
    assert '<option value="en" lang="en"' in menu and ">English</option>" in menu
    assert "Tiếng Anh" not in menu and "Vietnamese" not in menu
