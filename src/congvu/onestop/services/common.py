"""Helpers shared by the dossier services: who may act, numbering, events, forms, the clock."""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.audit.services import log_action, snapshot
from congvu.core.authz import Actor, as_actor
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.onestop import deadlines

from ..codes import format_code
from ..constants import DossierStatus, PauseReason
from ..models import (
    ClockPause,
    Dossier,
    DossierCounter,
    DossierEvent,
    DossierForm,
    DossierStep,
    DueChange,
)

AUDIT_FIELDS = [
    "status",
    "due_at",
    "extended_due_at",
    "received_at",
    "finished_at",
    "returned_at",
    "closed_at",
    "outcome",
    "book_number",
    "current_step",
    "result_document",
]

# The transition table: action -> statuses it may start from (regulations §2.3).
_OPEN_WORK = {DossierStatus.RECEIVED, DossierStatus.PROCESSING}
TRANSITIONS: dict[str, frozenset] = {
    "accept": frozenset({DossierStatus.SUBMITTED}),
    "request_supplement": frozenset({DossierStatus.SUBMITTED, *_OPEN_WORK}),
    "supplement_answer": frozenset({DossierStatus.SUPPLEMENT}),
    "refuse": frozenset({DossierStatus.SUBMITTED, DossierStatus.SUPPLEMENT, *_OPEN_WORK}),
    "step_assign": frozenset(
        {*_OPEN_WORK, DossierStatus.SUPPLEMENT, DossierStatus.AWAITING_PAYMENT}
    ),
    "step_complete": frozenset(_OPEN_WORK),
    "delay_notice": frozenset(
        {
            *_OPEN_WORK,
            DossierStatus.SUPPLEMENT,
            DossierStatus.AWAITING_PAYMENT,
            DossierStatus.STOPPED,
        }
    ),
    "request_payment": frozenset(_OPEN_WORK),
    "payment_settled": frozenset({DossierStatus.AWAITING_PAYMENT}),
    "finish": frozenset(_OPEN_WORK),
    "return_result": frozenset({DossierStatus.DONE}),
    "withdraw": frozenset(
        {
            DossierStatus.SUBMITTED,
            DossierStatus.SUPPLEMENT,
            *_OPEN_WORK,
            DossierStatus.AWAITING_PAYMENT,
            DossierStatus.STOPPED,
        }
    ),
    "stop": frozenset({*_OPEN_WORK, DossierStatus.SUPPLEMENT, DossierStatus.AWAITING_PAYMENT}),
    "resume": frozenset({DossierStatus.STOPPED}),
    "rate": frozenset({DossierStatus.DONE, DossierStatus.RETURNED}),
}

DESK_ROLES = frozenset({Role.ONESTOP_OFFICER, *LEADER_ROLES})
DESK_STEP_KINDS = frozenset({"reception", "result"})


# --- Actors and permissions ----------------------------------------------------------------


def actor_of(actor) -> Actor:
    return as_actor(actor)


def user_of(actor):
    a = as_actor(actor)
    return a.user if a.is_authenticated else None


def _roles(actor: Actor, unit_id) -> set:
    return actor.roles.get(unit_id, set())


def is_desk(actor, unit_id) -> bool:
    """One-stop officer or leader of the receiving unit (or a system administrator)."""
    a = as_actor(actor)
    return a.is_official and (a.is_system_admin or bool(_roles(a, unit_id) & DESK_ROLES))


def is_leader(actor, unit_id) -> bool:
    a = as_actor(actor)
    return a.is_official and (a.is_system_admin or bool(_roles(a, unit_id) & LEADER_ROLES))


def handles_step(actor, step: DossierStep | None) -> bool:
    """The actor may work the step: its assignee, a leader of its unit, or (unassigned) its role.

    The desk of the receiving unit also works the reception and return steps.
    """
    if step is None:
        return False
    a = as_actor(actor)
    if not a.is_official:
        return False
    if a.is_system_admin or step.assignee_id == a.user_id:
        return True
    held = _roles(a, step.unit_id)
    if held & LEADER_ROLES:
        return True
    if step.assignee_id is None and step.role and step.role in held:
        return True
    return step.kind in DESK_STEP_KINDS and is_desk(a, step.dossier.receiving_unit_id)


