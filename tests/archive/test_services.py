"""Danh mục hồ sơ and hồ sơ công việc: each transition, its guards and its audit record."""

import datetime

from django.utils import timezone

import pytest

from congvu.archive import services
from congvu.archive.constants import DocumentKind, WorkFileStatus
from congvu.archive.models import FileCatalog, WorkFileEntry
from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from tests.incoming.factories import IncomingDocumentFactory
from tests.outgoing.factories import OutgoingDocumentFactory

from .factories import FileCatalogFactory, FileCatalogItemFactory, WorkFileFactory

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditRecord.objects.values_list("action", flat=True))


class TestCatalog:
    def test_clerk_creates_approves_after_items(self, unit, person):
        clerk, leader = person("clerk"), person("leader_head")
        catalog = services.catalog_create(actor=clerk, unit=unit, year=2026)
        assert catalog.year == 2026 and not catalog.is_approved
        with pytest.raises(ServiceError) as exc:
            services.catalog_approve(actor=leader, catalog=catalog)
        assert exc.value.code == "catalog_empty"
        item = services.catalog_item_add(
            actor=clerk, catalog=catalog, code="01.VP", title="Hồ sơ hội nghị", retention_years=10
        )
        assert item.retention_display == "10 năm"
        services.catalog_approve(actor=leader, catalog=catalog)
        catalog.refresh_from_db()
        assert catalog.is_approved and catalog.approved_by == leader
        assert {
            "congvu.archive.catalog.created",
            "congvu.archive.catalog_item.added",
            "congvu.archive.catalog.approved",
        } <= set(actions())
        with pytest.raises(TransitionNotAllowed):
            services.catalog_approve(actor=leader, catalog=catalog)

    def test_one_catalog_per_unit_and_year(self, unit, person):
        clerk = person("clerk")
        services.catalog_create(actor=clerk, unit=unit, year=2026)
        with pytest.raises(ServiceError) as exc:
            services.catalog_create(actor=clerk, unit=unit, year=2026)
        assert exc.value.errors[0].field == "year"
        assert FileCatalog.objects.count() == 1

    def test_specialist_cannot_create_and_clerk_cannot_approve(self, unit, person):
        with pytest.raises(PermissionDenied):
            services.catalog_create(actor=person("specialist"), unit=unit, year=2026)
        catalog = FileCatalogFactory(unit=unit)
        FileCatalogItemFactory(catalog=catalog)
        with pytest.raises(PermissionDenied):
            services.catalog_approve(actor=person("clerk"), catalog=catalog)

    def test_other_unit_clerk_refused(self, unit, other_unit, person):
        with pytest.raises(PermissionDenied):
            services.catalog_create(actor=person("clerk", in_unit=other_unit), unit=unit, year=2026)

    def test_item_retention_permanent_or_years(self, unit, person):
        clerk = person("clerk")
        catalog = FileCatalogFactory(unit=unit)
        forever = services.catalog_item_add(
            actor=clerk, catalog=catalog, code="02.VP", title="Nghị quyết", permanent=True
        )
        assert forever.retention_display == "Vĩnh viễn" and forever.goes_to_archive
        with pytest.raises(ServiceError) as exc:
            services.catalog_item_add(actor=clerk, catalog=catalog, code="03.VP", title="Thư")
        assert exc.value.errors[0].field == "retention_years"
        with pytest.raises(ServiceError) as exc:
            services.catalog_item_add(
                actor=clerk, catalog=catalog, code="02.VP", title="Khác", retention_years=5
            )
        assert exc.value.code == "duplicate_code"


