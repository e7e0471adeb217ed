"""Event types and handlers of the outbox tests, importable by the dispatcher subprocesses too.

``effect`` is a subscriber with both kinds of effect: a write in congvu's
database (it publishes a ``test.effect`` message, which no one consumes) and
an external one (a line with the message id appended to the file named by
``CONGVU_TEST_OUTBOX_EXTERNAL``, as a package sent to another agency would be).
"""

from __future__ import annotations

import os

from congvu.events.catalogue import Event, register_type, subscribe
from congvu.events.services import publish

PING = "test.ping"
EFFECT = "test.effect"
EFFECT_SUBSCRIBER = "tests.effect"

register_type(PING, fields=("n",), description="Sự kiện thử.")
register_type(EFFECT, fields=("message_id", "n"), description="Tác động của sự kiện thử.")


def effect(event: Event) -> None:
    path = os.environ.get("CONGVU_TEST_OUTBOX_EXTERNAL", "")
    if path:
        with open(path, "a") as fh:
            fh.write(f"{event.message_id}\n")
    message_id = str(event.message_id)
    publish(EFFECT, {"message_id": message_id, "n": event.payload["n"]}, key=f"effect:{message_id}")


def subscribe_effect() -> None:
    subscribe(PING, effect, name=EFFECT_SUBSCRIBER)
