"""Factories of danh mục hồ sơ and hồ sơ công việc, one Trait per state."""

import datetime

from django.utils import timezone

import factory

from congvu.archive.constants import DocumentKind, WorkFileStatus
from congvu.archive.models import FileCatalog, FileCatalogItem, WorkFile, WorkFileEntry
from tests.factories import UnitFactory, UserFactory


class FileCatalogFactory(factory.django.DjangoModelFactory):
    """A draft catalog of this year; ``approved`` gives the approved state."""

    class Meta:
        model = FileCatalog
        django_get_or_create = ("unit", "year")

    unit = factory.SubFactory(UnitFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)

    class Params:
        approved = factory.Trait(
            approved_at=factory.LazyFunction(timezone.now),
            approved_by=factory.SubFactory(UserFactory),
        )


class FileCatalogItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FileCatalogItem

    catalog = factory.SubFactory(FileCatalogFactory, approved=True)
    code = factory.Sequence(lambda n: f"{n + 1:02d}.VP")
    title = factory.Sequence(lambda n: f"Hồ sơ tổ chức thực hiện nhiệm vụ số {n}")
    retention_years = 10
    order = factory.Sequence(lambda n: n)

    class Params:
        permanent_ = factory.Trait(permanent=True, retention_years=None)
        short = factory.Trait(retention_years=2)


class WorkFileFactory(factory.django.DjangoModelFactory):
    """An open work file; traits give the closed and handed-over states."""

    class Meta:
        model = WorkFile

    catalog_item = factory.SubFactory(FileCatalogItemFactory)
    unit = factory.LazyAttribute(lambda o: o.catalog_item.catalog.unit)
    code = factory.Sequence(lambda n: f"000.00.99.H99.2026.{n:03d}.VP")
    title = factory.LazyAttribute(lambda o: o.catalog_item.title)
    creator = factory.SubFactory(UserFactory)
    status = WorkFileStatus.OPEN

    class Params:
        closed = factory.Trait(
            status=WorkFileStatus.CLOSED,
            closed_at=factory.LazyFunction(timezone.now),
            start_date=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=30)
            ),
            end_date=factory.LazyFunction(timezone.localdate),
            doc_total=1,
        )
        handed_over = factory.Trait(
            status=WorkFileStatus.HANDED_OVER,
            closed_at=factory.LazyFunction(timezone.now),
            handed_over_at=factory.LazyFunction(timezone.now),
            end_date=factory.LazyFunction(timezone.localdate),
        )


class WorkFileEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkFileEntry

    work_file = factory.SubFactory(WorkFileFactory)
    kind = DocumentKind.INCOMING
    document_id = 1
    order = factory.Sequence(lambda n: n)

    class Params:
        outgoing = factory.Trait(kind=DocumentKind.OUTGOING)
