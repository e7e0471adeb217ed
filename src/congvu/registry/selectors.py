"""Reads of registers and issued numbers, always within the actor's scope."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from congvu.core.authz import as_actor
from congvu.org.models import Unit

from .models import DocumentType, IssuedNumber, Register, UnitNumberingPolicy


def document_types(*, actor, active_only: bool = True):
    types = DocumentType.objects.restrict(actor, "view")
    return types.filter(active=True) if active_only else types


def type_abbreviations() -> set[str]:
    """Type abbreviations to recognise: the shipped data plus types added or edited in the admin."""
    from . import loaders

    edited = DocumentType.objects.filter(active=True).exclude(abbreviation="")
    return set(loaders.type_abbreviations()) | set(edited.values_list("abbreviation", flat=True))


def registers_for(*, actor, year: int | None = None, unit_id: int | None = None):
    registers = Register.objects.restrict(actor, "view").select_related("unit", "document_type")
    if year:
        registers = registers.filter(year=year)
    if unit_id:
        registers = registers.filter(unit_id=unit_id)
    return registers


def register_years(*, actor) -> list[int]:
    return sorted(
        set(Register.objects.restrict(actor, "view").values_list("year", flat=True)), reverse=True
    )


def register_for_detail(*, actor, pk: int) -> Register:
    """404 outside the actor's scope (other units, Mật without clearance)."""
    return get_object_or_404(registers_for(actor=actor), pk=pk)


def numbers_of(*, actor, register: Register):
    return (
        IssuedNumber.objects.restrict(actor, "view")
        .filter(register=register)
        .select_related("issued_by", "voided_by")
        .order_by("-number")
    )


def issued_number_for_detail(*, actor, pk: int) -> IssuedNumber:
    return get_object_or_404(
        IssuedNumber.objects.restrict(actor, "view").select_related("register", "register__unit"),
        pk=pk,
    )


def policy_units(*, actor) -> list[tuple[Unit, str]]:
    """Units whose numbering the actor administers, with their current choice."""
    actor = as_actor(actor)
    units = Unit.objects.restrict(actor, "view").filter(valid_to__isnull=True)
    if not actor.is_system_admin:
        units = units.filter(pk__in=actor.admin_unit_ids)
    chosen = dict(
        UnitNumberingPolicy.objects.restrict(actor, "view").values_list(
            "unit_id", "admin_numbering"
        )
    )
    return [(unit, chosen.get(unit.pk, "shared")) for unit in units.order_by("path")]


def policy_unit_for_change(*, actor, pk: int) -> Unit:
    actor = as_actor(actor)
    units = Unit.objects.restrict(actor, "view")
    if not actor.is_system_admin:
        units = units.filter(pk__in=actor.admin_unit_ids)
    return get_object_or_404(units, pk=pk)
