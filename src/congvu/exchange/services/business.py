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

A replace (``Bussiness`` 3) is a new document: it waits for the văn thư like
any other, linked (``replaces``) to the package it replaces so its page says
so.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import snapshot

from ..constants import PackageKind, PackageState, SignatureState
from ..edxml import EdXMLMessage
from ..edxml.codes import BUSINESS_REPLACE, BUSINESS_REVOKE
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
    return _earlier(package, ids).first()
