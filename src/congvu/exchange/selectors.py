"""Reads of the exchange: the directory as of a date, the channel for a recipient, packages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone, translation

from congvu.core.text import fold

from .channels import INTERNAL, POSTAL, Channel, get_channel
from .constants import PackageKind, PackageState
from .edxml.codes import BUSINESS_REVOKE, STATUS_RECALL_REQUESTED, status_meaning
from .models import OutsideAgency, ReceivedPackage


def _on(day: datetime.date | None) -> datetime.date:
    return day or timezone.localdate()


def _valid_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def agency_at(code: str, on: datetime.date | None = None) -> OutsideAgency | None:
    """The version of agency ``code`` in force on ``on`` (today by default)."""
    return (
        OutsideAgency.objects.filter(code=(code or "").strip().upper())
        .filter(_valid_on(_on(on)))
        .first()
    )


def agencies_on(on: datetime.date | None = None):
    return OutsideAgency.objects.filter(_valid_on(_on(on))).order_by("code")


def agency_history(code: str):
    return OutsideAgency.objects.filter(code=(code or "").strip().upper()).order_by("valid_from")


def channel_for_agency(agency: OutsideAgency) -> tuple[Channel, str] | None:
    """The first channel of the agency's list that is registered and has a usable address."""
    for item in agency.channels or []:
        channel = get_channel(item.get("channel", ""))
        if channel is None:
            continue
        address = item.get("address", "")
        if not channel.address_error(address):
            return channel, address
    if agency.address:
        return get_channel(POSTAL), agency.address
    return None


def channel_for_recipient(recipient, on: datetime.date | None = None) -> tuple[Channel, str] | None:
    """How a nơi nhận of a văn bản đi is reached: internal unit, or the directory's choice.

    An external recipient is looked up in the directory by name as of ``on``;
    one not found there goes by post when it has an address, else None.
    """
    if getattr(recipient, "unit_id", None):
        return get_channel(INTERNAL), ""
    name = fold(getattr(recipient, "external_name", "") or "")
    if name:
        for agency in agencies_on(on).filter(name__iexact=recipient.external_name):
            if fold(agency.name) == name:
                found = channel_for_agency(agency)
                if found is not None:
                    return found
    address = getattr(recipient, "external_address", "") or ""
    return (get_channel(POSTAL), address) if address else None


def packages_waiting(actor):
    """Document packages the actor's units still have to register or return, or look at.

    The last: updates of a document already registered (``review_required``).
    """
    return ReceivedPackage.objects.restrict(actor, "view").filter(
        Q(state=PackageState.ACCEPTED) | Q(review_required=True), kind=PackageKind.DOCUMENT
    )


def packages_refused(actor):
    return ReceivedPackage.objects.restrict(actor, "view").filter(state=PackageState.REFUSED)


#: Tabs of the officials' package list: the states each shows.
PACKAGE_TABS = {
    "cho-xu-ly": (PackageState.ACCEPTED,),
    "tu-choi": (PackageState.REFUSED, PackageState.DUPLICATE, PackageState.RECEIVED),
    "da-xu-ly": (PackageState.REGISTERED, PackageState.RETURNED),
    # Status messages naming none of our documents: kept, for the văn thư to look at.
    "khong-khop": (PackageState.RECORDED,),
}


def package_list(actor, tab: str):
    """Packages of the actor's units in one tab.

    Status messages that matched one of our documents show on that document's
    page; only those matching none are listed here (tab ``khong-khop``).
    """
    states = PACKAGE_TABS.get(tab, PACKAGE_TABS["cho-xu-ly"])
    shown = Q(state__in=states)
    if tab == "cho-xu-ly":
        shown |= Q(review_required=True)  # an update of a registered document to look at
    packages = ReceivedPackage.objects.restrict(actor, "view").filter(shown)
    if tab == "khong-khop":
        packages = packages.filter(
            kind=PackageKind.STATUS, delivery_status__outgoing_document__isnull=True
        )
    else:
        # A refused package was never read: its kind is unknown, so it stays in its tab.
        packages = packages.exclude(kind=PackageKind.STATUS)
    return packages.select_related("unit", "incoming_document")


def package_for_detail(actor, pk) -> ReceivedPackage:
    """One package the actor may see; DoesNotExist (a 404) otherwise."""
    return (
        ReceivedPackage.objects.restrict(actor, "view")
        .select_related(
            "unit",
            "incoming_document",
            "duplicate_of",
            "handled_by",
            "delivery_status__outgoing_document",
        )
        .get(pk=pk)
    )


def package_message(package: ReceivedPackage):
    """The parsed document message of a readable document package, or None."""
    from .edxml import EdXMLError, EdXMLMessage, parse
    from .services.packages import package_bytes

    if package.kind != PackageKind.DOCUMENT:
        return None
    try:
        message = parse(package_bytes(package))
    except EdXMLError:
        return None
    return message if isinstance(message, EdXMLMessage) else None


