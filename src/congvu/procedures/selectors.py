"""Reads of the procedure catalogue: versions in force, processes, units, search."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from congvu.core.text import fold
from congvu.org.constants import UnitKind
from congvu.org.models import Unit

from .constants import DurationUnit
from .models import Procedure, ProcedureVersion, ProcessDefinition
from .parsing import legal_hours_of

#: Level of authority (cấp thực hiện) of the national catalogue → the unit kinds that act at it.
LEVEL_UNIT_KINDS = {
    "cap xa": {UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE},
    "cap huyen": {UnitKind.DISTRICT},
    "cap tinh": {UnitKind.PROVINCE, UnitKind.DEPARTMENT},
}


def _as_date(at) -> datetime.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, datetime.datetime):
        return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    return at


def versions_in_force_q(at) -> Q:
    day = _as_date(at)
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def version_in_force(procedure, at=None) -> ProcedureVersion | None:
    """The version of ``procedure`` in force on ``at`` (a date or datetime; default today).

    When two versions overlap on one day (a same-day re-import), the newer number wins.
    """
    return (
        ProcedureVersion.objects.filter(procedure=procedure)
        .filter(versions_in_force_q(at))
        .order_by("-valid_from", "-number")
        .first()
    )


def current_version(procedure) -> ProcedureVersion | None:
    """The version in force today, else the latest one (a version starting in the future)."""
    return (
        version_in_force(procedure)
        or ProcedureVersion.objects.filter(procedure=procedure).order_by("-number").first()
    )


def legal_hours(version: ProcedureVersion | None) -> Decimal | None:
    """The legal processing time of ``version`` in working hours (None: unknown)."""
    if version is None:
        return None
    return legal_hours_of(version.duration_value, version.duration_unit)


def legal_duration(version: ProcedureVersion, channel: str | None = None):
    """(value, unit) of the legal time for a submission ``channel``.

    The source lists a time per channel; the version's own time is the
    shortest of them (see parsing.record._version_duration). A channel's own time is
    used when the catalogue has one for it.
    """
    if channel:
        row = version.channels.filter(channel=channel, duration_value__isnull=False).first()
        if row is not None:
            return row.duration_value, row.duration_unit
    if version.duration_unit == DurationUnit.SAME_DAY:
        return Decimal(1), DurationUnit.SAME_DAY
    return version.duration_value, version.duration_unit


def process_in_force(procedure, unit, at=None) -> ProcessDefinition | None:
    """The internal process for ``procedure`` at ``unit`` in force on ``at``.

    A unit without its own definition uses its nearest ancestor's (so a
    province can define one process for all its communes) when
    ``CONGVU_PROCESS_INHERIT_FROM_ANCESTORS`` is on. None means: no
    definition anywhere; the dossier then uses :func:`default_steps`.
    """
    if unit is None:
        return None
    day = _as_date(at)
    chain = [unit.pk]
    if getattr(settings, "CONGVU_PROCESS_INHERIT_FROM_ANCESTORS", True):
        chain += [int(pk) for pk in reversed(unit.path.strip("/").split("/")) if pk.isdigit()]
    chain = list(dict.fromkeys(chain))
    candidates = {
        d.unit_id: d
        for d in ProcessDefinition.objects.filter(
            procedure=procedure, unit_id__in=chain, active=True, valid_from__lte=day
        )
        .order_by("unit_id", "valid_from", "pk")
        .prefetch_related("steps")
    }
    for pk in chain:
        if pk in candidates:
            return candidates[pk]
    return None


def default_steps(version: ProcedureVersion | None) -> list[dict]:
    """The standard four steps (tiếp nhận, thẩm định, phê duyệt, trả kết quả) over the legal time.

    Budgets split the legal time 1/8, rest, 1/4, 1/8 (hundredths of an hour,
    appraisal takes the rounding) so they add up exactly; an unknown legal
    time counts as one working day. Steps have no unit: the dossier's
    receiving unit receives and returns, its competent unit decides.
    """
    from congvu.accounts.constants import Role

    from .constants import StepKind

    total = legal_hours(version)
    if not total or total <= 0:
        total = Decimal(getattr(settings, "CONGVU_WORKING_HOURS_PER_DAY", 8))
    cent = Decimal("0.01")
    reception = max(cent, (total / 8).quantize(cent))
    approval = max(cent, (total / 4).quantize(cent))
    result = reception
    appraisal = total - reception - approval - result
    if appraisal <= 0:  # tiny legal times: keep every step positive
        reception = approval = result = appraisal = (total / 4).quantize(Decimal("0.0001"))
        appraisal = total - 3 * reception
    rows = [
        (StepKind.RECEPTION, "Tiếp nhận hồ sơ", Role.ONESTOP_OFFICER, reception),
        (StepKind.APPRAISAL, "Thẩm định hồ sơ", Role.SPECIALIST, appraisal),
        (StepKind.APPROVAL, "Phê duyệt kết quả", Role.LEADER_HEAD, approval),
        (StepKind.RESULT, "Trả kết quả", Role.ONESTOP_OFFICER, result),
    ]
    return [
        {"order": i, "name": name, "kind": kind, "unit": None, "role": role, "budget_hours": hours}
        for i, (kind, name, role, hours) in enumerate(rows, start=1)
    ]


def level_unit_kinds(levels) -> set[str]:
    kinds: set[str] = set()
    for level in levels or []:
        kinds |= LEVEL_UNIT_KINDS.get(fold(level), set())
    return kinds


def units_offering(procedure, at=None) -> QuerySet[Unit]:
    """Units where ``procedure`` can be filed: those with a process for it, and
    those whose kind acts at one of its levels (Cấp xã ↔ xã, phường, thị trấn, đặc khu)."""
    day = _as_date(at)
    version = version_in_force(procedure, day) or current_version(procedure)
    kinds = level_unit_kinds(version.levels if version else [])
    with_process = ProcessDefinition.objects.filter(
        procedure=procedure, active=True, valid_from__lte=day
    ).values("unit_id")
    return (
        Unit.objects.filter(Q(pk__in=with_process) | Q(kind__in=kinds))
        .filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("path")
    )


def search_procedures(queryset: QuerySet[Procedure], query: str = "", field_id=None):
    """Accent- and case-insensitive search on name (every word must occur) or code."""
    if field_id:
        queryset = queryset.filter(field_id=field_id)
    needle = fold(query)
    if needle:
        words = Q()
        for word in needle.split():
            words &= Q(name_folded__contains=word)
        queryset = queryset.filter(words | Q(code__icontains=needle))
    return queryset


def catalogue(actor, query: str = "", field_id=None) -> QuerySet[Procedure]:
    """Active procedures visible to ``actor``, with the field, for listing."""
    qs = Procedure.objects.restrict(actor, "view").filter(active=True).select_related("field")
    return search_procedures(qs, query, field_id).order_by("field__name", "name")


def procedure_detail(procedure: Procedure, at=None) -> ProcedureVersion | None:
    """The version to show, with channels, papers and fees prefetched."""
    version = version_in_force(procedure, at) or current_version(procedure)
    if version is None:
        return None
    return (
        ProcedureVersion.objects.filter(pk=version.pk)
        .prefetch_related(
            "channels",
            "fees",
            Prefetch("papers", queryset=version.papers.select_related("template")),
        )
        .first()
    )
