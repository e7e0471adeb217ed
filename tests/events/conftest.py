"""A recording subscriber for the outbox tests, unsubscribed after each test."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from congvu.events import catalogue

from . import handlers


@dataclass
class Recorder:
    """Subscribes under test names; records each event and fails on demand."""

    calls: list = field(default_factory=list)
    fail: set = field(default_factory=set)  # payload "n" values that raise
    names: list = field(default_factory=list)

    def handler(self, event):
        self.calls.append(event)
        # A write in the handler's transaction: rolled back with a failure.
        handlers.effect(event)
        if event.payload.get("n") in self.fail or "*" in self.fail:
            raise RuntimeError(f"Nơi nhận từ chối sự kiện {event.payload.get('n')}")

    def on(self, event_type: str, name: str = "tests.recorder") -> Recorder:
        catalogue.subscribe(event_type, self.handler, name=name)
        self.names.append(name)
        return self

    def seen(self) -> list:
        return [e.payload.get("n") for e in self.calls]


@pytest.fixture
def recorder():
    rec = Recorder()
    yield rec
    for name in rec.names:
        catalogue.unsubscribe(name)


@pytest.fixture
def effect_subscriber():
    handlers.subscribe_effect()
    yield handlers.EFFECT_SUBSCRIBER
    catalogue.unsubscribe(handlers.EFFECT_SUBSCRIBER)


@pytest.fixture
def outbox_settings(settings):
    settings.CONGVU_OUTBOX_MAX_ATTEMPTS = 3
    settings.CONGVU_OUTBOX_BACKOFF_SECONDS = 10
    settings.CONGVU_OUTBOX_BACKOFF_MAX_SECONDS = 60
    settings.CONGVU_OUTBOX_LEASE_SECONDS = 120
    return settings