def package_attachments(package: ReceivedPackage, message=None) -> list:
    """The attachments of a readable document package (``edxml.Attachment``), in order."""
    message = message if message is not None else package_message(package)
    return list(message.attachments) if message is not None else []


def business_targets(actor, package: ReceivedPackage, message=None) -> list[ReceivedPackage]:
    """The registered packages a revoke, update or replace package is about (visible ones).

    Revoke (1) and update (2) name the original by ``Bussiness/DocumentId``
    (else the package's own DocumentId); replace (3) lists the replaced ones
    in ``ReplacementInfo``. Only the same sender's packages count.
    """
    from .edxml.codes import BUSINESS_REPLACE

    message = message if message is not None else package_message(package)
    business = message.business if message is not None else None
    if business is None or not business.doc_type:
        return []
    if business.doc_type == BUSINESS_REPLACE:
        ids = [r.document_id for r in business.replacements if r.document_id]
    else:
        ids = [business.document_id or message.document_id]
    ids = [i[:120] for i in ids if i]
    if not ids:
        return []
    return list(
        ReceivedPackage.objects.restrict(actor, "view")
        .filter(
            sender_code=package.sender_code,
            message_id__in=ids,
            state=PackageState.REGISTERED,
            incoming_document__isnull=False,
        )
        .exclude(pk=package.pk)
        .select_related("incoming_document")
    )


def delivery_statuses(actor, document) -> list[dict]:
    """What each recipient reported about our ``document``, newest state first.

    ``[{"code", "name", "latest", "history"}]``: one entry per recipient
    agency, ``latest`` its newest ``DeliveryStatus``, ``history`` all of them
    newest first; recipients whose latest report is newest come first.
    """
    from .models import DeliveryStatus

    rows = DeliveryStatus.objects.restrict(actor, "view").filter(outgoing_document=document)
    reports = list(rows)
    names = {row.recipient_code: row.recipient_name for row in reports}
    history = reports + _recall_requests(document, names)
    history.sort(key=_in_order, reverse=True)
    by_recipient: dict[str, dict] = {}
    for row in history:
        entry = by_recipient.setdefault(
            row.recipient_code,
            {"code": row.recipient_code, "name": row.recipient_name, "latest": row, "history": []},
        )
        entry["history"].append(row)
    return list(by_recipient.values())


def _in_order(row) -> tuple:
    """By the reported time; within one second (edXML times have whole seconds), by meaning:
    a handling status, then our recall request (13), then its answer (15/16)."""
    rank = {"13": 1, "15": 2, "16": 2}.get(row.status_code, 0)
    return (row.status_at.replace(microsecond=0), rank, row.status_at, row.pk)


@dataclass(frozen=True)
class RecallRequest:
    """13 yêu cầu lấy lại/thu hồi: our own step, when the revoke package went to a recipient.

    Read like a ``DeliveryStatus`` row, so the recipient's 15/16 answer follows it
    in the same history.
    """

    pk: int
    recipient_code: str
    recipient_name: str
    status_at: datetime.datetime
    description: str
    status_code: str = STATUS_RECALL_REQUESTED

    @property
    def meaning(self) -> str:
        with translation.override("vi"):
            return str(status_meaning(self.status_code))


def _recall_requests(document, names: dict[str, str]) -> list[RecallRequest]:
    """Our revoke packages sent for ``document``; ``names`` from the visible reports."""
    from .models import SentPackage

    # The caller shows this only on a văn bản đi page the actor may see.
    sent = SentPackage.objects.filter(
        outgoing_document=document,
        kind=SentPackage.Kind.DOCUMENT,
        business=BUSINESS_REVOKE,
        sent_at__isnull=False,
    ).order_by("pk")
    return [
        RecallRequest(
            pk=-row.pk,
            recipient_code=row.recipient_code,
            recipient_name=names.get(row.recipient_code, ""),
            status_at=row.sent_at,
            description=document.recall_reason or "",
        )
        for row in sent
    ]


def incoming_notices(actor, document) -> dict:
    """What the sender did later to a văn bản đến registered from a package: replaced, updated.

    ``{"replaced_by": [...], "updates": [...]}``, each ``{"package", "visible",
    "new_document"}`` (``visible``: the actor may open the package page;
    ``new_document``: the replacement once registered). Shown to whoever sees
    the document (the fact belongs to it); the package links to those who may open it.
    """
    visible = set(
        ReceivedPackage.objects.restrict(actor, "view")
        .filter(Q(replaces__incoming_document=document) | Q(updates__incoming_document=document))
        .values_list("pk", flat=True)
    )

    def rows(packages):
        return [
            {
                "package": p,
                "visible": p.pk in visible,
                "new_document": p.incoming_document if p.state == PackageState.REGISTERED else None,
            }
            for p in packages.select_related("incoming_document").order_by("received_at", "pk")
        ]

    return {
        "replaced_by": rows(
            ReceivedPackage.objects.filter(
                replaces__incoming_document=document, replaces__state=PackageState.REGISTERED
            )
        ),
        "updates": rows(ReceivedPackage.objects.filter(updates__incoming_document=document)),
    }
