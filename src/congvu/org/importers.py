"""Build the organisation tree of a province from the ``vietnam-provinces`` package.

The package knows the administrative units (đơn vị hành chính), not agencies,
so each one becomes the People's Committee (Ủy ban nhân dân) that governs it.

``admin_code`` is the stable key that makes a rerun update instead of
duplicate. Old and new codes share one number space (ward 29182 is both the
old thị trấn Thạnh Phú and the new xã Thạnh Phú), so the prefix tells the eras
apart:

- ``p:86``, ``w:29182`` — units from 01/07/2025 (tỉnh, xã/phường/đặc khu);
- ``lp:83``, ``ld:837``, ``lw:29182`` — pre-2025 units (tỉnh, huyện, xã/phường/thị trấn),
  closed on 30/06/2025.

Rows are written in bulk and the run leaves ONE summary audit record
(``congvu.org.unit.imported``) instead of one per row: a province is several
hundred units and the package itself is the record of their content.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from congvu.audit.services import log_action

from .constants import UnitKind
from .models import Unit
from .services import ensure_can_change, unit_tree_path_refresh

NEW_ERA_START = datetime.date(2025, 7, 1)
LEGACY_LAST_DAY = datetime.date(2025, 6, 30)

_NEW_KINDS = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố trung ương": UnitKind.PROVINCE,
    "xã": UnitKind.COMMUNE,
    "phường": UnitKind.WARD,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}
_LEGACY_KINDS = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố trung ương": UnitKind.PROVINCE,
    "huyện": UnitKind.DISTRICT,
    "quận": UnitKind.DISTRICT,
    "thành phố": UnitKind.DISTRICT,
    "thị xã": UnitKind.DISTRICT,
    "xã": UnitKind.COMMUNE,
    "phường": UnitKind.WARD,
    "thị trấn": UnitKind.TOWNSHIP,
}


def government_name(division_name: str) -> str:
    """ "Xã Mỹ An" → "Ủy ban nhân dân xã Mỹ An" (the agency governing the division)."""
    return f"Ủy ban nhân dân {division_name[:1].lower()}{division_name[1:]}"


@dataclass
class UnitSpec:
    admin_code: str
    kind: str
    name: str
    parent_code: str | None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


@dataclass
class ImportResult:
    """What one run changed, by kind, for the command's summary."""

    province: Unit | None = None
    created: dict[str, int] = field(default_factory=dict)
    updated: int = 0
    linked: int = 0
    units: dict[str, Unit] = field(default_factory=dict)

    @property
    def created_total(self) -> int:
        return sum(self.created.values())


def _province_specs(code: int, legacy: bool) -> tuple[list[list[UnitSpec]], list[tuple[str, str]]]:
    """Unit specs grouped by tree level (parents first) and (successor, predecessor) links."""
    from vietnam_provinces import Province, ProvinceCode, Ward
    from vietnam_provinces.legacy import District as LegacyDistrict
    from vietnam_provinces.legacy import Ward as LegacyWard

    try:
        province = Province.from_code(ProvinceCode(code))
    except ValueError as exc:
        raise ValueError(f"Unknown province code {code}") from exc
    p_code = f"p:{int(province.code)}"
    levels: list[list[UnitSpec]] = [[], [], []]
    links: list[tuple[str, str]] = []
    levels[0].append(
        UnitSpec(
            p_code,
            _NEW_KINDS[province.division_type],
            government_name(province.name),
            None,
            NEW_ERA_START,
        )
    )
    wards = sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code))
    for ward in wards:
        levels[1].append(
            UnitSpec(
                f"w:{int(ward.code)}",
                _NEW_KINDS[ward.division_type],
                government_name(ward.name),
                p_code,
                NEW_ERA_START,
            )
        )
    if not legacy:
        return levels, links

    legacy_wards: set[int] = set()
    for old_province in province.get_legacy_sources():
        lp_code = f"lp:{int(old_province.code)}"
        levels[0].append(
            UnitSpec(
                lp_code,
                _LEGACY_KINDS[old_province.division_type],
                government_name(old_province.name),
                None,
                valid_to=LEGACY_LAST_DAY,
            )
        )
        links.append((p_code, lp_code))
        districts = sorted(
            LegacyDistrict.iter_by_province(old_province.code), key=lambda d: int(d.code)
        )
        for district in districts:
            ld_code = f"ld:{int(district.code)}"
            levels[1].append(
                UnitSpec(
                    ld_code,
                    _LEGACY_KINDS[district.division_type],
                    government_name(district.name),
                    lp_code,
                    valid_to=LEGACY_LAST_DAY,
                )
            )
            for old_ward in sorted(
                LegacyWard.iter_by_district(district.code), key=lambda w: int(w.code)
            ):
                legacy_wards.add(int(old_ward.code))
                levels[2].append(
                    UnitSpec(
                        f"lw:{int(old_ward.code)}",
                        _LEGACY_KINDS[old_ward.division_type],
                        government_name(old_ward.name),
                        ld_code,
                        valid_to=LEGACY_LAST_DAY,
                    )
                )
    # Districts get no successor: their duties went partly to the province,
    # partly to the communes, and the package maps communes only.
    for ward in wards:
        for source in ward.get_legacy_sources():
            if int(source.code) in legacy_wards:
                links.append((f"w:{int(ward.code)}", f"lw:{int(source.code)}"))
    return levels, links


