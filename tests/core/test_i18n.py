"""Vietnamese first, English available: both catalogues complete and up to date."""

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

import polib
import pytest

import congvu

LOCALE = Path(congvu.__file__).resolve().parent / "locale"
CATALOGUES = {lang: LOCALE / lang / "LC_MESSAGES" / "django.po" for lang in ("vi", "en")}


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_catalogue_is_complete_and_valid(lang):
    po = polib.pofile(str(CATALOGUES[lang]))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{lang}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{lang}: fuzzy {fuzzy[:10]}"
    # msgfmt --check validates placeholders of python-format entries.
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUES[lang])],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_catalogues_hold_every_message_in_the_source(tmp_path):
    """A UI string added without `congvu sync_catalogues` fails here."""
    src = Path(congvu.__file__).resolve().parent
    copy = tmp_path / "congvu"
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.po"))
    result = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "django",
            "makemessages",
            "-l",
            "en",
            "--no-location",
            "-v",
            "0",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "congvu.settings.test"},
    )
    assert result.returncode == 0, result.stderr
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/en/LC_MESSAGES/django.po"))}
    for lang, path in CATALOGUES.items():
        have = {e.msgid for e in polib.pofile(str(path))}
        missing = sorted(fresh - have)
        assert not missing, f"{lang} catalogue lacks {len(missing)}: {missing[:10]}"


def test_pages_are_vietnamese_by_default_and_english_on_request(client):
    en = polib.pofile(str(CATALOGUES["en"]))
    heading = en.find("Đăng nhập dành cho cán bộ")
    assert heading is not None and heading.msgstr
    vi_page = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập dành cho cán bộ" in vi_page
    assert 'lang="vi"' in vi_page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en_page = client.get("/accounts/login/").content.decode()
    assert heading.msgstr in en_page
    assert 'lang="en"' in en_page


def test_browser_language_does_not_decide(client):
    """A new browser set to English still gets Vietnamese: only a chosen language counts."""
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="vi"' in page.content.decode()
    assert "Đăng nhập dành cho cán bộ" in page.content.decode()
    assert page["Content-Language"] == "vi"


def test_language_chosen_with_the_switch_is_kept(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'lang="en"' in page
