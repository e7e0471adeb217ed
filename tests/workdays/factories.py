"""Calendar override factory, one Trait per state (active, revoked) and kind."""

import datetime

from django.utils import timezone

import factory

from congvu.workdays.models import CalendarOverride, OverrideKind


class CalendarOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarOverride

    date = datetime.date(2026, 12, 31)
    kind = OverrideKind.DAY_OFF
    reason = "Quyết định của Chủ tịch UBND tỉnh"
    unit = None

    class Params:
        work_day = factory.Trait(kind=OverrideKind.WORK_DAY, reason="Làm bù")
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))
