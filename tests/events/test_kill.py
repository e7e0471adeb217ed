"""Real dispatcher processes on PostgreSQL: one SIGKILLed mid-delivery, two racing.

The children run ``congvu outbox dispatch`` against the test database (hence
``transactional_db``: what the test publishes must be committed for them to
see it) with the ``tests.effect`` subscriber of ``handlers.py``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

import pytest

from congvu.events import dispatch as dispatcher
from congvu.events.models import Delivery, DeliveryStatus, OutboxMessage
from congvu.events.services import publish
from tests.tasks.conftest import database_url_for_worker

from .handlers import EFFECT, PING

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90

SCRIPT = """
import os, pathlib, time
import django
django.setup()
from tests.events.handlers import subscribe_effect
subscribe_effect()
ready, go = os.environ.get("TEST_READY"), os.environ.get("TEST_GO")
if ready:
    pathlib.Path(ready).write_text("1")
    while not os.path.exists(go):
        time.sleep(0.02)
from django.core.management import call_command
call_command("outbox", "dispatch")
"""


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("real dispatcher processes share the test database on PostgreSQL only")


@pytest.fixture
def quiet_commits(monkeypatch):
    """Leave delivery to the child processes: the test's own commits wake no dispatcher."""
    monkeypatch.setattr("congvu.events.tasks.dispatch_soon", lambda *args, **kwargs: None)


class Child:
    def __init__(self, tmp_path: Path, name: str, **env):
        self.log = tmp_path / f"{name}.log"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("CONGVU_FAULT_")}
        environ.update(
            DJANGO_SETTINGS_MODULE="congvu.settings.test",
            DATABASE_URL=database_url_for_worker(),
            PYTHONPATH=os.pathsep.join(
                filter(None, [str(ROOT / "src"), str(ROOT), environ.get("PYTHONPATH")])
            ),
            PYTHONUNBUFFERED="1",
            OUTBOX_LEASE_SECONDS="120",  # as outbox_settings in this process
        )
        environ.update({k: str(v) for k, v in env.items()})
        with self.log.open("wb") as sink:
            self.popen = subprocess.Popen(
                [sys.executable, "-c", SCRIPT],
                cwd=ROOT,
                env=environ,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_for(self, path: Path) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not path.exists():
            assert self.popen.poll() is None, f"the dispatcher exited early:\n{self.output()}"
            assert time.monotonic() < deadline, f"the dispatcher never got there:\n{self.output()}"
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, no rollback in the process."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=15)

    def join(self) -> None:
        try:
            self.popen.wait(timeout=TIMEOUT)
        finally:
            self.kill()
        assert self.popen.returncode == 0, self.output()


def effects() -> list:
    return sorted(m.payload["n"] for m in OutboxMessage.objects.filter(event_type=EFFECT))


def test_a_dispatcher_killed_mid_delivery_loses_and_duplicates_nothing(
    postgres, quiet_commits, effect_subscriber, outbox_settings, tmp_path, monkeypatch
):
    external = tmp_path / "sent.txt"
    monkeypatch.setenv("CONGVU_TEST_OUTBOX_EXTERNAL", str(external))
    with transaction.atomic():
        message = publish(PING, {"n": 1}, key="test:1")
    marker = tmp_path / "checkpoint"
    child = Child(
        tmp_path,
        "killed",
        CONGVU_FAULT_PAUSE_AT="events.deliver.after_handler",
        CONGVU_FAULT_MARKER=marker,
    )
    try:
        # The handler ran (its external effect is out, its database write not committed).
        child.wait_for(marker)
    finally:
        child.kill()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.locked_until > timezone.now()
    assert effects() == []  # the killed transaction took the handler's write with it
    assert external.read_text().split() == [str(message.message_id)]

    # Inside the lease nobody takes it over; once it has expired, the next run delivers.
    assert dispatcher.dispatch().delivered == 0
    later = timezone.now() + timedelta(seconds=121)
    assert dispatcher.dispatch(now=later).delivered == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DONE, 2)
    assert effects() == [1]  # exactly once in congvu's database
    # The external effect was repeated with the same message id: the receiver drops it.
    assert external.read_text().split() == [str(message.message_id)] * 2


def test_two_racing_dispatchers_deliver_each_message_once_and_in_order(
    postgres, quiet_commits, effect_subscriber, outbox_settings, tmp_path, monkeypatch
):
    external = tmp_path / "sent.txt"
    monkeypatch.setenv("CONGVU_TEST_OUTBOX_EXTERNAL", str(external))
    keys, per_key = 8, 4
    with transaction.atomic():
        for i in range(per_key):
            for k in range(keys):
                publish(PING, {"n": k * 100 + i}, key=f"test:{k}")
    go = tmp_path / "go"
    children = [
        Child(tmp_path, f"racer{i}", TEST_READY=tmp_path / f"ready{i}", TEST_GO=go)
        for i in range(2)
    ]
    try:
        for i, child in enumerate(children):
            child.wait_for(tmp_path / f"ready{i}")
        go.write_text("1")
        for child in children:
            child.join()
    finally:
        for child in children:
            child.kill()
    dispatcher.dispatch()  # whatever a racer left (it stops when the rest is leased)

    deliveries = list(Delivery.objects.all())
    assert len(deliveries) == keys * per_key
    assert {(d.status, d.attempts) for d in deliveries} == {(DeliveryStatus.DONE, 1)}
    expected = sorted(k * 100 + i for k in range(keys) for i in range(per_key))
    assert effects() == expected
    sent = external.read_text().split()
    assert len(sent) == len(set(sent)) == keys * per_key  # no crash, so no repeat either
    # Per key, the handlers ran in publication order, whichever process ran them.
    n_of = {
        str(m.message_id): m.payload["n"] for m in OutboxMessage.objects.filter(event_type=PING)
    }
    for k in range(keys):
        ran = [n_of[mid] for mid in sent if n_of[mid] // 100 == k]
        assert ran == sorted(ran)
