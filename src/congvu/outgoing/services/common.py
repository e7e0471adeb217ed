"""Helpers shared by the outgoing services: who may do what, audit, search key."""

from __future__ import annotations

from django.utils.translation import gettext as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.audit.services import log_action, snapshot
from congvu.core.authz import Actor, as_actor
from congvu.core.errors import PermissionDenied, TransitionNotAllowed
from congvu.core.text import fold

from ..models import OutgoingDocument


def user_of(actor):
    return as_actor(actor).user


def in_subtree(unit, root) -> bool:
    return unit is not None and root is not None and (unit.path or "").startswith(root.path or "")


def is_leader(actor: Actor, unit_id: int) -> bool:
    return bool(actor.roles.get(unit_id, set()) & set(LEADER_ROLES))


def is_clerk(actor: Actor, unit_id: int) -> bool:
    return actor.has_role(Role.CLERK, unit_id)


def may_draft_for(actor: Actor, unit, drafting_unit=None) -> bool:
    """Officials of the issuing unit, or of a drafting unit inside it, draft its documents."""
    if actor.is_system_admin:
        return True
    if unit.pk in actor.roles:
        return True
    return drafting_unit is not None and drafting_unit.pk in actor.roles


def require_state(document: OutgoingDocument, *states, message=None) -> None:
    if document.status not in states:
        raise TransitionNotAllowed(
            message
            or _("Không thể thực hiện thao tác này khi văn bản ở trạng thái “%(status)s”.")
            % {"status": document.get_status_display()},
            code="transition_not_allowed",
        )


def deny(message: str) -> None:
    raise PermissionDenied(message, code="permission_denied")


def lock(document: OutgoingDocument) -> OutgoingDocument:
    """Re-read the document under a row lock (the state guard sees the latest state)."""
    return (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("unit", "drafting_unit", "document_type")
        .get(pk=document.pk)
    )


def refresh_search_text(document: OutgoingDocument) -> None:
    parts = [
        document.number_notation,
        document.subject,
        document.document_type.name if document.document_type_id else "",
        document.unit.name if document.unit_id else "",
        str(document.signer) if document.signer_id else "",
    ]
    document.search_text = fold(" ".join(p for p in parts if p))


def audit(actor, verb: str, document: OutgoingDocument, *, before=None, after=None, **extra):
    """Audit ``congvu.outgoing.<entity>.<verb>`` inside the caller's transaction."""
    entity, _sep, name = verb.rpartition(".")
    return log_action(
        actor=actor,
        action=f"congvu.outgoing.{entity or 'document'}.{name}",
        obj=extra.pop("obj", document),
        before=before,
        after=after if after is not None else snapshot(document),
        unit=document.unit_id,
        confidentiality=document.secrecy,
        **extra,
    )
