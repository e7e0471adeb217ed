"""Inbox factories: notifications, one Trait per state."""

from django.utils import timezone

import factory

from congvu.inbox.models import Notification
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Thông báo số {n}")
    body = "Có văn bản mới cần xử lý."
    url = "/app/viec-cua-toi/"

    class Params:
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))