class TestWorkFile:
    def test_open_needs_approved_catalog_and_membership(self, unit, other_unit, person):
        item = FileCatalogItemFactory(catalog=FileCatalogFactory(unit=unit))
        with pytest.raises(TransitionNotAllowed):
            services.work_file_open(actor=person("specialist"), catalog_item=item)
        approved = FileCatalogItemFactory(catalog__unit=unit, catalog__year=2025, code="01.TP")
        with pytest.raises(PermissionDenied):
            services.work_file_open(
                actor=person("specialist", in_unit=other_unit), catalog_item=approved
            )

    def test_open_gives_file_code(self, unit, person):
        item = FileCatalogItemFactory(catalog__unit=unit, catalog__year=2026, code="01.VP")
        specialist = person("specialist")
        first = services.work_file_open(actor=specialist, catalog_item=item)
        second = services.work_file_open(actor=specialist, catalog_item=item, title="Đợt 2")
        assert first.code == f"{unit.code}.2026.01.VP"
        assert second.code == f"{unit.code}.2026.01.VP-02"
        assert first.title == item.title and second.title == "Đợt 2"
        assert first.status == WorkFileStatus.OPEN and first.creator == specialist
        assert "congvu.archive.work_file.opened" in actions()

    def test_add_documents_visible_once_then_close_computes_totals(self, unit, person):
        clerk = person("clerk")
        wf = WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit, creator=clerk)
        first = IncomingDocumentFactory(
            unit=unit, page_count=3, document_date=datetime.date(2026, 3, 2)
        )
        second = IncomingDocumentFactory(
            unit=unit, page_count=4, document_date=datetime.date(2026, 5, 20)
        )
        issued = OutgoingDocumentFactory(
            unit=unit,
            issued=True,
            issued_at=timezone.make_aware(datetime.datetime(2026, 6, 1, 9)),
        )
        for kind, doc in [("incoming", first), ("incoming", second), ("outgoing", issued)]:
            services.work_file_add_document(
                actor=clerk, work_file=wf, kind=kind, document_id=doc.pk
            )
        with pytest.raises(ServiceError) as exc:
            services.work_file_add_document(
                actor=clerk, work_file=wf, kind="incoming", document_id=first.pk
            )
        assert exc.value.code == "duplicate_document"
        closed = services.work_file_close(actor=clerk, work_file=wf)
        assert closed.status == WorkFileStatus.CLOSED and closed.closed_at
        assert closed.doc_total == 3 and closed.page_total == 7
        assert closed.start_date == datetime.date(2026, 3, 2)
        assert closed.end_date == datetime.date(2026, 6, 1)
        assert "congvu.archive.work_file.closed" in actions()

    def test_cannot_file_a_document_the_actor_cannot_see(self, unit, other_unit, person):
        clerk = person("clerk")
        wf = WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit)
        elsewhere = IncomingDocumentFactory(unit=other_unit)
        secret = IncomingDocumentFactory(unit=unit, secret=True)
        draft = OutgoingDocumentFactory(unit=unit)
        for kind, doc in [("incoming", elsewhere), ("incoming", secret), ("outgoing", draft)]:
            with pytest.raises(ServiceError) as exc:
                services.work_file_add_document(
                    actor=clerk, work_file=wf, kind=kind, document_id=doc.pk
                )
            assert exc.value.code == "document_not_found"
        assert not WorkFileEntry.objects.exists()

    def test_secret_document_filed_by_cleared_clerk(self, unit, person):
        clerk = person("clerk", clearance=1)
        wf = WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit)
        secret = IncomingDocumentFactory(unit=unit, secret=True)
        entry = services.work_file_add_document(
            actor=clerk, work_file=wf, kind="incoming", document_id=secret.pk
        )
        assert entry.document_id == secret.pk

    def test_only_creator_responsible_or_desk_edits(self, unit, person):
        wf = WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit)
        doc = IncomingDocumentFactory(unit=unit)
        with pytest.raises(PermissionDenied):
            services.work_file_add_document(
                actor=person("specialist"), work_file=wf, kind="incoming", document_id=doc.pk
            )

    def test_closed_file_refuses_changes(self, unit, person):
        clerk = person("clerk")
        wf = WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit, creator=clerk)
        doc = IncomingDocumentFactory(unit=unit)
        entry = services.work_file_add_document(
            actor=clerk, work_file=wf, kind=DocumentKind.INCOMING, document_id=doc.pk
        )
        services.work_file_close(actor=clerk, work_file=wf)
        other = IncomingDocumentFactory(unit=unit)
        with pytest.raises(TransitionNotAllowed):
            services.work_file_add_document(
                actor=clerk, work_file=wf, kind="incoming", document_id=other.pk
            )
        with pytest.raises(TransitionNotAllowed):
            services.work_file_remove_document(actor=clerk, entry=entry)
        with pytest.raises(TransitionNotAllowed):
            services.work_file_close(actor=clerk, work_file=wf)

    def test_remove_while_open(self, unit, person):
        clerk = person("clerk")
        wf = WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit)
        doc = IncomingDocumentFactory(unit=unit)
        entry = services.work_file_add_document(
            actor=clerk, work_file=wf, kind="incoming", document_id=doc.pk
        )
        services.work_file_remove_document(actor=clerk, entry=entry)
        assert not wf.entries.exists()
        assert "congvu.archive.work_file.document_removed" in actions()

    def test_empty_file_cannot_close(self, unit, person):
        wf = WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit)
        with pytest.raises(ServiceError) as exc:
            services.work_file_close(actor=person("clerk"), work_file=wf)
        assert exc.value.code == "work_file_empty"


class TestHandover:
    def test_closed_long_retention_is_handed_over(self, unit, person):
        wf = WorkFileFactory(
            catalog_item__catalog__unit=unit,
            unit=unit,
            catalog_item__retention_years=5,
            closed=True,
        )
        done = services.work_file_mark_handed_over(actor=person("clerk"), work_file=wf)
        assert done.status == WorkFileStatus.HANDED_OVER and done.handed_over_at
        assert "congvu.archive.work_file.handed_over" in actions()
        with pytest.raises(TransitionNotAllowed):
            services.work_file_mark_handed_over(actor=person("clerk"), work_file=wf)

    def test_open_or_short_retention_refused(self, unit, person):
        clerk = person("clerk")
        open_file = WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit)
        with pytest.raises(TransitionNotAllowed) as exc:
            services.work_file_mark_handed_over(actor=clerk, work_file=open_file)
        assert exc.value.code == "work_file_not_closed"
        short = WorkFileFactory(
            catalog_item__catalog__unit=unit, unit=unit, catalog_item__short=True, closed=True
        )
        with pytest.raises(TransitionNotAllowed) as exc:
            services.work_file_mark_handed_over(actor=clerk, work_file=short)
        assert exc.value.code == "retention_too_short"

    def test_specialist_cannot_hand_over(self, unit, person):
        wf = WorkFileFactory(catalog_item__catalog__unit=unit, unit=unit, closed=True)
        with pytest.raises(PermissionDenied):
            services.work_file_mark_handed_over(actor=person("specialist"), work_file=wf)
