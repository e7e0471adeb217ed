"""SIGKILL the Celery worker in the middle of the daily reminder run.

The task is acknowledged late (``CELERY_TASK_ACKS_LATE``, with
``CELERY_TASK_REJECT_ON_WORKER_LOST``), so the broker still holds it when the
worker dies; a new worker gets it back and runs it again. The run is
idempotent per user and day, so the users reminded before the kill are not
reminded twice and the others are reminded once.
"""

from __future__ import annotations

import email
import time
import uuid
from contextlib import contextmanager

from django.conf import settings

from congvu import celery_app
from congvu.inbox.models import Notification
from congvu.inbox.tasks import send_daily_reminders
from tests.incoming.factories import AssignmentFactory
from tests.outgoing.conftest import make_commune

from .conftest import wait_for_marker

TIMEOUT = 90


def test_task_settings_survive_a_killed_worker():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


@contextmanager
def sending_to(broker_url: str):
    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: celery_app.conf[key] for key in keys}

    def reset():
        celery_app._pool = None
        if "amqp" in celery_app.__dict__:
            celery_app.amqp._producer_pool = None

    celery_app.conf.update(broker_url=broker_url, result_backend=None, task_always_eager=False)
    reset()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        reset()


def _recipients(mail_dir) -> list[str]:
    """Recipients of every message the file e-mail backend wrote."""
    found = []
    for path in mail_dir.iterdir():
        for part in path.read_bytes().split(b"-" * 79):
            if part.strip():
                found.append(email.message_from_bytes(part.strip())["To"])
    return found


def test_kill_worker_during_reminder_run(faults_env, redis_server):
    commune = make_commune("Thạnh Phú")
    people = [
        commune.specialist,
        commune.office_head,
        commune.leader,
        commune.deputy,
        commune.clerk,
    ]
    for person in people:
        AssignmentFactory(document__unit=commune.unit, user=person)
    queue = f"congvu-faults-{uuid.uuid4().hex[:10]}"
    first = faults_env.worker(
        broker_url=redis_server.url, queue=queue, pause_at="inbox.reminders.between_users"
    )
    try:
        with sending_to(redis_server.url):
            send_daily_reminders.apply_async(queue=queue)
        wait_for_marker(first.marker, first.process, timeout=TIMEOUT)
        first.process.kill()

        # Killed after the first reminder committed, before the others.
        assert Notification.objects.count() == 1
        second = faults_env.worker(broker_url=redis_server.url, queue=queue)
        deadline = time.monotonic() + TIMEOUT
        while Notification.objects.count() < len(people):
            assert second.process.alive(), second.process.output()
            assert time.monotonic() < deadline, second.process.output()
            time.sleep(0.2)
        # Let the worker finish the task (on_commit mails, the late ack).
        deadline = time.monotonic() + TIMEOUT
        while redis_server.client.hlen("unacked"):
            assert time.monotonic() < deadline, "the task was never acknowledged"
            time.sleep(0.2)
    finally:
        for key in redis_server.client.scan_iter(match=f"*{queue}*"):
            redis_server.client.delete(key)

    per_user = Notification.objects.filter(kind="daily_reminder").values_list("user", flat=True)
    assert sorted(per_user) == sorted(p.pk for p in people)
    recipients = _recipients(faults_env.mail)
    # At most one mail each; all of them here, since the kill came after a commit and its mail.
    assert sorted(recipients) == sorted(p.email for p in people)
