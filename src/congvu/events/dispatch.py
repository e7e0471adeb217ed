"""The dispatcher: claim due deliveries under a lease, run their handlers, record the outcome.

Guarantee (docs/events.md): every committed message reaches every subscriber
registered when it was published **at least once**; a handler's writes in
congvu's database commit in the same transaction that marks its delivery
done, so they happen **exactly once** even when two dispatchers race or a
worker dies (unless it subscribed with ``atomic=False``). External effects
(a package sent to another agency) may repeat after a crash and carry
``Event.message_id`` for the other side to drop the duplicate.

Claiming: one short transaction selects due rows (PostgreSQL: ``FOR UPDATE
SKIP LOCKED``, so concurrent dispatchers take different rows) and sets the
lease with a conditional UPDATE that re-checks the row is still free (on
SQLite, where writers are serialised, that condition alone is what keeps two
dispatchers apart). ``attempts`` is counted at the claim, so a message that
kills its worker every time still ends as a dead letter.

Ordering: a delivery is due only when no earlier message (smaller id) of the
same key for the same subscriber is still undone (pending, retrying, leased
or dead): message N+1 of an aggregate waits for N, and a dead letter holds
back the rest of its aggregate for that subscriber until it is retried.
"""

from __future__ import annotations

import contextlib
import logging
import random
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from congvu.core.faults import checkpoint

from .catalogue import Event, Permanent, subscriber
from .models import OPEN, Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

#: Characters of a traceback kept on the delivery (its end: the frame that failed).
ERROR_CHARS = 4000
#: Failed attempts listed on the delivery (the last ones).
HISTORY_ENTRIES = 10
#: Deliveries leased at once: the whole batch must be handled within one lease.
BATCH = 20


def lease_seconds() -> int:
    return int(getattr(settings, "CONGVU_OUTBOX_LEASE_SECONDS", 300))


def max_attempts() -> int:
    return int(getattr(settings, "CONGVU_OUTBOX_MAX_ATTEMPTS", 8))


def backoff_seconds(attempt: int, rng: random.Random | None = None) -> float:
    """Wait before attempt ``attempt + 1``: doubling from the base, capped, with jitter.

    "Equal jitter": between half and all of the exponential delay, so
    deliveries that failed together (a receiver that was down) do not all
    come back in the same second, and none comes back sooner than half.
    """
    base = float(getattr(settings, "CONGVU_OUTBOX_BACKOFF_SECONDS", 30))
    cap = float(getattr(settings, "CONGVU_OUTBOX_BACKOFF_MAX_SECONDS", 3600))
    delay = min(cap, base * 2 ** max(attempt - 1, 0))
    return delay / 2 + (rng or random).random() * delay / 2


@dataclass
class DispatchResult:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    lost: int = 0  # the lease ran out and another dispatcher took the delivery over
    ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "delivered": self.delivered,
            "retrying": self.retrying,
            "dead": self.dead,
            "lost": self.lost,
        }


class LeaseLost(Exception):
    """Our lease on a delivery expired and another dispatcher claimed it."""


def _free(now: datetime) -> Q:
    return Q(locked_until__isnull=True) | Q(locked_until__lte=now)


def due(now: datetime):
    """Deliveries a dispatcher may claim at ``now``: open, due, not leased, first of their key."""
    earlier = (
        Delivery.objects.filter(
            subscriber=OuterRef("subscriber"),
            key=OuterRef("key"),
            message_id__lt=OuterRef("message_id"),
        )
        .exclude(status=DeliveryStatus.DONE)
        .values("pk")
    )
    return (
        Delivery.objects.filter(status__in=OPEN, next_attempt_at__lte=now)
        .filter(_free(now))
        .filter(~Exists(earlier))
    )


def claim(*, limit: int = BATCH, now: datetime | None = None) -> list[Delivery]:
    """Lease up to ``limit`` due deliveries to this dispatcher; commit the lease at once."""
    now = now or timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        rows = due(now).order_by("message_id", "pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids, status__in=OPEN).filter(_free(now)).update(
            locked_until=now + timedelta(seconds=lease_seconds()),
            lock_token=token,
            attempts=F("attempts") + 1,
        )
    return list(
        Delivery.objects.filter(pk__in=ids, lock_token=token)
        .select_related("message")
        .order_by("message_id", "pk")
    )


