"""Subscribers of the event outbox: send issued documents, send statuses back (docs/exchange.md).

All are ``atomic=False``: they wait on the network, and what they write
(``SentPackage``) is idempotent by the event's ``message_id``.

Status replies (Decree 30 mapping): package accepted → 01 đã đến, returned →
02 từ chối tiếp nhận, registered → 03, assigned → 04, handling started
(first forward or progress entry) → 05, done → 06; a revoke
or an update applied → 15, one naming nothing we hold → 16. A recalled văn bản đi sends
its revoke package to the same recipients.
"""

from __future__ import annotations

from congvu.events.catalogue import Event, register_object_url, register_type, subscribe
from congvu.events.services import publish

from .edxml.codes import BUSINESS_REVOKE
from .models import ReceivedPackage
from .transport import transport_name

PACKAGE_ACCEPTED = "exchange.package.accepted"
PACKAGE_RETURNED = "exchange.package.returned"
PACKAGE_REVOKED = "exchange.package.revoked"
PACKAGE_UPDATED = "exchange.package.updated"


def register() -> None:
    """Event types of this app and its subscribers (``ExchangeConfig.ready``)."""
    from django.utils.translation import gettext_lazy as _

    register_type(
        PACKAGE_ACCEPTED,
        label=_("Nhận gói tin liên thông"),
        fields=("package_id",),
        description=_("Gói tin văn bản liên thông đến đã nhận, chờ vào sổ."),
    )
    register_type(
        PACKAGE_RETURNED,
        label=_("Trả lại gói tin liên thông"),
        fields=("package_id",),
        description=_("Gói tin văn bản liên thông đến bị trả lại nơi gửi."),
    )
    register_type(
        PACKAGE_REVOKED,
        label=_("Nơi gửi thu hồi văn bản liên thông"),
        fields=("package_id", "status_code"),
        description=_(
            "Nơi gửi thu hồi văn bản liên thông: báo lại nơi gửi đã thu hồi hoặc không tìm thấy văn bản."
        ),
    )
    register_type(
        PACKAGE_UPDATED,
        label=_("Nơi gửi cập nhật văn bản liên thông"),
        fields=("package_id", "status_code"),
        description=_(
            "Nơi gửi cập nhật văn bản liên thông: báo lại nơi gửi đã nhận bản cập nhật "
            "hoặc không tìm thấy văn bản."
        ),
    )
    register_object_url("exchange.receivedpackage", "exchange:detail")
    subscribe(
        "document.issued",
        send_issued,
        name="exchange.send_issued",
        atomic=False,
        label=_("Gửi văn bản ban hành qua liên thông"),
    )
    subscribe(
        "document.recalled",
        send_recalled,
        name="exchange.send_recalled",
        atomic=False,
        label=_("Gửi thông báo thu hồi văn bản qua liên thông"),
    )
    subscribe(
        PACKAGE_REVOKED,
        status_revoked,
        name="exchange.status_15_16",
        atomic=False,
        label=_("Báo nơi gửi kết quả thu hồi văn bản"),
    )
    subscribe(
        PACKAGE_UPDATED,
        status_revoked,
        name="exchange.status_update",
        atomic=False,
        label=_("Báo nơi gửi kết quả cập nhật văn bản"),
    )
    subscribe(
        PACKAGE_ACCEPTED,
        status_received,
        name="exchange.status_01",
        atomic=False,
        label=_("Báo nơi gửi: đã đến"),
    )
    subscribe(
        PACKAGE_RETURNED,
        status_returned,
        name="exchange.status_02",
        atomic=False,
        label=_("Báo nơi gửi: từ chối tiếp nhận"),
    )
    subscribe(
        "incoming.registered",
        status_registered,
        name="exchange.status_03",
        atomic=False,
        applies=_from_exchange,
        label=_("Báo nơi gửi: đã vào sổ"),
    )
    subscribe(
        "incoming.assigned",
        status_assigned,
        name="exchange.status_04",
        atomic=False,
        applies=_from_exchange,
        label=_("Báo nơi gửi: đã phân công"),
    )
    subscribe(
        "incoming.in_progress",
        status_in_progress,
        name="exchange.status_05",
        atomic=False,
        applies=_from_exchange,
        label=_("Báo nơi gửi: đang xử lý"),
    )
    subscribe(
        "incoming.done",
        status_done,
        name="exchange.status_06",
        atomic=False,
        applies=_from_exchange,
        label=_("Báo nơi gửi: hoàn thành"),
    )


