"""The public catalogue's cached content: same pages, fresh after a change, nothing personal."""

import datetime
import json
import re

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
import time_machine

from congvu.procedures import services
from congvu.procedures.importer import import_lines
from congvu.procedures.models import Procedure
from tests.factories import PositionFactory, UserFactory

pytestmark = pytest.mark.django_db

CODE = "1.003583"
NAME = "Thủ tục đăng ký khai sinh lưu động"


def _get(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        resp = client.get(url, **extra)
    assert resp.status_code == 200
    # The CSRF tokens of the page are masked differently in every answer.
    body = re.sub(r"[A-Za-z0-9]{64}", "", resp.content.decode())
    return body, len(queries)


def _renamed(sample_lines, name):
    for line in sample_lines:
        record = json.loads(line)
        if record["ma_thu_tuc"] == CODE:
            record["ten_thu_tuc"] = name
            return [json.dumps(record, ensure_ascii=False)]
    raise AssertionError(CODE)


def test_content_is_served_from_the_cache_until_an_import_changes_it(
    client, imported, sample_lines
):
    list_url, detail_url = reverse("procedures:list"), reverse("procedures:detail", args=[CODE])
    first, first_queries = _get(client, list_url)
    again, again_queries = _get(client, list_url)
    assert again == first and NAME in first
    assert again_queries < first_queries  # the second answer did not read the catalogue
    detail, _ = _get(client, detail_url)
    assert NAME in detail

    import_lines(_renamed(sample_lines, "Thủ tục khai sinh lưu động (sửa đổi)"))

    for url in (list_url, detail_url):
        body, _ = _get(client, url)
        assert "Thủ tục khai sinh lưu động (sửa đổi)" in body and NAME not in body


def test_a_version_activated_later_shows_from_its_first_day(client, imported):
    admin = PositionFactory(system_admin=True).user
    procedure = Procedure.objects.get(code=CODE)
    url = reverse("procedures:detail", args=[CODE])
    today = datetime.date.today()
    before, _ = _get(client, url)
    services.create_version(
        actor=admin,
        procedure=procedure,
        valid_from=today + datetime.timedelta(days=3),
        name="Khai sinh lưu động, phiên bản mới",
    )
    same, _ = _get(client, url)
    assert "phiên bản mới" not in same
    later = datetime.datetime.combine(today + datetime.timedelta(days=4), datetime.time(10))
    with time_machine.travel(later.astimezone(datetime.UTC), tick=False):
        body, _ = _get(client, url)
    assert "Khai sinh lưu động, phiên bản mới" in body


def test_closing_a_version_refreshes_the_page(client, imported):
    admin = PositionFactory(system_admin=True).user
    procedure = Procedure.objects.get(code=CODE)
    url = reverse("procedures:detail", args=[CODE])
    _get(client, url)
    version = procedure.versions.order_by("-number").first()
    services.close_version(
        actor=admin, version=version, valid_to=datetime.date.today() - datetime.timedelta(days=1)
    )
    body, _ = _get(client, url)
    # No version in force any more: the page falls back to the latest one, dated as closed.
    version.refresh_from_db()
    assert version.valid_to.strftime("%d/%m/%Y") in body


def test_cached_content_carries_nothing_personal(client, imported):
    citizen = UserFactory(citizen=True, full_name="Nguyễn Thị Riêng Tư")
    client.force_login(citizen)
    mine, _ = _get(client, reverse("procedures:list"))
    assert "Nguyễn Thị Riêng Tư" in mine  # the header names the account
    client.logout()
    anonymous, _ = _get(client, reverse("procedures:list"))
    assert "Nguyễn Thị Riêng Tư" not in anonymous and NAME in anonymous


def test_each_language_has_its_own_content(client, imported):
    vi, _ = _get(client, reverse("procedures:list"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en, _ = _get(client, reverse("procedures:list"))
    assert "Tìm thủ tục" in vi
    assert "Tìm thủ tục" not in en