def event_of(delivery: Delivery) -> Event:
    message = delivery.message
    return Event(
        message_id=message.message_id,
        type=message.event_type,
        key=message.key,
        payload=dict(message.payload),
        created_at=message.created_at,
        attempt=delivery.attempts,
    )


def deliver(delivery: Delivery, *, now: datetime | None = None) -> str:
    """Run the handler of one claimed delivery; return "done", "retrying", "dead" or "lost"."""
    if delivery.locked_until is not None and delivery.locked_until <= timezone.now():
        # Earlier handlers of the batch used up the lease: another dispatcher may hold it now.
        return "lost"
    try:
        target = subscriber(delivery.subscriber)
        if target is None:
            raise LookupError(f"Subscriber {delivery.subscriber!r} is not registered")
        scope = transaction.atomic() if target.atomic else contextlib.nullcontext()
        with scope:
            target.handler(event_of(delivery))
            # A crash here rolls back an atomic handler's writes with the mark below.
            checkpoint("events.deliver.after_handler")
            if not _mark_done(delivery):
                raise LeaseLost
    except LeaseLost:
        logger.warning("Outbox delivery %s: lease lost, left to its new holder", delivery.pk)
        return "lost"
    except Exception as exc:
        return _failed(delivery, exc, now=now)
    return "done"


def _mark_done(delivery: Delivery) -> bool:
    """Mark done, if the lease is still ours (a dispatcher that lost it must not)."""
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk, lock_token=delivery.lock_token, status__in=OPEN
        ).update(
            status=DeliveryStatus.DONE,
            delivered_at=timezone.now(),
            locked_until=None,
            lock_token=None,
            last_error="",
        )
    )


def _failed(delivery: Delivery, exc: BaseException, *, now: datetime | None) -> str:
    now = now or timezone.now()
    error = "".join(traceback.format_exception(exc))[-ERROR_CHARS:]
    summary = (traceback.format_exception_only(exc)[-1].strip() or type(exc).__name__)[:300]
    history = [*delivery.history, {"attempt": delivery.attempts, "at": now.isoformat()}]
    history[-1]["error"] = summary
    history = history[-HISTORY_ENTRIES:]
    if delivery.attempts >= max_attempts() or isinstance(exc, Permanent):
        outcome = DeliveryStatus.DEAD
        changes = {"status": outcome, "dead_at": now}
    else:
        outcome = DeliveryStatus.RETRYING
        wait = backoff_seconds(delivery.attempts)
        changes = {"status": outcome, "next_attempt_at": now + timedelta(seconds=wait)}
    updated = Delivery.objects.filter(
        pk=delivery.pk, lock_token=delivery.lock_token, status__in=OPEN
    ).update(locked_until=None, lock_token=None, last_error=error, history=history, **changes)
    if not updated:
        return "lost"
    logger.warning(
        "Outbox delivery %s (%s, attempt %s) failed: %s",
        delivery.pk,
        delivery.subscriber,
        delivery.attempts,
        summary,
    )
    return str(outcome)


def dispatch(
    *, limit: int = BATCH, now: datetime | None = None, max_rounds: int = 20
) -> DispatchResult:
    """Deliver what is due, batch after batch (a delivered message frees the next of its key)."""
    result = DispatchResult()
    for _round in range(max_rounds):
        batch = claim(limit=limit, now=now)
        if not batch:
            break
        for delivery in batch:
            outcome = deliver(delivery, now=now)
            result.ids.append(delivery.pk)
            if outcome == "done":
                result.delivered += 1
            elif outcome == DeliveryStatus.RETRYING:
                result.retrying += 1
            elif outcome == DeliveryStatus.DEAD:
                result.dead += 1
            else:
                result.lost += 1
    return result


def prune(*, keep_days: int | None = None, now: datetime | None = None) -> int:
    """Delete messages older than ``keep_days`` whose every delivery is done (or that had none)."""
    from .models import OutboxMessage

    if keep_days is None:
        keep_days = int(getattr(settings, "CONGVU_OUTBOX_KEEP_DAYS", 30))
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    undone = Delivery.objects.filter(message=OuterRef("pk")).exclude(status=DeliveryStatus.DONE)
    old = OutboxMessage.objects.filter(created_at__lt=cutoff).filter(~Exists(undone))
    _total, per_model = old.delete()
    return per_model.get(OutboxMessage._meta.label, 0)
