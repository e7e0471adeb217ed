"""The event types producers may publish and the subscribers that consume them.

Nothing here touches the database: the catalogue is built at start-up. Event
types are declared once (here for the built-in ones, with ``register_type``
for a later app); subscribers are added by consumer apps in their
``AppConfig.ready`` with :func:`subscribe`, so a producer never knows who
listens (docs/events.md).

Payloads carry ids only, never the content of a document: a subscriber loads
what it needs through the owning app, so a Mật document's subject never sits
in the queue, on the queue page or in a dead letter.
"""

from __future__ import annotations

import datetime
import inspect
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventType:
    """One kind of event: its name, the payload keys it carries and what it means.

    ``label`` is what an administrator reads on the queue page ("Ban hành văn bản
    đi"), the code small beside it; without one the description stands in.
    """

    name: str
    fields: tuple[str, ...]
    description: str | Promise
    optional: tuple[str, ...] = ()
    label: str | Promise = ""

    def display(self) -> str:
        return str(self.label) if self.label else str(self.description).rstrip(".")


@dataclass(frozen=True)
class Event:
    """What a handler receives: one committed message, on one delivery attempt.

    ``message_id`` is the same on every attempt and for every subscriber: an
    external effect (a package sent to another agency) carries it so the other
    side can drop a duplicate.
    """

    message_id: uuid.UUID
    type: str
    key: str
    payload: dict
    created_at: datetime.datetime
    attempt: int


Handler = Callable[[Event], None]


class Permanent(Exception):  # noqa: N818 (a signal, not an error of the events app)
    """Raised by a handler whose failure a retry cannot fix (the receiver refused the package
    for good): the delivery becomes a dead letter at once, without the backoff's attempts.
    Retrying it from the queue page is still possible once the cause is fixed.
    """


@dataclass(frozen=True)
class Subscriber:
    """A consumer of one event type; ``label`` is what an administrator reads (Vietnamese)."""

    name: str
    event_type: str
    handler: Handler
    atomic: bool = True
    label: str | Promise = ""
    #: ``applies(payload)``: whether an event concerns this subscriber at all (``subscribe``).
    applies: Callable[..., bool] | None = None
    #: ``applies`` takes the keyword ``obj`` (``subscribe``).
    applies_takes_obj: bool = False

    def concerns(self, payload: dict, obj=None) -> bool:
        """Whether the event with ``payload`` (about the instance ``obj``, if the producer
        passed one as its key) concerns this subscriber: ``applies``, or always."""
        if self.applies is None:
            return True
        if self.applies_takes_obj:
            return bool(self.applies(payload, obj=obj))
        return bool(self.applies(payload))


_TYPES: dict[str, EventType] = {}
_SUBSCRIBERS: dict[str, Subscriber] = {}
#: Model label ("outgoing.outgoingdocument") → URL name of its detail page, taking the pk.
_OBJECT_URLS: dict[str, str] = {}


def register_type(
    name: str,
    *,
    fields: tuple[str, ...],
    description: str | Promise,
    optional: tuple[str, ...] = (),
    label: str | Promise = "",
) -> EventType:
    """Declare an event type; declaring the same name again replaces it (reloads)."""
    event_type = EventType(
        name=name,
        fields=tuple(fields),
        description=description,
        optional=tuple(optional),
        label=label,
    )
    _TYPES[name] = event_type
    return event_type


def event_type(name: str) -> EventType:
    try:
        return _TYPES[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"Unknown event type {name!r} (congvu.events.catalogue)"
        ) from None


def event_type_label(name: str) -> str:
    """What people read for the event type ``name``; the name itself when it is unknown."""
    known = _TYPES.get(name)
    return known.display() if known is not None else name


def event_types() -> list[EventType]:
    return sorted(_TYPES.values(), key=lambda t: t.name)


