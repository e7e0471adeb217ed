"""The "Nơi nhận" block on the document's page reads as Decree 30 writes it: "- Như trên;", no bullet."""

import re
from pathlib import Path

import pytest

import congvu
from tests.outgoing.helpers import issued

pytestmark = pytest.mark.django_db

CSS = Path(congvu.__file__).parent / "web" / "static" / "congvu" / "congvu.css"


def test_recipient_lines_are_listed_without_bullets(client, commune, other):
    doc = issued(commune, recipients=[{"unit": other.unit}])
    client.force_login(commune.clerk)
    page = client.get(f"/app/van-ban-di/{doc.pk}/").content.decode()
    block = re.search(r'<ul class="([^"]*)">(.*?)</ul>', page.split('id="h-recipients"', 1)[1])
    assert block, page
    classes, items = block.group(1).split(), block.group(2)
    assert re.findall(r"<li>(.*?)</li>", items) == ["- Như trên;", "- Lưu: VT, VP."]
    # The list's own marker is switched off, so the typed dash is the only one.
    rules = CSS.read_text(encoding="utf-8")
    assert any(
        re.search(rf"(^|\n)\.{re.escape(name)}\s*\{{[^}}]*list-style:\s*none", rules)
        for name in classes
    ), classes
