"""Reads of the one-stop shop: queues, look-ups, history, Mẫu 05 rows, available actions."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils import timezone

from congvu.core.authz import as_actor

from .codes import parse_code
from .constants import OPEN_STATUSES, PAUSED_STATUSES, DossierStatus
from .models import Dossier, DossierEvent, DossierStep
from .services import common as c

LIST_RELATED = ("procedure", "receiving_unit", "competent_unit", "current_step")


def dossier_public_lookup(code, phone) -> Dossier | None:
    """The dossier with exactly this code and phone number (normalised), or None.

    Both must match: a code alone never opens a dossier. Callers rate-limit.
    """
    parsed = parse_code(code or "")
    phone = c.normalize_phone(phone)
    if parsed is None or not phone:
        return None
    return (
        Dossier.objects.select_related("procedure", "receiving_unit")
        .filter(code=str(parsed), applicant_phone=phone)
        .first()
    )


def dossiers_visible(actor):
    return Dossier.objects.restrict(actor, "view").select_related(*LIST_RELATED)


def desk_units(actor) -> set[int]:
    a = as_actor(actor)
    return {u for u, roles in a.roles.items() if roles & c.DESK_ROLES}


def desk_queue(actor):
    """Online submissions (and answered supplements) waiting at the actor's desks."""
    a = as_actor(actor)
    qs = dossiers_visible(a).filter(status=DossierStatus.SUBMITTED)
    if not a.is_system_admin:
        qs = qs.filter(receiving_unit_id__in=desk_units(a))
    return qs.order_by("submitted_at", "pk")


def desk_waiting_citizen(actor):
    """Dossiers at the actor's desks waiting for the citizen (supplement before reception)."""
    a = as_actor(actor)
    return dossiers_visible(a).filter(
        status=DossierStatus.SUPPLEMENT,
        received_at__isnull=True,
        receiving_unit_id__in=desk_units(a),
    )


def desk_to_return(actor):
    a = as_actor(actor)
    return dossiers_visible(a).filter(
        status=DossierStatus.DONE, receiving_unit_id__in=desk_units(a)
    )


def my_steps(actor):
    """Open steps the actor must work: assigned to them, or unassigned in their unit and role."""
    a = as_actor(actor)
    if not a.is_official:
        return DossierStep.objects.none()
    mine = Q(assignee_id=a.user_id)
    for unit_id, roles in a.roles.items():
        mine |= Q(assignee__isnull=True, unit_id=unit_id, role__in=list(roles))
    return (
        DossierStep.objects.filter(mine)
        .filter(
            started_at__isnull=False,
            finished_at__isnull=True,
            dossier__status__in=list(OPEN_STATUSES),
        )
        .filter(dossier__current_step=F("pk"))
        .select_related("dossier", "dossier__procedure", "unit", "assignee")
        .order_by("due_at", "pk")
    )


def overdue(actor, now=None):
    """Open dossiers (not paused) past their (extended) due moment, in the actor's scope."""
    now = now or timezone.now()
    late = Q(extended_due_at__isnull=True, due_at__lt=now) | Q(extended_due_at__lt=now)
    return (
        dossiers_visible(actor)
        .filter(status__in=[DossierStatus.RECEIVED, DossierStatus.PROCESSING])
        .filter(late)
        .order_by("due_at", "pk")
    )


def dossiers_for_citizen(actor):
    a = as_actor(actor)
    if not a.is_citizen:
        return Dossier.objects.none()
    return (
        Dossier.objects.restrict(a, "view")
        .filter(applicant_id=a.user_id)
        .select_related("procedure", "receiving_unit")
        .order_by("-submitted_at", "-pk")
    )


def dossier_timeline(dossier, public_only: bool = True):
    qs = DossierEvent.objects.filter(dossier=dossier).select_related("actor")
    if public_only:
        qs = qs.filter(public=True)
    return qs.order_by("at", "pk")


def is_paused(dossier) -> bool:
    return dossier.status in PAUSED_STATUSES


def control_sheet_rows(dossier) -> list[dict]:
    """Rows of Mẫu 05 (Phiếu kiểm soát quá trình giải quyết hồ sơ), one per handover.

    Each row: the step, who handed over (giao) and who received (nhận) with
    times, units, the step's due moment, its outcome (trước hạn / đúng hạn /
    quá hạn) and its note.
    """
    steps = list(
        dossier.steps.select_related("unit", "assignee", "handed_by", "finished_by").order_by(
            "order"
        )
    )
    rows = []
    for i, step in enumerate(steps):
        previous = steps[i - 1] if i else None
        if step.started_at is None:
            continue
        rows.append(
            {
                "order": step.order,
                "step": step.name,
                "kind": step.kind,
                "handed_at": step.started_at,
                "handed_by": step.handed_by
                or (previous.finished_by if previous else None)
                or (dossier.received_by if i == 0 else None),
                "from_unit": previous.unit if previous else dossier.receiving_unit,
                "received_at": step.started_at,
                "received_by": step.assignee or step.finished_by,
                "unit": step.unit,
                "budget_hours": step.budget_hours,
                "due_at": step.due_at,
                "finished_at": step.finished_at,
                "finished_by": step.finished_by,
                "outcome": step.outcome,
                "outcome_label": step.get_outcome_display() if step.outcome else "",
                "note": step.note,
            }
        )
    return rows


# --- What the actor may do ------------------------------------------------------------------

ACTION_CHECKS = {
    "accept": lambda a, d: c.is_desk(a, d.receiving_unit_id),
    "request_supplement": lambda a, d: c.is_desk(a, d.receiving_unit_id) or c.can_manage(a, d),
    "refuse": lambda a, d: c.can_manage(a, d),
    "step_assign": lambda a, d: (
        c.handles_step(a, d.current_step) or c.is_leader(a, d.competent_unit_id)
    ),
    "step_complete": lambda a, d: c.handles_step(a, d.current_step) and _can_hand_over(d),
    "delay_notice": lambda a, d: c.can_manage(a, d),
    "request_payment": lambda a, d: c.can_manage(a, d),
    "finish": lambda a, d: (
        (c.handles_step(a, d.current_step) or c.is_leader(a, d.competent_unit_id))
        and _can_finish(d)
    ),
    "return_result": lambda a, d: c.is_desk(a, d.receiving_unit_id),
    "stop": lambda a, d: c.can_manage(a, d),
    "resume": lambda a, d: c.can_manage(a, d),
    "supplement_answer": lambda a, d: c.is_desk(a, d.receiving_unit_id),
}


def _next(d):
    from .services.steps import next_step

    return next_step(d.current_step) if d.current_step_id else None


def _can_hand_over(d) -> bool:
    following = _next(d)
    return following is not None and following.kind != "result"


def _can_finish(d) -> bool:
    step = d.current_step
    if step is None:
        return False
    if step.kind == "result":
        return True
    following = _next(d)
    return following is None or following.kind == "result"


def available_actions(actor, dossier) -> list[str]:
    """The officials' actions the actor may take now on ``dossier`` (for buttons and the API)."""
    a = as_actor(actor)
    if not a.is_official:
        return []
    return [
        name
        for name, check in ACTION_CHECKS.items()
        if dossier.status in c.TRANSITIONS[name] and check(a, dossier)
    ]
