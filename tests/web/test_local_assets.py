"""Every asset is served locally: no CDN, no web fonts or scripts from outside (offline LANs)."""

import re
from pathlib import Path

import pytest

import congvu

SRC = Path(congvu.__file__).resolve().parent
EXTERNAL_ASSET = re.compile(
    r"""(<script[^>]+src|<link[^>]+href|<img[^>]+src|<source[^>]+src|@import|url\()\s*=?\s*["']?\s*(https?:)?//""",
    re.IGNORECASE,
)


def asset_files():
    for pattern in ("**/templates/**/*.html", "**/static/**/*.css"):
        yield from SRC.glob(pattern)


@pytest.mark.parametrize("path", sorted(asset_files()), ids=lambda p: str(p.relative_to(SRC)))
def test_no_external_assets(path):
    text = path.read_text(encoding="utf-8")
    hits = [m.group(0) for m in EXTERNAL_ASSET.finditer(text)]
    assert not hits, f"{path.relative_to(SRC)} loads from outside: {hits}"


def test_detector_catches_a_cdn():
    assert EXTERNAL_ASSET.search('<script src="https://cdn.example.com/htmx.js"></script>')
    assert EXTERNAL_ASSET.search("@import url(//fonts.example.com/css)")
    assert not EXTERNAL_ASSET.search('<script src="/static/congvu/vendor/htmx.min.js"></script>')


@pytest.mark.django_db
def test_rendered_pages_load_only_local_assets(client):
    for url in ("/", "/accounts/login/", "/dang-ky/", "/api/docs/"):
        body = client.get(url).content.decode()
        assert not EXTERNAL_ASSET.search(body), url