def publish_package(event_type: str, package: ReceivedPackage, **extra) -> None:
    """Inside the transaction that changed ``package``'s state."""
    publish(event_type, {"package_id": package.pk, **extra}, key=package)


def send_issued(event: Event) -> None:
    from congvu.outgoing.models import OutgoingDocument

    from .services.sending import send_document

    if not transport_name():
        return
    document = (
        OutgoingDocument.objects.select_related("unit", "issued_file", "document_type")
        .filter(pk=event.payload["document_id"])
        .first()
    )
    if document is not None:
        send_document(message_id=event.message_id, document=document)


def send_recalled(event: Event) -> None:
    """Thu hồi: the revoke package goes to every recipient the document went to over the axis."""
    from congvu.outgoing.models import OutgoingDocument

    from .services.outbound import outgoing_to_package
    from .services.sending import send_document

    document = (
        OutgoingDocument.objects.select_related("unit", "issued_file", "document_type")
        .filter(pk=event.payload["document_id"])
        .first()
    )
    if document is None or not transport_name():
        return

    def revoke(doc, to):
        return outgoing_to_package(document=doc, recipient=to, revoke_reason=doc.recall_reason)

    send_document(
        message_id=event.message_id,
        document=document,
        business_builder=revoke,
        business=BUSINESS_REVOKE,
    )


def _package_of_incoming(document_id) -> ReceivedPackage | None:
    if not transport_name():
        return None
    return (
        ReceivedPackage.objects.select_related("unit")
        .filter(incoming_document_id=document_id)
        .order_by("pk")
        .first()
    )


def _status(event: Event, package: ReceivedPackage | None, code: str) -> None:
    from .services.sending import send_status

    if not transport_name():
        return
    send_status(message_id=event.message_id, package=package, code=code)


def status_received(event: Event) -> None:
    package = ReceivedPackage.objects.filter(pk=event.payload["package_id"]).first()
    _status(event, package, "01")


def status_returned(event: Event) -> None:
    package = ReceivedPackage.objects.filter(pk=event.payload["package_id"]).first()
    _status(event, package, "02")


def _from_exchange(payload: dict, obj=None) -> bool:
    """Whether the văn bản đến ``payload`` names came in by liên thông (source edXML).

    Only such a document has a sender to report 03–06 to. Decided from the document,
    not its package: ``package_register`` links the package after ``incoming_register``
    has published "incoming.registered" in the same transaction. A manual registration
    (most of a văn thư's day) then records no delivery and wakes no dispatcher.
    ``obj``: the document the producer published about (its ``key``), if any.
    """
    from congvu.incoming.constants import Source
    from congvu.incoming.models import IncomingDocument

    if isinstance(obj, IncomingDocument) and obj.pk == payload["document_id"]:
        # The source is written when the document is created and never changed, so the
        # instance in hand tells without a query on every registration.
        return obj.source == Source.EDXML
    return IncomingDocument.objects.filter(pk=payload["document_id"], source=Source.EDXML).exists()


def status_registered(event: Event) -> None:
    _status(event, _package_of_incoming(event.payload["document_id"]), "03")


def status_assigned(event: Event) -> None:
    _status(event, _package_of_incoming(event.payload["document_id"]), "04")


def status_in_progress(event: Event) -> None:
    _status(event, _package_of_incoming(event.payload["document_id"]), "05")


def status_done(event: Event) -> None:
    _status(event, _package_of_incoming(event.payload["document_id"]), "06")


def status_revoked(event: Event) -> None:
    """15 đồng ý thu hồi/cập nhật, 16 từ chối (nothing of that sender's to recall or update)."""
    package = ReceivedPackage.objects.filter(pk=event.payload["package_id"]).first()
    _status(event, package, event.payload["status_code"])
