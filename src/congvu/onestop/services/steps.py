"""The procedure side of a dossier: version in force, internal process, step records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.constants import Role
from congvu.core.errors import ServiceError
from congvu.onestop import deadlines
from congvu.procedures import selectors as catalogue

from ..models import DossierStep
from .common import split_hours


@dataclass
class PlannedStep:
    order: int
    name: str
    kind: str
    unit: object | None
    role: str
    budget_hours: Decimal
    process_step: object | None = None


def version_in_force(procedure, day: datetime.date):
    """The procedure version in force on ``day``; an error naming the procedure if none is."""
    version = catalogue.version_in_force(procedure, day)
    if version is None:
        raise ServiceError(
            _("Thủ tục “%(name)s” không có phiên bản đang có hiệu lực.") % {"name": procedure.name},
            code="no_version_in_force",
            field="procedure",
        )
    return version


def process_in_force(procedure, unit, day: datetime.date):
    """The internal process (quy trình nội bộ) of ``procedure`` at ``unit`` on ``day``, or None."""
    return catalogue.process_in_force(procedure, unit, day)


def legal_hours_of(version, clock_start, unit) -> Decimal:
    hours = deadlines.legal_hours(version)
    if hours is None:
        due = deadlines.base_due_at(version, clock_start, unit)
        hours = Decimal(deadlines.working_time_between(clock_start, due, unit).total_seconds())
        hours = (hours / Decimal(3600)).quantize(Decimal("0.01"))
    return max(hours, Decimal("0.01"))


# Default internal process when the unit has none: shares of the legal time.
DEFAULT_SHARES = [Decimal("0.1"), Decimal("0.5"), Decimal("0.3"), Decimal("0.1")]


def default_steps(version, total_hours: Decimal) -> list[PlannedStep]:
    """The catalogue's standard four steps when it has them, else the same split here.

    Same-day procedures use this module's split of ``total_hours`` (the office
    time up to the same-day due moment), which the catalogue cannot know.
    """
    if deadlines.legal_hours(version) is not None:
        rows = catalogue.default_steps(version)
        return [
            PlannedStep(
                order=r["order"],
                name=r["name"],
                kind=r["kind"],
                unit=r.get("unit"),
                role=r["role"],
                budget_hours=Decimal(str(r["budget_hours"])),
            )
            for r in rows
        ]
    budgets = split_hours(total_hours, DEFAULT_SHARES)
    names = [
        ("reception", _("Tiếp nhận hồ sơ"), Role.ONESTOP_OFFICER),
        ("appraisal", _("Thẩm định hồ sơ"), Role.SPECIALIST),
        ("approval", _("Phê duyệt kết quả"), Role.LEADER_HEAD),
        ("result", _("Trả kết quả"), Role.ONESTOP_OFFICER),
    ]
    return [
        PlannedStep(order=i + 1, name=name, kind=kind, unit=None, role=role, budget_hours=b)
        for i, ((kind, name, role), b) in enumerate(zip(names, budgets, strict=True))
    ]


def planned_steps(procedure, version, receiving_unit, day, clock_start) -> tuple:
    """(process or None, steps) for a dossier received at ``receiving_unit`` on ``day``."""
    process = process_in_force(procedure, receiving_unit, day)
    if process is not None:
        steps = [
            PlannedStep(
                order=s.order,
                name=s.name,
                kind=s.kind,
                unit=s.unit,
                role=s.role,
                budget_hours=s.budget_hours,
                process_step=s,
            )
            for s in process.steps.select_related("unit").order_by("order")
        ]
        if steps:
            return process, steps
    return None, default_steps(version, legal_hours_of(version, clock_start, receiving_unit))


def competent_unit_of(steps: list[PlannedStep], receiving_unit):
    """The unit that decides (cơ quan có thẩm quyền): the unit of the approval step.

    The office that appraises prepares the decision; the body whose leader
    approves it is the competent one (UBND xã for a commune's procedures).
    Without an approval step naming a unit, the first appraisal step's unit;
    otherwise the receiving unit.
    """
    for kinds in (("approval",), ("appraisal", "other")):
        for s in steps:
            if s.unit is not None and s.kind in kinds:
                return s.unit
    return receiving_unit


def step_unit(planned: PlannedStep, receiving_unit, competent_unit):
    if planned.unit is not None:
        return planned.unit
    return receiving_unit if planned.kind in ("reception", "result") else competent_unit


def copy_steps(dossier, steps: list[PlannedStep], start, *, actor_user=None) -> list[DossierStep]:
    """Create the dossier's step records; the first starts at ``start``.

    Planned due moments follow each other by budget; a step's due moment is
    recomputed from its real start when it is handed over.
    """
    records = []
    cursor = start
    for i, s in enumerate(steps):
        unit = step_unit(s, dossier.receiving_unit, dossier.competent_unit)
        due = deadlines.step_due_at(cursor, s.budget_hours, unit)
        records.append(
            DossierStep(
                dossier=dossier,
                order=s.order,
                process_step=s.process_step,
                name=s.name,
                kind=s.kind,
                unit=unit,
                role=s.role or "",
                budget_hours=s.budget_hours,
                started_at=start if i == 0 else None,
                due_at=due,
                assignee=actor_user if i == 0 and s.kind == "reception" else None,
            )
        )
        cursor = due
    return DossierStep.objects.bulk_create(records)


def start_step(step: DossierStep, when, *, handed_by=None, assignee=None) -> DossierStep:
    step.started_at = when
    step.due_at = deadlines.step_due_at(when, step.budget_hours, step.unit)
    step.handed_by = handed_by
    if assignee is not None:
        step.assignee = assignee
    step.save(update_fields=["started_at", "due_at", "handed_by", "assignee"])
    return step


def finish_step(step: DossierStep, when, *, by=None, note: str = "") -> DossierStep:
    step.finished_at = when
    step.finished_by = by
    step.outcome = deadlines.rate(when, step.due_at)
    if note:
        step.note = note
    step.save(update_fields=["finished_at", "finished_by", "outcome", "note"])
    return step


def next_step(step: DossierStep) -> DossierStep | None:
    return (
        DossierStep.objects.filter(dossier_id=step.dossier_id, order__gt=step.order)
        .select_related("unit")
        .order_by("order")
        .first()
    )


def local_day(when) -> datetime.date:
    return timezone.localtime(when).date()