def subscribe(
    event_type_name: str,
    handler: Handler,
    *,
    name: str,
    atomic: bool = True,
    label: str | Promise = "",
    applies: Callable[..., bool] | None = None,
) -> Subscriber:
    """Deliver every later ``event_type_name`` event to ``handler``.

    ``name`` is stable and unique ("exchange.send_issued"): it is stored in
    each delivery row, so renaming it orphans the pending deliveries of the old
    name (they fail as "subscriber not registered" until retried under a
    registered one). Subscribing the same name again replaces the handler.
    The handler signals failure by raising; the delivery is then retried.

    ``atomic=True``: the handler runs inside a transaction with the marking
    of its delivery as done, so its writes in congvu's database commit
    exactly once. ``atomic=False`` is for a handler that mostly waits on the
    network (sending to another agency): no transaction is held open while
    it runs (on SQLite that would be the one write lock of the whole
    database), and its own writes commit as it makes them, so they too must
    be idempotent by ``Event.message_id``.

    ``label`` says in Vietnamese what the subscriber does ("Gửi văn bản ban
    hành qua liên thông"); the queue page shows it, the name small beside it.

    ``applies(payload)``, when given, runs in ``publish()`` inside the producer's
    transaction: False means the handler would do nothing with this event, so no
    delivery is recorded (and no dispatcher woken) for it. It must be cheap (it
    runs on every publish) and decide only from what that transaction has
    already written. A predicate with a keyword parameter ``obj`` also gets the
    model instance the producer passed as ``key`` (None for a string key): it
    may decide from a field of it that never changes once written, without a
    query (``exchange``: the source of a văn bản đến).
    """
    event_type(event_type_name)  # fail at start-up, not at the first event
    subscriber = Subscriber(
        name=name,
        event_type=event_type_name,
        handler=handler,
        atomic=atomic,
        label=label,
        applies=applies,
        applies_takes_obj=_takes_obj(applies),
    )
    _SUBSCRIBERS[name] = subscriber
    return subscriber


def _takes_obj(applies) -> bool:
    if applies is None:
        return False
    try:
        parameters = inspect.signature(applies).parameters
    except (TypeError, ValueError):  # a callable without a signature: payload only
        return False
    return "obj" in parameters


def unsubscribe(name: str) -> None:
    _SUBSCRIBERS.pop(name, None)


def subscribers_of(event_type_name: str) -> list[Subscriber]:
    return [s for s in _SUBSCRIBERS.values() if s.event_type == event_type_name]


def subscriber(name: str) -> Subscriber | None:
    return _SUBSCRIBERS.get(name)


def subscriber_label(name: str) -> str:
    """What the subscriber ``name`` does, for people; its name when it has no label (or is gone)."""
    known = _SUBSCRIBERS.get(name)
    return str(known.label) if known is not None and known.label else name


def register_object_url(model_label: str, url_name: str) -> None:
    """Link the queue page's "Đối tượng" of ``model_label`` to ``url_name`` (given the pk).

    The owning app (or the web layer that composes them) registers its detail
    page; the page it opens does its own authorization.
    """
    _OBJECT_URLS[model_label.lower()] = url_name


def object_url_name(model_label: str) -> str | None:
    return _OBJECT_URLS.get(model_label.lower())


def check_payload(event_type_name: str, payload: dict) -> dict:
    """The payload as stored: declared keys only, JSON scalars or lists of them."""
    kind = event_type(event_type_name)
    missing = [f for f in kind.fields if f not in payload]
    unknown = [f for f in payload if f not in kind.fields and f not in kind.optional]
    if missing or unknown:
        raise ValueError(
            f"Payload of {event_type_name}: missing {missing or 'nothing'}, "
            f"undeclared {unknown or 'nothing'}"
        )
    for key, value in payload.items():
        values = value if isinstance(value, list | tuple) else [value]
        if not all(v is None or isinstance(v, int | str | bool) for v in values):
            raise ValueError(f"Payload of {event_type_name}: {key} must be ids (int or str)")
    return {k: list(v) if isinstance(v, tuple) else v for k, v in payload.items()}


# The built-in events. Keys: "<app_label>.<model>:<pk>" of the aggregate (``aggregate_key``).
register_type(
    "document.issued",
    label=_("Ban hành văn bản đi"),
    fields=("document_id",),
    description=_("Văn bản đi được ban hành (số, ký số, phát hành xong)."),
)
register_type(
    "document.recalled",
    label=_("Thu hồi văn bản đi"),
    fields=("document_id",),
    description=_("Văn bản đi đã ban hành bị thu hồi."),
)
register_type(
    "incoming.registered",
    label=_("Vào sổ văn bản đến"),
    fields=("document_id",),
    description=_("Văn bản đến được vào sổ (có số đến)."),
)
register_type(
    "incoming.assigned",
    label=_("Giao xử lý văn bản đến"),
    fields=("document_id", "assignment_ids"),
    description=_("Văn bản đến được giao xử lý (chỉ đạo hoặc chuyển tiếp)."),
)
register_type(
    "incoming.done",
    label=_("Hoàn thành xử lý văn bản đến"),
    fields=("document_id",),
    optional=("reply_id",),
    description=_("Văn bản đến được hoàn thành (có thể bằng văn bản trả lời)."),
)
