"""Business packages applied on receipt: thu hồi (revoke) and thay thế (replace).

A revoke (``Bussiness`` 1) names an earlier package of the same sender by
DocumentId. On receipt: the văn bản đến it became is marked recalled
(``incoming_mark_recalled``: open assignments close, the document stays
readable with the sender's reason) when the revoke is signed by the same
certificate subject as the original (an unsigned original: any revoke of
that sender), or, not registered yet, the waiting
package is set aside as returned; status 15 (đồng ý thu hồi) goes back. A
revoke naming nothing we hold from that sender gets 16 (từ chối). The revoke
package itself is never registered.

An update (``Bussiness`` 2) carries the document as it now is (QCVN 102:
``BussinessDocumentInfo`` says whether its information or its recipients
changed). Same sender and signer rule as a revoke. A package still waiting
for the văn thư is updated: its summary becomes the update's and the văn thư
registers from the update's bytes (``registration_source``); an update
removing us from the recipients (``ReceiverType`` 0) sets it aside as
returned. A document already registered is never changed behind the văn
thư's back: the update is linked to it (``updates``) and flagged
(``review_required``), shown on the văn bản đến page and counted in "Việc
của tôi". Either way 15 goes back; an update naming nothing we hold (or a
package returned, refused or recalled) gets 16.

A replace (``Bussiness`` 3) is a new document: it waits for the văn thư like
any other, linked (``replaces``) to the package it replaces so its page says
so. When the replaced package was registered, its văn bản đến shows that it
was replaced, with links to the new package and, once registered, the new
văn bản đến (``exchange_tags.exchange_notices``); audited on both.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import snapshot

from ..constants import PackageKind, PackageState, SignatureState
from ..edxml import EdXMLMessage
from ..edxml.codes import BUSINESS_DOC_TYPES, BUSINESS_REPLACE, BUSINESS_REVOKE, BUSINESS_UPDATE
from ..models import ReceivedPackage
from .common import audit

APPLIED, REFUSED = "15", "16"


def _earlier(package: ReceivedPackage, ids: list[str]):
    ids = [i[:120] for i in ids if i]
    if not ids:
        return ReceivedPackage.objects.none()
    return (
        ReceivedPackage.objects.filter(
            sender_code=package.sender_code,
            message_id__in=ids,
            kind=PackageKind.DOCUMENT,
            duplicate_of__isnull=True,
        )
        .exclude(pk=package.pk)
        .order_by("pk")
    )


def _same_signer(revoke: ReceivedPackage, target: ReceivedPackage) -> bool:
    """A signed document is only recalled by a package signed by the same certificate subject.

    Anyone connected to a hub may write any ``From``; the signature is what
    ties the revoke to whoever sent the original.
    """
    if target.signature_state in (SignatureState.UNSIGNED, ""):
        return True
    return (
        revoke.signature_state not in (SignatureState.UNSIGNED, SignatureState.INVALID, "")
        and revoke.signer_subject == target.signer_subject
    )


def revoke_apply(*, package: ReceivedPackage, message: EdXMLMessage, actor) -> str | None:
    """Apply a revoke package inside its reading transaction; the status to send, or None."""
    from congvu.incoming.services import incoming_mark_recalled

    business = message.business
    if business is None or business.doc_type != BUSINESS_REVOKE:
        return None
    reason = business.reason or _("Nơi gửi thu hồi văn bản.")
    applied = []
    for target in _earlier(package, [business.document_id or message.document_id]):
        target = ReceivedPackage.objects.select_for_update().get(pk=target.pk)
        if not _same_signer(package, target):
            continue
        if target.state == PackageState.REGISTERED and target.incoming_document_id:
            incoming_mark_recalled(
                actor=actor, incoming_id=target.incoming_document_id, reason=reason
            )
            applied.append(target.pk)
        elif target.state == PackageState.ACCEPTED:
            before = snapshot(target)
            target.state = PackageState.RETURNED
            target.refusal_reason = _("Nơi gửi đã thu hồi văn bản: %(reason)s") % {"reason": reason}
            target.handled_at = timezone.now()
            target.save()
            audit(actor, "package", "withdrawn", target, before=before, after=snapshot(target))
            applied.append(target.pk)
    if package.state == PackageState.ACCEPTED:
        # A revoke is information, never a document to register.
        package.state = PackageState.RECORDED
        package.save(update_fields=["state"])
    audit(
        actor,
        "package",
        "revoke_applied" if applied else "revoke_unmatched",
        package,
        after={"targets": applied},
        unit=package.unit,
    )
    return APPLIED if applied else REFUSED


def replaced_package(package: ReceivedPackage, message: EdXMLMessage) -> ReceivedPackage | None:
    """The earlier package of the same sender a replace package names, if we hold it."""
    business = message.business
    if business is None or business.doc_type != BUSINESS_REPLACE:
        return None
    ids = [r.document_id for r in business.replacements]
    # Only the original's signer replaces it (as for a revoke): a forged one links nothing.
    return next((t for t in _earlier(package, ids) if _same_signer(package, t)), None)


def replacement_mark(*, package: ReceivedPackage, actor) -> bool:
    """A replace package arrived for a package already registered: mark its văn bản đến replaced.

    The mark is the link (``package.replaces``) shown on the văn bản đến page,
    audited on the old package and on the document. Only the original's signer
    replaces it, as for a revoke.
    """
    from congvu.audit.services import log_action

    target = package.replaces
    if target is None or target.state != PackageState.REGISTERED:
        return False
    if not target.incoming_document_id or not _same_signer(package, target):
        return False
    audit(actor, "package", "replaced", target, after={"replaced_by": package.pk})
    log_action(
        actor=actor,
        action="congvu.exchange.incoming.replaced",
        obj=target.incoming_document,
        after={"replaced_by_package": package.pk, "code": package.summary.get("code", "")},
        unit=target.unit,
    )
    return True


def _removes(business, codes: list[str]) -> bool:
    info = business.document_info
    receivers = info.receivers if info is not None else []
    return any(r.receiver_type == 0 and r.organ_id in codes for r in receivers)


def update_apply(*, package: ReceivedPackage, message: EdXMLMessage, actor) -> str | None:
    """Apply an update package inside its reading transaction; the status to send, or None."""
    from congvu.incoming.constants import Status as IncomingStatus

    business = message.business
    if business is None or business.doc_type != BUSINESS_UPDATE:
        return None
    applied = None
    for target in _earlier(package, [business.document_id or message.document_id]):
        target = ReceivedPackage.objects.select_for_update().get(pk=target.pk)
        if not _same_signer(package, target):
            continue
        if target.state == PackageState.ACCEPTED:
            before = snapshot(target)
            if _removes(business, target.recipient_codes):
                target.state = PackageState.RETURNED
                target.refusal_reason = _("Nơi gửi cập nhật: cơ quan không còn là nơi nhận.")
                target.handled_at = timezone.now()
            else:
                target.summary = {
                    **package.summary,
                    "business": target.summary.get("business", 0),
                    "business_label": target.summary.get(
                        "business_label", str(BUSINESS_DOC_TYPES[0])
                    ),
                    "updated_by": package.pk,
                }
            target.save()
            audit(actor, "package", "updated", target, before=before, after=snapshot(target))
            applied = target
        elif target.state == PackageState.REGISTERED and target.incoming_document_id:
            if target.incoming_document.status == IncomingStatus.RECALLED:
                continue  # nothing left to update: 16
            package.review_required = True
            audit(
                actor,
                "package",
                "update_flagged",
                target,
                after={"update": package.pk, "incoming_document": target.incoming_document_id},
            )
            applied = target
        if applied is not None:
            break
    package.updates = applied
    if package.state == PackageState.ACCEPTED:
        # An update is never registered on its own: it changes what we hold.
        package.state = PackageState.RECORDED
    package.save(update_fields=["updates", "review_required", "state"])
    audit(
        actor,
        "package",
        "update_applied" if applied else "update_unmatched",
        package,
        after={
            "target": applied.pk if applied else None,
            "review_required": package.review_required,
        },
        unit=package.unit,
    )
    return APPLIED if applied else REFUSED


def registration_source(package: ReceivedPackage) -> ReceivedPackage:
    """The package whose bytes a waiting package registers from: its latest applied update."""
    pk = package.summary.get("updated_by")
    if not pk:
        return package
    return ReceivedPackage.objects.filter(pk=pk).first() or package


def update_review_done(*, actor, package: ReceivedPackage) -> ReceivedPackage:
    """The văn thư looked at an update of a registered document: the flag goes."""
    from django.db import transaction

    with transaction.atomic():
        package = (
            ReceivedPackage.objects.restrict(actor, "change").select_for_update().get(pk=package.pk)
        )
        if not package.review_required:
            return package
        before = snapshot(package)
        package.review_required = False
        package.save(update_fields=["review_required"])
        audit(actor, "package", "update_reviewed", package, before=before, after=snapshot(package))
    return package
