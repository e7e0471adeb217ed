"""The outbox: a message exists exactly when its transaction commits, and is delivered once in effect."""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import TransitionNotAllowed
from congvu.events import dispatch as dispatcher
from congvu.events.catalogue import event_types
from congvu.events.models import Delivery, DeliveryStatus, OutboxMessage
from congvu.events.services import delivery_retry, publish

from .handlers import EFFECT, PING

pytestmark = pytest.mark.django_db


def ping(n, key="test:1") -> OutboxMessage:
    with transaction.atomic():
        return publish(PING, {"n": n}, key=key)


def effects() -> list:
    """The ``n`` of every committed database effect of a handler."""
    return sorted(m.payload["n"] for m in OutboxMessage.objects.filter(event_type=EFFECT))


def test_a_rolled_back_transaction_leaves_no_message(recorder):
    recorder.on(PING)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        publish(PING, {"n": 1}, key="test:1")
        1 / 0  # noqa: B018 - the producer fails after publishing
    assert not OutboxMessage.objects.exists()
    assert not Delivery.objects.exists()
    assert dispatcher.dispatch().delivered == 0
    assert recorder.calls == []


def test_a_commit_delivers_once_to_each_subscriber(recorder, django_capture_on_commit_callbacks):
    recorder.on(PING, name="tests.first").on(PING, name="tests.second")
    with django_capture_on_commit_callbacks(execute=True):
        message = ping(7)
    # The commit woke the dispatcher (eager here): both subscribers got it, once.
    assert [(e.message_id, e.type, e.key, e.payload) for e in recorder.calls] == [
        (message.message_id, PING, "test:1", {"n": 7})
    ] * 2
    deliveries = Delivery.objects.filter(message=message)
    assert sorted(deliveries.values_list("subscriber", "status", "attempts")) == [
        ("tests.first", DeliveryStatus.DONE, 1),
        ("tests.second", DeliveryStatus.DONE, 1),
    ]
    assert all(d.delivered_at for d in deliveries)
    # Running the dispatcher again delivers nothing twice.
    assert dispatcher.dispatch().delivered == 0
    assert len(recorder.calls) == 2
    assert effects() == [7, 7]


def test_publish_needs_the_producers_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        publish(PING, {"n": 1}, key="test:1")
    assert not OutboxMessage.objects.exists()


def test_payloads_carry_declared_ids_only():
    with transaction.atomic():
        with pytest.raises(ValueError, match="undeclared"):
            publish("document.issued", {"document_id": 1, "subject": "Mật"}, key="d:1")
        with pytest.raises(ValueError, match="missing"):
            publish("document.issued", {}, key="d:1")
        with pytest.raises(ValueError, match="ids"):
            publish("document.issued", {"document_id": {"subject": "x"}}, key="d:1")
        with pytest.raises(ImproperlyConfigured):
            publish("document.unknown", {"document_id": 1}, key="d:1")
    assert not OutboxMessage.objects.exists()
    assert {"document.issued", "document.recalled", "incoming.registered"} <= {
        t.name for t in event_types()
    }


def test_an_event_without_subscribers_is_kept_with_no_delivery():
    message = ping(1)
    assert OutboxMessage.objects.get() == message
    assert not Delivery.objects.exists()


def test_a_subscriber_an_event_does_not_concern_gets_no_delivery_and_no_wake_up(
    recorder, django_capture_on_commit_callbacks
):
    from congvu.events.catalogue import subscribe

    subscribe(
        PING,
        recorder.handler,
        name="tests.even",
        applies=lambda payload: payload["n"] % 2 == 0,
    )
    recorder.names.append("tests.even")
    with django_capture_on_commit_callbacks(execute=True) as woken:
        odd = ping(1)
    # Kept for the record, but nothing to deliver: no row, no dispatcher woken.
    assert OutboxMessage.objects.filter(pk=odd.pk).exists()
    assert not Delivery.objects.filter(message=odd).exists()
    assert woken == []
    with django_capture_on_commit_callbacks(execute=True) as woken:
        even = ping(2)
    assert len(woken) == 1
    assert list(Delivery.objects.filter(message=even).values_list("subscriber", "status")) == [
        ("tests.even", DeliveryStatus.DONE)
    ]
    assert recorder.seen() == [2]


