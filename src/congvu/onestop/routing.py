"""Where an online dossier goes: the commune (xã, phường, đặc khu) and its reception desk.

The citizen picks a commune-level local government; the dossier is received by
that commune's reception desk (Bộ phận tiếp nhận và trả kết quả, usually the
Trung tâm Phục vụ hành chính công xã), which is the unit where the commune's
one-stop officers hold their positions, because the desk queue of an officer
is scoped to the units of his positions (``selectors.desk_queue``). A commune
without any one-stop officer has no desk and is not offered: a dossier sent
there would wait in nobody's queue.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from congvu.accounts.constants import Role
from congvu.accounts.models import Position
from congvu.core.text import fold
from congvu.org.constants import UnitKind
from congvu.org.models import Unit

#: Commune-level local governments (cấp xã): the ones with a one-stop reception desk.
COMMUNE_KINDS = frozenset(
    {UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE}
)

# "Ủy ban nhân dân xã Thạnh Phú" / "UBND phường An Hội" → "xã Thạnh Phú" / "phường An Hội".
_AGENCY_PREFIX = re.compile(r"^\s*(ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+", re.IGNORECASE)
_KIND_WORD = re.compile(r"^(xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class CommuneChoice:
    """One commune of the picker: the unit, its label ("Xã Thạnh Phú") and its reception desk."""

    commune: Unit
    desk: Unit
    label: str
    place: str

    @property
    def pk(self) -> int:
        return self.commune.pk

    @property
    def folded(self) -> str:
        """What the accent-insensitive filter matches: label and agency name, folded."""
        return fold(f"{self.label} {self.commune.name}")


def commune_label(unit: Unit) -> str:
    """The division a People's Committee governs: "Ủy ban nhân dân xã Thạnh Phú" → "Xã Thạnh Phú"."""
    name = _AGENCY_PREFIX.sub("", unit.name.strip(), count=1).strip() or unit.name
    return name[:1].upper() + name[1:]


def place_of(unit: Unit) -> str:
    """The place name without the kind word: "Xã Thạnh Phú" → "Thạnh Phú" (the sort key)."""
    label = commune_label(unit)
    return _KIND_WORD.sub("", label, count=1).strip() or label


def commune_of(unit: Unit | None) -> Unit | None:
    """The commune a unit belongs to (itself, or its nearest commune-level ancestor), or None."""
    if unit is None:
        return None
    if unit.kind in COMMUNE_KINDS:
        return unit
    ancestors = [int(pk) for pk in unit.path.strip("/").split("/") if pk.isdigit()]
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ancestors, kind__in=list(COMMUNE_KINDS))}
    for pk in reversed(ancestors):
        if pk in found:
            return found[pk]
    return None


def _day(at) -> datetime.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, datetime.datetime):
        return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    return at


def _active_units_q(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def _desk_units(day: datetime.date) -> list[Unit]:
    """Units where someone holds an active one-stop officer position, shallowest first."""
    unit_ids = Position.objects.active(day).filter(role=Role.ONESTOP_OFFICER).values("unit_id")
    return list(Unit.objects.filter(pk__in=unit_ids).order_by("depth", "path"))


def _process_unit_paths(procedure, day: datetime.date) -> list[str]:
    from congvu.procedures.models import ProcessDefinition

    return list(
        ProcessDefinition.objects.filter(
            procedure=procedure, active=True, valid_from__lte=day
        ).values_list("unit__path", flat=True)
    )


def _level_kinds(procedure, day: datetime.date) -> set[str]:
    from congvu.procedures.selectors import current_version, level_unit_kinds, version_in_force

    version = version_in_force(procedure, day) or current_version(procedure)
    return level_unit_kinds(version.levels if version else [])


def _prefixes(path: str) -> list[str]:
    """ "/1/5/9/" → ["/1/", "/1/5/", "/1/5/9/"]: the unit and each of its ancestors."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _by_ancestor(units: list[Unit]) -> dict[str, list[Unit]]:
    """Units under each path prefix (themselves included), in the given order."""
    found: dict[str, list[Unit]] = {}
    for unit in units:
        for prefix in _prefixes(unit.path):
            found.setdefault(prefix, []).append(unit)
    return found


def _desk_for(commune: Unit, desks: dict[str, list[Unit]], process_paths: set[str]) -> Unit | None:
    """The reception desk of ``commune``: a desk unit in its subtree.

    When several units of the commune have one-stop officers, the one that has
    the procedure's own internal process wins (that process starts there),
    otherwise the one closest to the commune.
    """
    inside = desks.get(commune.path, [])
    for desk in inside:
        if desk.path in process_paths:
            return desk
    return inside[0] if inside else None


def communes_offering(procedure, at=None) -> list[CommuneChoice]:
    """Communes where ``procedure`` can be filed online, sorted by place name.

    A commune qualifies when it is in force, the procedure acts at its level
    (cấp xã, from the catalogue's "cấp thực hiện") or the commune (or a unit
    of it) has an internal process for it, and it has a reception desk.
    """
    day = _day(at)
    level_kinds = _level_kinds(procedure, day) & COMMUNE_KINDS
    process_paths = set(_process_unit_paths(procedure, day))
    with_process = {prefix for path in process_paths for prefix in _prefixes(path)}
    desks = _by_ancestor(_desk_units(day))
    choices = []
    communes = Unit.objects.filter(kind__in=list(COMMUNE_KINDS)).filter(_active_units_q(day))
    for commune in communes:
        handles = commune.kind in level_kinds or commune.path in with_process
        if not handles:
            continue
        desk = _desk_for(commune, desks, process_paths)
        if desk is None:
            continue
        choices.append(
            CommuneChoice(
                commune=commune, desk=desk, label=commune_label(commune), place=place_of(commune)
            )
        )
    choices.sort(key=lambda c: (fold(c.place), fold(c.label), c.pk))
    return choices


def commune_choice(procedure, commune_id, at=None) -> CommuneChoice | None:
    """The picker entry of ``commune_id`` for ``procedure``, or None when it does not take it."""
    try:
        wanted = int(commune_id)
    except (TypeError, ValueError):
        return None
    return next((c for c in communes_offering(procedure, at) if c.pk == wanted), None)
