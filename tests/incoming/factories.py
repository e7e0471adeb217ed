"""Incoming document factories, one Trait per state."""

import datetime

from django.utils import timezone

import factory

from congvu.core.text import fold
from congvu.incoming.constants import Source, Status
from congvu.incoming.models import Assignment, ExternalOrganization, IncomingDocument
from congvu.registry.constants import Direction
from congvu.registry.models import DocumentType, Register
from tests.factories import UnitFactory, UserFactory


class ExternalOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalOrganization

    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    search_text = factory.LazyAttribute(lambda o: o.name.lower())


def _register(o):
    register, _created = Register.objects.get_or_create(
        unit=o.unit,
        direction=Direction.INCOMING,
        year=o.arrival_date.year,
        secrecy=o.secrecy,
        sequence_key="*",
        defaults={"name": f"Sổ văn bản đến {o.arrival_date.year}"},
    )
    return register


class IncomingDocumentFactory(factory.django.DjangoModelFactory):
    """A registered paper document by default (number taken straight, not allocated)."""

    class Meta:
        model = IncomingDocument

    unit = factory.SubFactory(UnitFactory)
    arrival_date = factory.LazyFunction(timezone.localdate)
    source = Source.PAPER
    issuer_name = "Sở Nội vụ tỉnh Vĩnh Long"
    number_notation = factory.Sequence(lambda n: f"{n + 1}/SNV-VP")
    document_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=2))
    document_type = factory.LazyFunction(lambda: DocumentType.objects.get(code="cong-van"))
    subject = factory.Sequence(lambda n: f"V/v báo cáo tình hình thực hiện nhiệm vụ số {n}")
    urgency = 0
    secrecy = 0
    status = Status.REGISTERED
    register = factory.LazyAttribute(_register)
    arrival_number = factory.Sequence(lambda n: 1000 + n)
    registered_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)
    search_text = factory.LazyAttribute(
        lambda o: fold(f"{o.number_notation} {o.subject} {o.issuer_name}")
    )

    class Params:
        pending = factory.Trait(
            status=Status.PENDING,
            source=Source.INTERNAL,
            register=None,
            arrival_number=None,
            registered_at=None,
        )
        secret = factory.Trait(secrecy=1)
        urgent = factory.Trait(urgency=1)
        presented = factory.Trait(status=Status.PRESENTED)
        directed = factory.Trait(status=Status.DIRECTED)
        completed = factory.Trait(
            status=Status.COMPLETED, completed_at=factory.LazyFunction(timezone.now)
        )


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    document = factory.SubFactory(IncomingDocumentFactory, directed=True)
    role = "main"
    assigned_by = factory.SubFactory(UserFactory)

    class Params:
        coordinate = factory.Trait(role="coordinate")
        info = factory.Trait(role="info")
        done = factory.Trait(status="done")