def test_a_predicate_may_decide_from_the_instance_the_producer_published_about(recorder):
    # It then needs no query in the producer's transaction (exchange: a văn bản đến's
    # source); a string key gives it None (the test above: a predicate of the payload alone).
    from congvu.events.catalogue import subscribe

    seen = []

    def applies(payload, obj=None):
        seen.append(obj)
        return obj is not None

    subscribe(PING, recorder.handler, name="tests.by_instance", applies=applies)
    recorder.names.append("tests.by_instance")
    subject = ping(0)  # any model instance stands in for the document
    about_instance = ping(1, key=subject)
    about_string = ping(2)
    assert seen == [None, subject, None]
    assert about_instance.key == f"events.outboxmessage:{subject.pk}"
    assert Delivery.objects.filter(message=about_instance).exists()
    assert not Delivery.objects.filter(message=about_string).exists()


def test_failures_back_off_then_dead_letter_then_retry_redelivers(
    recorder, outbox_settings, django_capture_on_commit_callbacks
):
    recorder.on(PING)
    recorder.fail.add(1)
    message = ping(1)
    t0 = timezone.now()

    assert dispatcher.dispatch(now=t0).retrying == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRYING, 1)
    # Base 10 s, equal jitter: between 5 and 10 s.
    assert t0 + timedelta(seconds=5) <= delivery.next_attempt_at <= t0 + timedelta(seconds=10)
    assert "Nơi nhận từ chối sự kiện 1" in delivery.last_error
    assert "Traceback" in delivery.last_error
    assert effects() == []  # the failed attempt's writes were rolled back
    # Not due yet: nothing is attempted.
    assert dispatcher.dispatch(now=t0 + timedelta(seconds=4)).retrying == 0
    assert len(recorder.calls) == 1

    t1 = t0 + timedelta(seconds=11)
    dispatcher.dispatch(now=t1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRYING, 2)
    assert t1 + timedelta(seconds=10) <= delivery.next_attempt_at <= t1 + timedelta(seconds=20)

    assert dispatcher.dispatch(now=t1 + timedelta(seconds=21)).dead == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 3)
    assert delivery.dead_at is not None
    assert [h["attempt"] for h in delivery.history] == [1, 2, 3]
    # A dead letter is not attempted again, however late.
    assert dispatcher.dispatch(now=t1 + timedelta(days=30)).dead == 0
    assert len(recorder.calls) == 3

    recorder.fail.clear()
    with django_capture_on_commit_callbacks(execute=True):
        delivery_retry(actor=None, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DONE
    assert len(recorder.calls) == 4 and recorder.calls[-1].message_id == message.message_id
    assert effects() == [1]
    record = AuditRecord.objects.get(action="congvu.events.delivery.retried")
    assert record.before["status"] == DeliveryStatus.DEAD
    assert record.after["status"] == DeliveryStatus.PENDING
    with pytest.raises(TransitionNotAllowed):
        delivery_retry(actor=None, delivery=delivery)


def test_backoff_doubles_with_jitter_up_to_the_cap(settings):
    settings.CONGVU_OUTBOX_BACKOFF_SECONDS = 30
    settings.CONGVU_OUTBOX_BACKOFF_MAX_SECONDS = 3600

    class Fixed(random.Random):
        def __init__(self, value):
            super().__init__()
            self.value = value

        def random(self):
            return self.value

    low, high = Fixed(0.0), Fixed(0.999999)
    assert dispatcher.backoff_seconds(1, low) == 15
    assert dispatcher.backoff_seconds(1, high) == pytest.approx(30, abs=0.01)
    assert dispatcher.backoff_seconds(3, low) == 60
    assert dispatcher.backoff_seconds(30, high) == pytest.approx(3600, abs=0.01)


def test_a_lease_keeps_a_second_dispatcher_out_until_it_expires(recorder, outbox_settings):
    """Two dispatchers (or a restarted one) never both commit the same delivery."""
    recorder.on(PING)
    ping(1)
    now = timezone.now()
    first = dispatcher.claim(now=now)
    assert len(first) == 1
    assert dispatcher.claim(now=now + timedelta(seconds=119)) == []  # still leased
    # The first holder stalls past its lease; a second dispatcher takes over and delivers.
    later = now + timedelta(seconds=121)
    second = dispatcher.claim(now=later)
    assert [d.pk for d in second] == [first[0].pk] and second[0].attempts == 2
    assert dispatcher.deliver(second[0], now=later) == "done"
    # The stalled holder wakes: its handler runs, but its writes roll back with the lost lease.
    assert dispatcher.deliver(first[0], now=later) == "lost"
    assert len(recorder.calls) == 2
    assert effects() == [1]  # once in effect
    assert Delivery.objects.get().status == DeliveryStatus.DONE


def test_events_of_one_key_are_delivered_in_order(recorder, outbox_settings):
    recorder.on(PING)
    recorder.fail.add(1)
    ping(1, key="doc:A")
    ping(2, key="doc:A")
    ping(3, key="doc:B")
    now = timezone.now()
    dispatcher.dispatch(now=now)
    # 1 failed: 2 (same key) waits behind it; 3 (another key) goes through.
    assert recorder.seen() == [1, 3]
    statuses = dict(Delivery.objects.values_list("message__payload__n", "status"))
    assert statuses == {
        1: DeliveryStatus.RETRYING,
        2: DeliveryStatus.PENDING,
        3: DeliveryStatus.DONE,
    }
    # Dead, 1 still holds 2 back.
    dispatcher.dispatch(now=now + timedelta(minutes=5))
    dispatcher.dispatch(now=now + timedelta(minutes=10))
    assert Delivery.objects.get(message__payload__n=1).status == DeliveryStatus.DEAD
    assert 2 not in recorder.seen()
    recorder.fail.clear()
    delivery_retry(actor=None, delivery=Delivery.objects.get(message__payload__n=1))
    dispatcher.dispatch(now=now + timedelta(minutes=11))
    assert recorder.seen()[-2:] == [1, 2]
    assert effects() == [1, 2, 3]


def test_an_unknown_subscriber_is_retried_not_lost(recorder, outbox_settings):
    recorder.on(PING, name="tests.gone")
    ping(1)
    recorder.names.remove("tests.gone")
    from congvu.events.catalogue import unsubscribe

    unsubscribe("tests.gone")
    dispatcher.dispatch()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert "tests.gone" in delivery.last_error


def test_prune_keeps_undone_and_recent_messages(recorder, outbox_settings):
    recorder.on(PING)
    recorder.fail.add(2)
    old = timezone.now() - timedelta(days=40)
    done, failing = ping(1), ping(2, key="test:2")
    dispatcher.dispatch()
    recent = ping(3, key="test:3")
    OutboxMessage.objects.filter(pk__in=[done.pk, failing.pk]).update(created_at=old)
    # The effects of 1 are recent; only the delivered old message goes.
    assert dispatcher.prune(keep_days=30) == 1
    remaining = set(OutboxMessage.objects.filter(event_type=PING).values_list("pk", flat=True))
    assert remaining == {failing.pk, recent.pk}


def test_a_non_atomic_subscriber_holds_no_transaction_and_keeps_its_writes(
    recorder, outbox_settings
):
    from congvu.events.catalogue import subscribe

    subscribe(PING, recorder.handler, name="tests.network", atomic=False)
    recorder.names.append("tests.network")
    recorder.fail.add(1)
    ping(1)
    ping(2, key="test:2")
    dispatcher.dispatch()
    statuses = dict(Delivery.objects.values_list("message__payload__n", "status"))
    assert statuses == {1: DeliveryStatus.RETRYING, 2: DeliveryStatus.DONE}
    # Its writes are its own: the failed attempt's effect stays (hence: idempotent by message id).
    assert effects() == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_a_non_atomic_handler_runs_outside_any_transaction(recorder, outbox_settings):
    from django.db import connection

    from congvu.events.catalogue import subscribe

    inside = []
    subscribe(PING, lambda event: inside.append(connection.in_atomic_block), name="tests.net")
    recorder.names.append("tests.net")
    subscribe(
        PING,
        lambda event: inside.append(connection.in_atomic_block),
        name="tests.net2",
        atomic=False,
    )
    recorder.names.append("tests.net2")
    with transaction.atomic():
        publish(PING, {"n": 1}, key="test:1")  # the commit dispatches (eager, no request)
    assert sorted(inside) == [False, True]


def test_a_claimed_delivery_whose_lease_ran_out_is_left_unhandled(recorder, outbox_settings):
    recorder.on(PING)
    ping(1)
    (claimed,) = dispatcher.claim()
    # The handlers before it in the batch took longer than the lease.
    claimed.locked_until = timezone.now() - timedelta(seconds=1)
    assert dispatcher.deliver(claimed) == "lost"
    assert recorder.calls == []
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    Delivery.objects.update(locked_until=claimed.locked_until)
    assert dispatcher.dispatch().delivered == 1


def test_a_permanent_failure_is_a_dead_letter_at_once(outbox_settings):
    from congvu.events.catalogue import Permanent, subscribe, unsubscribe

    def refuse(event):
        raise Permanent("Nơi nhận không có trên trục")

    subscribe(PING, refuse, name="tests.permanent")
    try:
        ping(1)
        dispatcher.dispatch()
    finally:
        unsubscribe("tests.permanent")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 1)
    assert "Nơi nhận không có trên trục" in delivery.last_error
    # On the queue page among the dead letters, for a retry once the cause is fixed.
    assert delivery.dead_at is not None
