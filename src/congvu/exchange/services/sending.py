"""Sending through the transport: issued documents out, status replies back, packages in.

Driven by the event outbox (docs/events.md): the handlers in
``exchange/handlers.py`` call :func:`send_document` and :func:`send_status`
with the event's ``message_id``; the periodic job ``exchange-poll`` calls
:func:`exchange_poll`. Neither holds a transaction open while it waits on
the network.

Exactly-once at the receiver rests on two ids. A package is built **once**
per transport id (the outbox message id, plus the recipient's code for a
document) and kept as a ``SentPackage``: a retry sends the same bytes under
the same id, which the hub answers as a duplicate. On the receiving side the
stored bytes are the key (``package_receive`` is idempotent by SHA-256), so
a package leased again after a crash between storing and acknowledging
becomes the same row.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from congvu.audit.services import snapshot
from congvu.core.errors import ServiceError
from congvu.core.faults import checkpoint
from congvu.core.transactions import on_rollback
from congvu.events.catalogue import Permanent

from ..channels import EDXML_AXIS
from ..constants import PackageKind
from ..models import OutsideAgency, ReceivedPackage, SentPackage
from ..transport import TransportError, agencies, transport_for, transport_name
from .common import agency_code_of, audit

logger = logging.getLogger(__name__)

ROOT = "exchange/sent"


def _storage_name() -> str:
    now = timezone.localtime()
    return f"{ROOT}/{now:%Y/%m}/{uuid.uuid4().hex}.xml"


def _prepared(*, transport_id: str, build: Callable[[], bytes], **fields) -> SentPackage:
    """The package kept for ``transport_id``, built and stored the first time only.

    Its own short transaction: the handler that calls it holds none
    (``atomic=False``). Two attempts racing build twice; the unique
    ``transport_id`` keeps one and the loser's blob is deleted.
    """
    existing = SentPackage.objects.filter(transport_id=transport_id).first()
    if existing is not None:
        return existing
    raw = build()
    try:
        with transaction.atomic():
            # Written inside the transaction: a rollback deletes it at once; a crash before
            # the commit leaves it to ``exchange_orphan_blobs_sweep`` (maintenance.py).
            name = default_storage.save(_storage_name(), ContentFile(raw))
            on_rollback(lambda: default_storage.delete(name))
            checkpoint("exchange.sent_package.after_blob")
            row = SentPackage.objects.create(
                transport_id=transport_id,
                storage_name=name,
                size=len(raw),
                sha256=hashlib.sha256(raw).hexdigest(),
                **fields,
            )
            audit(None, "sent_package", "prepared", row, after=snapshot(row))
    except IntegrityError:
        return SentPackage.objects.get(transport_id=transport_id)
    return row


def sent_bytes(row: SentPackage) -> bytes:
    if row.purged_at is not None:
        raise ServiceError("The package's bytes were purged after delivery", code="purged")
    with default_storage.open(row.storage_name, "rb") as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise ServiceError("Stored package does not match its SHA-256", code="checksum_mismatch")
    return data


def _transmit(row: SentPackage) -> None:
    """Hand ``row`` to the transport of its sender; raises for the outbox to retry or give up."""
    if row.sent_at is not None:
        return
    transport = transport_for(row.sender_code)
    if transport is None:
        raise Permanent(f"No exchange credential for agency {row.sender_code} (EXCHANGE_AGENCIES)")
    try:
        duplicate = transport.send(
            sent_bytes(row),
            message_id=row.transport_id,
            to=[row.recipient_code],
            kind=row.kind,
        )
    except TransportError as exc:
        SentPackage.objects.filter(pk=row.pk).update(last_error=str(exc)[:300])
        if exc.retryable:
            raise
        raise Permanent(str(exc)) from exc
    with transaction.atomic():
        row.sent_at = timezone.now()
        row.last_error = ""
        row.save(update_fields=["sent_at", "last_error"])
        audit(None, "sent_package", "sent", row, after={**snapshot(row), "duplicate": duplicate})


def edxml_recipients(document) -> list[tuple[str, OutsideAgency | None]]:
    """(agency code, directory entry) of each nơi nhận of ``document`` reached over the axis."""
    from ..selectors import agency_at, channel_for_recipient

    on = timezone.localtime(document.issued_at).date() if document.issued_at else None
    found: dict[str, OutsideAgency | None] = {}
    for recipient in document.recipients.all():
        if recipient.unit_id:
            continue
        channel = channel_for_recipient(recipient, on=on)
        if channel is None or channel[0].code != EDXML_AXIS:
            continue
        code = channel[1].strip().upper()
        found.setdefault(code, agency_at(code, on=on))
    return list(found.items())


def _raise_first(errors: list[Exception]) -> None:
    # A retryable failure first: the outbox comes back and resends only what is unsent.
    for exc in errors:
        if not isinstance(exc, Permanent):
            raise exc
    if errors:
        raise errors[0]


def send_budget_seconds() -> float:
    """Time one attempt may spend sending: the outbox lease must not run out under it.

    ``EXCHANGE_SEND_BUDGET_SECONDS``, by default half the outbox lease (the
    batch's other deliveries need the rest).
    """
    lease = float(getattr(settings, "CONGVU_OUTBOX_LEASE_SECONDS", 300))
    budget = getattr(settings, "CONGVU_EXCHANGE_SEND_BUDGET_SECONDS", None)
    return float(lease / 2 if budget is None else budget)


def _call_timeout() -> float:
    return float(getattr(settings, "CONGVU_EXCHANGE_TIMEOUT_SECONDS", 30))


class SendDeferred(TransportError):
    """Recipients left for the next attempt: this one used its time budget."""

    def __init__(self, left: list[str]):
        super().__init__(
            "send_deferred",
            f"time budget used, {len(left)} recipient(s) left for the next attempt: "
            + ", ".join(left[:10]),
            retryable=True,
        )
        self.left = left


def send_document(
    *, message_id, document, business_builder=None, business: int = 0
) -> list[SentPackage]:
    """Send an issued văn bản đi to each of its recipients on the edXML channel.

    ``business_builder(document, recipient)`` builds another package than the
    document itself (a revoke); by default ``outgoing_to_package``. ``business``
    (edXML ``Bussiness`` type, 1 for a revoke) is kept on each ``SentPackage``.

    Each call to the transport may wait up to ``EXCHANGE_TIMEOUT_SECONDS``; with
    many recipients the attempt stops before a further call could overrun
    :func:`send_budget_seconds` and raises :class:`SendDeferred` (retryable):
    the outbox comes back and sends only what is still unsent.
    """
    from .outbound import outgoing_to_package

    if not transport_name():
        return []
    sender_code = agency_code_of(document.unit)
    build = business_builder or (lambda doc, to: outgoing_to_package(document=doc, recipient=to))
    rows, errors, left = [], [], []
    started, budget, timeout = time.monotonic(), send_budget_seconds(), _call_timeout()
    attempted = False
    for code, agency in edxml_recipients(document):
        if attempted and time.monotonic() - started + timeout > budget:
            if not SentPackage.objects.filter(
                transport_id=f"{message_id}:{code}", sent_at__isnull=False
            ).exists():
                left.append(code)
            continue
        if SentPackage.objects.filter(
            transport_id=f"{message_id}:{code}", sent_at__isnull=False
        ).exists():
            continue  # sent by an earlier attempt: costs no call
        attempted = True
        try:
            row = _prepared(
                transport_id=f"{message_id}:{code}",
                build=lambda code=code, agency=agency: build(document, agency or code),
                kind=SentPackage.Kind.DOCUMENT,
                business=business,
                sender_code=sender_code,
                recipient_code=code,
                outgoing_document=document,
            )
            _transmit(row)
            rows.append(row)
        except ServiceError as exc:
            # The package cannot be built (no agency code, no key while one is required).
            errors.append(Permanent(f"{exc.code}: {exc.message}"))
        except (TransportError, Permanent) as exc:
            errors.append(exc)
    if left:
        logger.info("Exchange send %s: %s", message_id, SendDeferred(left))
        errors.append(SendDeferred(left))
    _raise_first(errors)
    return rows


def send_status(*, message_id, package: ReceivedPackage | None, code: str, description=""):
    """Send status ``code`` about a received document ``package`` back to its sender."""
    from .outbound import status_reply

    if not transport_name() or package is None:
        return None
    if package.kind != PackageKind.DOCUMENT or not package.sender_code or package.unit is None:
        # Nobody to answer (unreadable sender) or nobody answering (unknown recipient unit).
        return None
    row = _prepared(
        transport_id=str(message_id),
        build=lambda: status_reply(package=package, code=code, description=description),
        kind=SentPackage.Kind.STATUS,
        sender_code=agency_code_of(package.unit),
        recipient_code=package.sender_code,
        answers=package,
        status_code=code,
    )
    _transmit(row)
    return row


def exchange_poll(*, limit: int = 20) -> dict:
    """Take in what waits for each of our agencies: lease, fetch, keep (raw first), acknowledge.

    A crash after ``package_receive`` and before the acknowledgement leaves the
    package leased; it is offered again after the lease and stored bytes make
    it the same row, so nothing is lost and nothing doubled.
    """
    from .packages import package_receive

    result = {"received": 0, "acknowledged": 0, "failed": 0}
    if not transport_name():
        return result
    for code in agencies():
        transport = transport_for(code)
        try:
            offered = transport.lease(limit)
        except TransportError as exc:
            logger.warning("Exchange poll for %s: %s", code, exc)
            result["failed"] += 1
            continue
        for item in offered:
            try:
                raw = transport.fetch(item)
                package_receive(raw=raw, source=EDXML_AXIS)
                result["received"] += 1
                checkpoint("exchange.poll.after_receive")
                transport.acknowledge(item)
                result["acknowledged"] += 1
            except (TransportError, ServiceError) as exc:
                # Left unacknowledged: offered again after the lease.
                logger.warning("Exchange poll for %s, package %s: %s", code, item.id, exc)
                result["failed"] += 1
    return result
