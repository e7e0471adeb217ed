"""Hạn xử lý per unit: what is overdue and what falls due within N working days.

For the units the actor leads (lãnh đạo) or administers, read through the
incoming selectors (so through ``restrict``), one query for all units.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from congvu.accounts.constants import LEADER_ROLES
from congvu.core.authz import as_actor
from congvu.incoming import selectors as incoming
from congvu.incoming.constants import OPEN_STATUSES
from congvu.org.models import Unit
from congvu.workdays.calendar import add_working_days

DEFAULT_DAYS = 3
MAX_ROWS = 500


@dataclass
class UnitDeadlines:
    """One unit's block of the page."""

    unit: Unit
    due_by: datetime.date
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)


def watched_unit_ids(actor) -> set[int]:
    """Units whose deadlines the actor watches: those they lead and those they administer."""
    a = as_actor(actor)
    led = {unit for unit, held in a.roles.items() if held & set(LEADER_ROLES)}
    return led | set(a.admin_unit_ids)


def unit_deadlines(
    *, actor, days: int = DEFAULT_DAYS, today: datetime.date | None = None
) -> list[UnitDeadlines]:
    """Per watched unit: open documents past their deadline, and those due within ``days``."""
    a = as_actor(actor)
    today = today or timezone.localdate()
    unit_ids = watched_unit_ids(a)
    if not unit_ids:
        return []
    units = {u.pk: u for u in Unit.objects.restrict(a, "view").filter(pk__in=unit_ids)}
    blocks = {
        pk: UnitDeadlines(unit=u, due_by=add_working_days(today, days, unit=u))
        for pk, u in units.items()
    }
    if not blocks:
        return []
    latest = max(b.due_by for b in blocks.values())
    docs = (
        incoming.documents(actor=a)
        .filter(
            unit_id__in=blocks,
            status__in=OPEN_STATUSES,
            deadline__isnull=False,
            deadline__lte=latest,
        )
        .order_by("unit_id", "deadline", "-urgency", "pk")[:MAX_ROWS]
    )
    for doc in docs:
        block = blocks[doc.unit_id]
        if doc.deadline < today:
            block.overdue.append(doc)
        elif doc.deadline <= block.due_by:
            block.due_soon.append(doc)
    return sorted(blocks.values(), key=lambda b: b.unit.path)
