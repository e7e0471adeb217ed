"""Helpers shared by the incoming services: roles, guards, log entries, audit."""

from __future__ import annotations

from django.utils.translation import gettext as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.accounts.models import Position
from congvu.audit.services import log_action, snapshot
from congvu.core.authz import Actor, as_actor
from congvu.core.errors import PermissionDenied, TransitionNotAllowed
from congvu.core.text import fold
from congvu.org.selectors import descendant_ids

from ..constants import AssignmentRole, AssignmentStatus
from ..models import Assignment, IncomingDocument, ProcessingEntry

AUDIT_FIELDS = [
    "status",
    "register",
    "arrival_number",
    "presented_to",
    "deadline",
    "reply_type",
    "reply_id",
    "completed_at",
]


def actor_of(actor) -> Actor:
    return as_actor(actor)


def user_of(actor):
    a = as_actor(actor)
    return a.user if a.is_authenticated else None


def is_clerk(actor: Actor, unit_id) -> bool:
    return actor.has_role(Role.CLERK, unit_id)


def is_leader(actor: Actor, unit_id) -> bool:
    return bool(actor.roles.get(unit_id, set()) & LEADER_ROLES)


def handles(actor: Actor, assignment: Assignment) -> bool:
    """The actor handles ``assignment``: the person named, or for a unit, its leaders.

    Other members of an assigned unit see the document but act on it once
    their head passes it on to them (``assignment_forward``).
    """
    if assignment.user_id is not None:
        return assignment.user_id == actor.user_id
    return is_leader(actor, assignment.unit_id)


def my_assignments(actor: Actor, document: IncomingDocument, *, roles=None, open_only=True):
    result = []
    for a in document.assignments.all():
        if open_only and a.status != AssignmentStatus.OPEN:
            continue
        if roles is not None and a.role not in roles:
            continue
        if handles(actor, a):
            result.append(a)
    # Personal (passed-on) assignments first: progress is logged on the deepest one.
    return sorted(result, key=lambda a: (a.user_id is None, -a.pk))


def is_main_handler(actor: Actor, document: IncomingDocument) -> bool:
    return bool(my_assignments(actor, document, roles={AssignmentRole.MAIN}))


def holds_position_in(user, unit_ids) -> bool:
    return Position.objects.active().filter(user=user, unit_id__in=unit_ids).exists()


def in_subtree(unit_id) -> set[int]:
    return descendant_ids({unit_id})


def require(condition: bool, message: str, *, code: str = "permission_denied", field=None):
    if not condition:
        raise PermissionDenied(message, code=code, field=field)


def require_status(document: IncomingDocument, allowed, message: str) -> None:
    if document.status not in allowed:
        raise TransitionNotAllowed(
            message % {"status": document.get_status_display()},
            code="transition_not_allowed",
            field="status",
        )


def lock(document: IncomingDocument) -> IncomingDocument:
    return (
        IncomingDocument.objects.select_for_update()
        .select_related("unit", "document_type")
        .get(pk=document.pk)
    )


def entry(document, actor, action, note: str = "", assignment=None) -> ProcessingEntry:
    return ProcessingEntry.objects.create(
        document=document,
        actor=user_of(actor),
        action=action,
        note=note or "",
        assignment=assignment,
    )


def audit_entry(
    actor, verb: str, document, before=None, *, entity: str = "document", obj=None, after=None
) -> dict:
    """The arguments of ``log_action`` for a change of ``document`` (or of ``obj`` on it)."""
    return {
        "actor": actor,
        "action": f"congvu.incoming.{entity}.{verb}",
        "obj": obj if obj is not None else document,
        "before": before,
        "after": after if after is not None else snapshot(document, AUDIT_FIELDS),
        "unit": document.unit_id,
        "confidentiality": document.secrecy,
    }


def audit(
    actor, verb: str, document, before=None, *, entity: str = "document", obj=None, after=None
):
    log_action(**audit_entry(actor, verb, document, before, entity=entity, obj=obj, after=after))


def before_of(document) -> dict:
    return snapshot(document, AUDIT_FIELDS)


def search_text_for(document) -> str:
    return fold(
        " ".join(
            str(x or "")
            for x in (
                document.number_notation,
                document.subject,
                document.issuer_name,
                document.signer_name,
            )
        )
    )


def notation_key(value: str) -> str:
    """Số, ký hiệu compared without case, accents and spaces: "12/QĐ-UBND" = "12/qd - ubnd"."""
    return fold(value).replace(" ", "")


def not_leader_message() -> str:
    return _("Chỉ lãnh đạo đơn vị nhận văn bản mới được thực hiện thao tác này.")
