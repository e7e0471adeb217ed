"""Writes of the outbox: publish an event in the producer's transaction, retry a dead letter."""

from __future__ import annotations

import functools

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import log_action, snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import PermissionDenied, TransitionNotAllowed

from .catalogue import check_payload, subscribers_of
from .models import Delivery, DeliveryStatus, OutboxMessage


def aggregate_key(obj: models.Model) -> str:
    """The ordering key of a model instance: "<app_label>.<model>:<pk>"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def publish(event_type: str, payload: dict, *, key: str | models.Model) -> OutboxMessage:
    """Record ``event_type`` inside the caller's transaction; deliver it once that commits.

    One INSERT for the message and one for its deliveries (one per subscriber
    registered now that the event concerns: ``Subscriber.concerns``). A rollback
    removes them with the change they report; a commit keeps them and wakes the
    dispatcher. ``payload`` holds ids only
    (``catalogue.check_payload``); ``key`` is the aggregate (a model instance
    or its ``aggregate_key``) whose events are delivered in order.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish() must run inside the producer's transaction")
    obj = key if isinstance(key, models.Model) else None
    if obj is not None:
        key = aggregate_key(obj)
    message = OutboxMessage.objects.create(
        event_type=event_type, key=key, payload=check_payload(event_type, payload)
    )
    subscribers = [s for s in subscribers_of(event_type) if s.concerns(message.payload, obj)]
    if subscribers:
        now = message.created_at
        Delivery.objects.bulk_create(
            [
                Delivery(
                    message=message, subscriber=s.name, key=key, created_at=now, next_attempt_at=now
                )
                for s in subscribers
            ]
        )
        from .tasks import dispatch_soon

        transaction.on_commit(functools.partial(dispatch_soon, message.pk), robust=True)
    return message


DELIVERY_FIELDS = ["status", "attempts", "next_attempt_at", "last_error", "dead_at"]


@transaction.atomic
def delivery_retry(*, actor, delivery: Delivery) -> Delivery:
    """Thử lại: a dead letter goes back to the queue with a fresh count of attempts.

    System administrators only (``restrict(actor, "retry")``); ``actor=None``
    is the operator on the server (``congvu outbox retry``). Audited; the
    history of the failed attempts is kept.
    """
    rows = Delivery.objects.all() if actor is None else Delivery.objects.restrict(actor, "retry")
    allowed = rows.filter(pk=delivery.pk)
    delivery = allowed.select_for_update().first()
    if delivery is None:
        raise PermissionDenied(
            _("Chỉ quản trị hệ thống được thử lại sự kiện."), code="permission_denied"
        )
    if delivery.status != DeliveryStatus.DEAD:
        raise TransitionNotAllowed(
            _("Chỉ thử lại được sự kiện đã dừng thử (không chuyển được)."),
            code="transition_not_allowed",
        )
    before = snapshot(delivery, DELIVERY_FIELDS)
    now = timezone.now()
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.locked_until = None
    delivery.lock_token = None
    delivery.dead_at = None
    delivery.save(
        update_fields=[
            "status",
            "attempts",
            "next_attempt_at",
            "locked_until",
            "lock_token",
            "dead_at",
            "updated_at",
        ]
    )
    log_action(
        actor=as_actor(actor) if actor is not None else None,
        action="congvu.events.delivery.retried",
        obj=delivery,
        before=before,
        after=snapshot(delivery, DELIVERY_FIELDS),
    )
    from .tasks import dispatch_soon

    transaction.on_commit(functools.partial(dispatch_soon, delivery.message_id), robust=True)
    return delivery
