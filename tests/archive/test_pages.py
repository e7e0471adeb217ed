"""Pages under /app/ho-so/: scope (404 outside the unit), actions, HTMX picker, handover list."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.archive.constants import WorkFileStatus
from congvu.archive.models import FileCatalog, WorkFile
from tests.incoming.factories import IncomingDocumentFactory

from .factories import (
    FileCatalogFactory,
    FileCatalogItemFactory,
    WorkFileEntryFactory,
    WorkFileFactory,
)

pytestmark = pytest.mark.django_db


def test_catalog_list_shows_own_unit_only(client, unit, other_unit, person):
    FileCatalogFactory(unit=unit, year=2026)
    FileCatalogFactory(unit=other_unit, year=2026)
    client.force_login(person("specialist"))
    body = client.get(reverse("archive:catalog_list")).content.decode()
    assert unit.name in body and other_unit.name not in body


def test_clerk_creates_catalog_adds_item_leader_approves(client, unit, person):
    clerk, leader = person("clerk"), person("leader_head")
    client.force_login(clerk)
    resp = client.post(reverse("archive:catalog_create"), {"don_vi": unit.pk, "nam": 2026})
    catalog = FileCatalog.objects.get(unit=unit, year=2026)
    assert resp.status_code == 302
    resp = client.post(
        reverse("archive:catalog_item_add", args=[catalog.pk]),
        {"code": "01.VP", "title": "Hồ sơ tiếp công dân", "retention_years": 10},
    )
    assert resp.status_code == 302 and catalog.items.count() == 1
    resp = client.post(
        reverse("archive:catalog_item_add", args=[catalog.pk]), {"code": "02.VP", "title": "X"}
    )
    assert resp.status_code == 400
    assert "thời hạn bảo quản" in resp.content.decode()
    client.force_login(leader)
    client.post(reverse("archive:catalog_approve", args=[catalog.pk]))
    catalog.refresh_from_db()
    assert catalog.is_approved


def test_other_unit_work_file_is_404(client, unit, other_unit, person):
    wf = WorkFileFactory(catalog_item__catalog__unit=other_unit, unit=other_unit)
    client.force_login(person("clerk"))
    assert client.get(reverse("archive:work_file_detail", args=[wf.pk])).status_code == 404
    assert client.post(reverse("archive:work_file_close", args=[wf.pk])).status_code == 404
    item = wf.catalog_item
    assert client.post(reverse("archive:work_file_open", args=[item.pk])).status_code == 404


def test_open_add_via_picker_and_close(client, unit, person):
    clerk = person("clerk")
    item = FileCatalogItemFactory(catalog__unit=unit, code="05.VP")
    doc = IncomingDocumentFactory(unit=unit, subject="Về việc phòng chống lụt bão năm 2026")
    client.force_login(clerk)
    resp = client.post(reverse("archive:work_file_open", args=[item.pk]))
    wf = WorkFile.objects.get(catalog_item=item)
    assert resp.url == reverse("archive:work_file_detail", args=[wf.pk])
    picker = client.get(
        reverse("archive:document_search", args=[wf.pk]),
        {"q": "phong chong lut"},
        HTTP_HX_REQUEST="true",
    )
    assert "phòng chống lụt bão" in picker.content.decode()
    client.post(
        reverse("archive:document_add", args=[wf.pk]), {"kind": "incoming", "document_id": doc.pk}
    )
    detail = client.get(reverse("archive:work_file_detail", args=[wf.pk])).content.decode()
    assert "phòng chống lụt bão" in detail
    client.post(reverse("archive:work_file_close", args=[wf.pk]))
    wf.refresh_from_db()
    assert wf.status == WorkFileStatus.CLOSED and wf.doc_total == 1


def test_detail_hides_documents_outside_viewer_scope(client, unit, person):
    secret = IncomingDocumentFactory(unit=unit, secret=True, subject="Mật: kế hoạch XYZSECRET")
    wf = WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit)
    WorkFileEntryFactory(work_file=wf, document_id=secret.pk)
    client.force_login(person("specialist"))
    body = client.get(reverse("archive:work_file_detail", args=[wf.pk])).content.decode()
    assert "XYZSECRET" not in body
    assert "ngoài phạm vi" in body
    client.force_login(person("clerk", clearance=1))
    body = client.get(reverse("archive:work_file_detail", args=[wf.pk])).content.decode()
    assert "XYZSECRET" in body


def test_handover_list_and_button(client, unit, person):
    today = timezone.localdate()
    due = WorkFileFactory(
        catalog_item__catalog__unit=unit,
        unit=unit,
        closed=True,
        end_date=today - datetime.timedelta(days=30),
        title="Hồ sơ đến hạn nộp lưu ABC",
    )
    WorkFileFactory(
        catalog_item__catalog__unit=unit,
        unit=unit,
        catalog_item__short=True,
        closed=True,
        title="Hồ sơ ngắn hạn DEF",
    )
    client.force_login(person("clerk"))
    body = client.get(reverse("archive:handover_list")).content.decode()
    # The whole titles: three capitals alone can turn up in the page's random CSRF token.
    assert "Hồ sơ đến hạn nộp lưu ABC" in body and "Hồ sơ ngắn hạn DEF" not in body
    assert (today - datetime.timedelta(days=30) + datetime.timedelta(days=365)).strftime(
        "%d/%m/%Y"
    ) in body
    client.post(reverse("archive:work_file_hand_over", args=[due.pk]))
    due.refresh_from_db()
    assert due.status == WorkFileStatus.HANDED_OVER


def test_home_counts_files_due_for_handover(client, unit, person):
    WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit, closed=True)
    client.force_login(person("clerk"))
    body = client.get(reverse("web:home")).content.decode()
    assert "Hồ sơ đến hạn nộp lưu" in body
    assert reverse("archive:handover_list") in body
    assert reverse("registry_exports:export") in body
