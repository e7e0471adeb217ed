"""Factories of văn bản đi, one Trait per state."""

from django.utils import timezone

import factory

from congvu.outgoing.constants import Decision, RecipientKind, Status
from congvu.outgoing.models import OutgoingDocument, Recipient, ReviewStep
from congvu.registry.models import DocumentType
from tests.factories import UnitFactory, UserFactory


def doc_type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


class OutgoingDocumentFactory(factory.django.DjangoModelFactory):
    """A draft; traits give the other states (issued ones without a real register number)."""

    class Meta:
        model = OutgoingDocument

    unit = factory.SubFactory(UnitFactory, commune=True)
    drafting_unit = None
    document_type = factory.LazyFunction(lambda: doc_type("cong-van"))
    subject = factory.Sequence(lambda n: f"V/v triển khai kế hoạch số {n}")
    drafted_by = factory.SubFactory(UserFactory)
    status = Status.DRAFT

    class Params:
        in_review = factory.Trait(status=Status.IN_REVIEW)
        returned = factory.Trait(status=Status.RETURNED)
        approved = factory.Trait(
            status=Status.APPROVED,
            signer=factory.SubFactory(UserFactory),
            signer_title="Chủ tịch",
            approved_at=factory.LazyFunction(timezone.now),
        )
        issued = factory.Trait(
            status=Status.ISSUED,
            signer=factory.SubFactory(UserFactory),
            approved_at=factory.LazyFunction(timezone.now),
            number=factory.Sequence(lambda n: n + 1),
            number_notation=factory.LazyAttribute(lambda o: f"{o.number:02d}/UBND-VP"),
            issued_at=factory.LazyFunction(timezone.now),
        )
        recalled = factory.Trait(
            status=Status.RECALLED,
            number=factory.Sequence(lambda n: n + 1),
            number_notation=factory.LazyAttribute(lambda o: f"{o.number:02d}/UBND-VP"),
            issued_at=factory.LazyFunction(timezone.now),
            recalled_at=factory.LazyFunction(timezone.now),
            recall_reason="Sai thẩm quyền",
        )
        secret = factory.Trait(secrecy=1)
        urgent = factory.Trait(urgency=1)


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    document = factory.SubFactory(OutgoingDocumentFactory)
    unit = factory.SubFactory(UnitFactory, commune=True)
    kind = RecipientKind.MAIN

    class Params:
        external = factory.Trait(
            unit=None, external_name="Công ty TNHH Thạnh Phú", external_address="Ấp 1, xã Thạnh Phú"
        )
        info = factory.Trait(kind=RecipientKind.INFO)


class ReviewStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewStep

    document = factory.SubFactory(OutgoingDocumentFactory, in_review=True)
    round = 1
    order = factory.Sequence(lambda n: n + 1)
    reviewer = factory.SubFactory(UserFactory)
    decision = Decision.PENDING

    class Params:
        approved = factory.Trait(
            decision=Decision.APPROVED, decided_at=factory.LazyFunction(timezone.now)
        )
        returned = factory.Trait(
            decision=Decision.RETURNED,
            comment="Sửa lại trích yếu",
            decided_at=factory.LazyFunction(timezone.now),
        )
