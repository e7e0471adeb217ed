"""Registry factories, one Trait per state."""

import datetime

from django.utils import timezone

import factory

from congvu.registry.constants import Direction, NumberStatus, Secrecy
from congvu.registry.models import IssuedNumber, Register
from tests.factories import UnitFactory, UserFactory


class RegisterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Register

    unit = factory.SubFactory(UnitFactory)
    direction = Direction.OUTGOING
    year = 2026
    secrecy = Secrecy.NORMAL
    sequence_key = "*"
    name = factory.Sequence(lambda n: f"Sổ đăng ký văn bản đi {n}")

    class Params:
        incoming = factory.Trait(direction=Direction.INCOMING)
        secret = factory.Trait(secrecy=Secrecy.SECRET)
        closed = factory.Trait(
            closed_at=factory.LazyFunction(timezone.now),
            closed_by=factory.SubFactory(UserFactory),
        )


class IssuedNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssuedNumber

    register = factory.SubFactory(RegisterFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = NumberStatus.USED
    issued_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    )

    class Params:
        voided = factory.Trait(
            status=NumberStatus.VOIDED,
            void_reason="Ghi nhầm số, văn bản chưa phát hành",
            voided_at=factory.LazyFunction(timezone.now),
        )