def can_manage(actor, dossier: Dossier) -> bool:
    """Desk of the receiving unit, a leader of the competent unit, or the current step's handler."""
    return (
        is_desk(actor, dossier.receiving_unit_id)
        or is_leader(actor, dossier.competent_unit_id)
        or handles_step(actor, dossier.current_step)
    )


def is_applicant(actor, dossier: Dossier) -> bool:
    """The citizen who filed the dossier. A dossier filed anonymously has no account: the
    portal must have checked its public token before calling with ``actor=None``."""
    a = as_actor(actor)
    if dossier.applicant_id is None:
        return not a.is_authenticated
    return a.is_citizen and a.user_id == dossier.applicant_id


def require(condition: bool, message: str, *, code: str = "permission_denied") -> None:
    if not condition:
        raise PermissionDenied(message, code=code)


def require_transition(dossier: Dossier, action: str) -> None:
    if dossier.status not in TRANSITIONS[action]:
        raise TransitionNotAllowed(
            _("Hồ sơ đang ở trạng thái “%(status)s”, không thực hiện được thao tác này.")
            % {"status": dossier.get_status_display()},
            code="transition_not_allowed",
            field="status",
        )


def required_text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(message, code="required", field=field)
    return value


def now_or(when) -> datetime.datetime:
    when = when or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def lock(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


# --- Numbering ------------------------------------------------------------------------------


def counter_next(unit, key: str) -> int:
    """The next number of ``unit``'s sequence ``key``; call inside the transaction that uses it.

    The counter row is created once (a concurrent creator loses on the unique
    constraint inside a savepoint and reads the winner's row), then locked, so
    concurrent callers queue and numbers never repeat nor skip.
    """
    if not DossierCounter.objects.filter(unit=unit, key=key).exists():
        try:
            with transaction.atomic():
                DossierCounter.objects.create(unit=unit, key=key, last=0)
        except IntegrityError:
            pass
    counter = DossierCounter.objects.select_for_update().get(unit=unit, key=key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def require_unit_code(unit) -> str:
    if not unit.code:
        raise ServiceError(
            _("Đơn vị “%(unit)s” chưa có mã định danh, không cấp được mã hồ sơ.")
            % {"unit": unit.name},
            code="unit_without_code",
            field="receiving_unit",
        )
    return unit.code


def dossier_code_allocate(unit, when) -> str:
    code = require_unit_code(unit)
    day = timezone.localtime(when).date()
    return format_code(code, day, counter_next(unit, f"code:{day:%y%m%d}"))


def book_number_allocate(dossier: Dossier, when) -> None:
    year = timezone.localtime(when).year
    dossier.book_year = year
    dossier.book_number = counter_next(dossier.receiving_unit, f"book:{year}")


# --- Records --------------------------------------------------------------------------------


def event(dossier, action: str, actor, message: str = "", *, when, public: bool = True):
    return DossierEvent.objects.create(
        dossier=dossier,
        at=when,
        action=action,
        status=dossier.status,
        actor=user_of(actor),
        message=message,
        public=public,
    )


def issue_form(dossier, form: str, actor, when, content: dict) -> DossierForm:
    return DossierForm.objects.create(
        dossier=dossier, form=form, issued_at=when, issued_by=user_of(actor), content=content
    )


def before_of(dossier) -> dict:
    return snapshot(dossier, AUDIT_FIELDS)


def audit(actor, verb: str, dossier, before=None, **extra) -> None:
    # ``extra`` (step, assignee, amount, reference…) goes with the state after the change.
    log_action(
        actor=actor,
        action=f"congvu.onestop.dossier.{verb}",
        obj=dossier,
        before=before,
        after={**snapshot(dossier, AUDIT_FIELDS), **extra},
        unit=dossier.receiving_unit_id,
    )


def iso(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


# --- Phone numbers --------------------------------------------------------------------------

_NON_DIGITS = re.compile(r"[^\d+]")


def normalize_phone(value) -> str:
    """Vietnamese phone number as ``0xxxxxxxxx``; "" if it is not one."""
    raw = _NON_DIGITS.sub("", str(value or ""))
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) in (11, 12):
        raw = "0" + raw[2:]
    if "+" in raw or not raw.startswith("0") or not 10 <= len(raw) <= 11:
        return ""
    return raw


# --- The clock ------------------------------------------------------------------------------


def open_pause(dossier, reason: str, actor, when, note: str = "") -> ClockPause | None:
    """Stop the legal clock (only once it runs: a dossier not yet received has no clock)."""
    if dossier.clock_start_at is None:
        return None
    close_pause(dossier, when)
    due = dossier.effective_due_at
    pause = ClockPause.objects.create(
        dossier=dossier,
        reason=reason,
        started_at=when,
        due_at_start=due,
        note=note,
        created_by=user_of(actor),
    )
    _mark_paused(dossier, pause.started_at, due)
    return pause


def _mark_paused(dossier, since, due) -> None:
    """Keep ``Dossier.paused_at``/``paused_due`` (the open pause's start and the due moment
    then) with the pause, in this transaction.

    Written at once, so that they hold whether or not the caller saves the
    dossier afterwards, and set on the instance, so that a later save keeps them.
    """
    dossier.paused_at, dossier.paused_due = since, due
    Dossier.objects.filter(pk=dossier.pk).update(paused_at=since, paused_due=due)


def record_due_change(dossier, when, previous) -> DueChange | None:
    """Thay đổi hẹn trả: keep the due moment the dossier had before ``when``, if it moved."""
    current = dossier.effective_due_at
    if previous is None or current is None or current == previous:
        return None
    return DueChange.objects.create(
        dossier=dossier, changed_at=when, previous_due=previous, new_due=current
    )


def close_pause(dossier, when, *, recompute: bool = True) -> ClockPause | None:
    """End the open pause; the due moments move later by the office time it covered."""
    pause = ClockPause.objects.filter(dossier=dossier, ended_at__isnull=True).first()
    if pause is None:
        return None
    pause.ended_at = max(when, pause.started_at)
    pause.save(update_fields=["ended_at"])
    _mark_paused(dossier, None, None)
    if not recompute or dossier.clock_start_at is None:
        return pause
    previous = dossier.effective_due_at
    unit = dossier.receiving_unit
    start = max(pause.started_at, dossier.clock_start_at)
    covered = deadlines.working_time_between(start, pause.ended_at, unit)
    dossier.due_at = deadlines.dossier_due_at(
        dossier.procedure_version,
        dossier.clock_start_at,
        unit,
        pauses=list(dossier.pauses.filter(ended_at__isnull=False)),
    )
    if dossier.extended_due_at:
        dossier.extended_due_at = deadlines.push_by(dossier.extended_due_at, covered, unit)
    record_due_change(dossier, pause.ended_at, previous)
    step = dossier.current_step
    if step is not None and step.due_at and step.finished_at is None:
        in_step = deadlines.working_time_between(
            max(pause.started_at, step.started_at or pause.started_at), pause.ended_at, step.unit
        )
        step.due_at = deadlines.push_by(step.due_at, in_step, step.unit)
        step.save(update_fields=["due_at"])
    return pause


def resume_status(dossier) -> str:
    """The status a paused dossier returns to."""
    if dossier.received_at is None:
        return DossierStatus.SUBMITTED
    step = dossier.current_step
    if step is None or step.kind == "reception" and step.order == _first_order(dossier):
        return DossierStatus.RECEIVED
    return DossierStatus.PROCESSING


def _first_order(dossier) -> int:
    first = dossier.steps.order_by("order").values_list("order", flat=True).first()
    return first or 0


PAUSE_FOR_STATUS = {
    DossierStatus.SUPPLEMENT: PauseReason.SUPPLEMENT,
    DossierStatus.AWAITING_PAYMENT: PauseReason.PAYMENT,
    DossierStatus.STOPPED: PauseReason.STOPPED,
}


def split_hours(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """``total`` split by ``shares`` in hundredths, the rounding remainder on the largest share."""
    cent = Decimal("0.01")
    parts = [(total * s).quantize(cent, rounding=ROUND_HALF_UP) for s in shares]
    biggest = max(range(len(shares)), key=lambda i: shares[i])
    parts[biggest] += total - sum(parts)
    return parts
