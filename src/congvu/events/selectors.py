"""Reads of the outbox for the queue page and the command, always through ``restrict``."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import get_object_or_404

from congvu.core.authz import as_actor

from .models import OPEN, Delivery, DeliveryStatus, OutboxMessage
from .policies import is_queue_admin

#: Filter values of the queue page: what each shows.
STATUS_FILTERS = {
    "open": [*OPEN, DeliveryStatus.DEAD],  # everything not delivered yet
    "pending": [DeliveryStatus.PENDING],
    "retrying": [DeliveryStatus.RETRYING],
    "dead": [DeliveryStatus.DEAD],
    "done": [DeliveryStatus.DONE],
    "all": None,
}


def may_view_queue(actor) -> bool:
    return is_queue_admin(as_actor(actor))


def queue(
    *, actor, status: str = "open", event_type: str = "", subscriber: str = "", key: str = ""
):
    """Deliveries for the queue page, oldest message first among the open ones."""
    rows = Delivery.objects.restrict(actor, "view").select_related("message")
    statuses = STATUS_FILTERS.get(status or "open", STATUS_FILTERS["open"])
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    if event_type:
        rows = rows.filter(message__event_type=event_type)
    if subscriber:
        rows = rows.filter(subscriber=subscriber)
    if key:
        rows = rows.filter(key__icontains=key.strip())
    if status in ("done", "all"):
        return rows.order_by("-message_id", "pk")
    return rows.order_by("message_id", "pk")


def counts(*, actor) -> dict[str, int]:
    """Deliveries per status (every status present, zero when none)."""
    found = dict(
        Delivery.objects.restrict(actor, "view")
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: found.get(status, 0) for status in DeliveryStatus.values}


def subscriber_names(*, actor) -> list[str]:
    rows = Delivery.objects.restrict(actor, "view").values_list("subscriber", flat=True)
    return sorted(set(rows.distinct()))


def message_for_detail(*, actor, pk: int) -> OutboxMessage:
    return get_object_or_404(OutboxMessage.objects.restrict(actor, "view"), pk=pk)


def deliveries_of(*, actor, message: OutboxMessage):
    return Delivery.objects.restrict(actor, "view").filter(message=message).order_by("subscriber")


def delivery_for_retry(*, actor, pk: int) -> Delivery:
    return get_object_or_404(
        Delivery.objects.restrict(actor, "retry").select_related("message"), pk=pk
    )