def _set_paths(units: list[Unit], by_code: dict[str, Unit]) -> None:
    """Give new units their tree ``path``: one UPDATE per parent, not a CASE per row."""
    groups: dict[str | None, list[Unit]] = {}
    for unit in units:
        groups.setdefault(unit._parent_code, []).append(unit)
    for parent_code, members in groups.items():
        parent_path = by_code[parent_code].path if parent_code else "/"
        depth = parent_path.count("/") - 1
        Unit.objects.filter(pk__in=[u.pk for u in members]).update(
            path=Concat(Value(parent_path), Cast("pk", CharField()), Value("/")), depth=depth
        )
        for unit in members:
            unit.path = f"{parent_path}{unit.pk}/"
            unit.depth = depth


@transaction.atomic
def import_province(*, actor, code: int, legacy: bool = False) -> ImportResult:
    """Create or update the units of province ``code`` (and, with ``legacy``, its pre-2025 units).

    Matching is on ``admin_code``. A rerun refreshes names, kinds and parents
    and closes legacy units left open, but leaves what people edit (agency
    code, short name, contact data, ``valid_from``) alone. ``actor=None`` is
    the system (the management commands).
    """
    import vietnam_provinces

    ensure_can_change(actor, root=True)
    levels, links = _province_specs(code, legacy)
    all_codes = [spec.admin_code for level in levels for spec in level]
    by_code: dict[str, Unit] = {}
    # Lowest pk wins if an operator ever duplicated an admin_code by hand.
    for unit in Unit.objects.filter(admin_code__in=all_codes).order_by("-pk"):
        by_code[unit.admin_code] = unit
    result = ImportResult()

    for level in levels:
        to_create: list[Unit] = []
        to_update: list[Unit] = []
        moved: list[Unit] = []
        for spec in level:
            parent = by_code[spec.parent_code] if spec.parent_code else None
            unit = by_code.get(spec.admin_code)
            if unit is None:
                unit = Unit(
                    admin_code=spec.admin_code,
                    kind=spec.kind,
                    name=spec.name,
                    short_name="UBND",
                    parent=parent,
                    valid_to=spec.valid_to,
                )
                if spec.valid_from:
                    unit.valid_from = spec.valid_from
                unit._parent_code = spec.parent_code
                to_create.append(unit)
                result.created[spec.kind] = result.created.get(spec.kind, 0) + 1
                continue
            dirty = False
            for name in ("kind", "name"):
                if getattr(unit, name) != getattr(spec, name):
                    setattr(unit, name, getattr(spec, name))
                    dirty = True
            # Never reopen a unit someone closed; only close what the package says ended.
            if spec.valid_to and unit.valid_to is None:
                unit.valid_to = spec.valid_to
                dirty = True
            if unit.parent_id != (parent.pk if parent else None):
                unit.parent = parent
                moved.append(unit)
                dirty = True
            if dirty:
                to_update.append(unit)
        if to_create:
            Unit.objects.bulk_create(to_create)
            if any(u.pk is None for u in to_create):
                # Backends that cannot return ids from a bulk insert.
                fresh = {
                    u.admin_code: u
                    for u in Unit.objects.filter(admin_code__in=[u.admin_code for u in to_create])
                }
                for unit in to_create:
                    unit.pk = fresh[unit.admin_code].pk
            _set_paths(to_create, by_code)
            by_code.update({u.admin_code: u for u in to_create})
        if to_update:
            Unit.objects.bulk_update(to_update, ["kind", "name", "valid_to", "parent"])
            result.updated += len(to_update)
        for unit in moved:
            unit_tree_path_refresh(unit=unit)

    Through = Unit.predecessors.through
    wanted = {(by_code[succ].pk, by_code[pred].pk) for succ, pred in links}
    existing = set(
        Through.objects.filter(from_unit_id__in={s for s, _ in wanted}).values_list(
            "from_unit_id", "to_unit_id"
        )
    )
    missing = sorted(wanted - existing)
    Through.objects.bulk_create([Through(from_unit_id=s, to_unit_id=p) for s, p in missing])
    result.linked = len(missing)

    result.province = by_code[levels[0][0].admin_code]
    result.units = by_code
    if result.created_total or result.updated or result.linked:
        log_action(
            actor=actor,
            action="congvu.org.unit.imported",
            obj=result.province,
            before=None,
            after={
                "province": code,
                "legacy": legacy,
                "created": result.created,
                "updated": result.updated,
                "linked": result.linked,
                "source": f"vietnam-provinces {vietnam_provinces.__version__} ({vietnam_provinces.__data_version__})",
            },
            unit=result.province,
        )
    return result
