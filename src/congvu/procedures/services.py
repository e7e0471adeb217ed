"""Writes of the procedure catalogue: versions with effective dates, internal processes.

Each function is one transaction and leaves an audit record in it. The bulk
import lives in :mod:`congvu.procedures.importer`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.constants import Role
from congvu.audit.services import log_action
from congvu.core.authz import as_actor
from congvu.core.errors import FieldError, PermissionDenied, ServiceError
from congvu.core.text import fold
from congvu.org.models import Unit

from .constants import StepKind
from .models import (
    Fee,
    Procedure,
    ProcedureChannel,
    ProcedureField,
    ProcedureVersion,
    ProcessDefinition,
    ProcessStep,
    RequiredPaper,
)
from .selectors import legal_hours, version_in_force

VERSION_FIELDS = (
    "name",
    "levels",
    "kind",
    "decision",
    "applicants",
    "competent_body",
    "executing_body",
    "steps_text",
    "conditions",
    "legal_bases",
    "results",
    "online_level",
    "duration_value",
    "duration_unit",
    "same_day_cutoff",
)


def _require_catalogue_admin(actor) -> None:
    if not as_actor(actor).is_system_admin:
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa danh mục thủ tục hành chính."))


def field_for_name(name: str) -> ProcedureField:
    name = " ".join((name or "").split())[:255] or "Khác"
    field, _created = ProcedureField.objects.get_or_create(
        name=name, defaults={"name_folded": fold(name)}
    )
    return field


@transaction.atomic
def create_procedure(*, actor, code: str, name: str, field_name: str, valid_from, **version):
    """A new procedure with its first version (hand entry; imports use the importer)."""
    _require_catalogue_admin(actor)
    code = (code or "").strip()
    if not code:
        raise ServiceError(_("Chưa nhập mã thủ tục."), code="required", field="code")
    if Procedure.objects.filter(code=code).exists():
        raise ServiceError(
            _("Đã có thủ tục mang mã %(code)s.") % {"code": code}, code="duplicate", field="code"
        )
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_("Chưa nhập tên thủ tục."), code="required", field="name")
    procedure = Procedure.objects.create(
        code=code, name=name, name_folded=fold(name), field=field_for_name(field_name)
    )
    log_action(
        actor=actor, action="procedures.procedure_create", obj=procedure, after={"code": code}
    )
    create_version(actor=actor, procedure=procedure, valid_from=valid_from, name=name, **version)
    return procedure


@transaction.atomic
def create_version(
    *,
    actor,
    procedure: Procedure,
    valid_from: datetime.date,
    channels: list[dict] | None = None,
    papers: list[dict] | None = None,
    fees: list[dict] | None = None,
    **fields,
) -> ProcedureVersion:
    """A new version in force from ``valid_from``; the version in force before closes the day before.

    Versions are never rewritten, so a dossier keeps what it was received
    under. A version may not start on or before the start of a later one.
    """
    _require_catalogue_admin(actor)
    if not isinstance(valid_from, datetime.date):
        raise ServiceError(_("Ngày hiệu lực không hợp lệ."), code="invalid", field="valid_from")
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise ServiceError(
            _("Trường không hợp lệ: %(f)s.") % {"f": ", ".join(sorted(unknown))},
            code="invalid",
            field=sorted(unknown)[0],
        )
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.versions.filter(valid_from__gte=valid_from).exists():
        raise ServiceError(
            _("Đã có phiên bản có hiệu lực từ ngày %(d)s trở về sau.")
            % {"d": valid_from.strftime("%d/%m/%Y")},
            code="version_overlap",
            field="valid_from",
        )
    previous = procedure.versions.order_by("-number").first()
    if previous is not None:
        if previous.valid_to is None or previous.valid_to >= valid_from:
            previous.valid_to = valid_from - datetime.timedelta(days=1)
            previous.save(update_fields=["valid_to"])
        base = {f: getattr(previous, f) for f in VERSION_FIELDS}
    else:
        base = {"name": procedure.name}
    base.update(fields)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=(previous.number + 1) if previous else 1,
        valid_from=valid_from,
        parsed_fully=True,
        **base,
    )
    for row in channels or []:
        ProcedureChannel.objects.create(version=version, **row)
    for i, row in enumerate(papers or [], start=1):
        RequiredPaper.objects.create(version=version, **{"order": i, **row})
    for row in fees or []:
        Fee.objects.create(version=version, **row)
    if version.name != procedure.name and version_in_force(procedure) == version:
        procedure.name, procedure.name_folded = version.name, fold(version.name)
        procedure.save(update_fields=["name", "name_folded", "updated_at"])
    log_action(
        actor=actor,
        action="procedures.version_create",
        obj=version,
        before={"previous": previous.pk if previous else None},
        after={"number": version.number, "valid_from": valid_from},
    )
    return version


@transaction.atomic
def close_version(*, actor, version: ProcedureVersion, valid_to: datetime.date) -> ProcedureVersion:
    """End a version on ``valid_to`` (the procedure is abolished or replaced from the next day)."""
    _require_catalogue_admin(actor)
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if valid_to < version.valid_from:
        raise ServiceError(
            _("Ngày hết hiệu lực phải từ ngày bắt đầu hiệu lực trở đi."),
            code="invalid_date",
            field="valid_to",
        )
    before = version.valid_to
    version.valid_to = valid_to
    version.save(update_fields=["valid_to"])
    log_action(
        actor=actor,
        action="procedures.version_close",
        obj=version,
        before={"valid_to": before},
        after={"valid_to": valid_to},
    )
    return version


# --- Internal processes (quy trình nội bộ) ----------------------------------------------------


@dataclass
class StepInput:
    name: str
    kind: str
    role: str
    budget_hours: Decimal
    unit: Unit | None = None


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def validate_steps(version: ProcedureVersion | None, steps: list[dict]) -> list[StepInput]:
    """Check each step and that the budgets add up to the legal time; raise with every error.

    Field names are ``steps`` for the whole list and ``steps-<i>-<field>``
    (0-based, like a Django formset) for one step.
    """
    errors: list[FieldError] = []
    clean: list[StepInput] = []

    def err(field, code, message):
        errors.append(FieldError(field=field, code=code, message=str(message)))

    if not steps:
        err("steps", "required", _("Quy trình phải có ít nhất một bước."))
    for i, raw in enumerate(steps):
        prefix = f"steps-{i}-"
        name = " ".join(str(raw.get("name") or "").split())
        if not name:
            err(prefix + "name", "required", _("Bước %(n)s: chưa nhập tên bước.") % {"n": i + 1})
        kind = raw.get("kind") or ""
        if kind not in StepKind.values:
            err(prefix + "kind", "invalid", _("Bước %(n)s: loại bước không hợp lệ.") % {"n": i + 1})
        role = raw.get("role") or ""
        if role not in Role.values:
            err(prefix + "role", "invalid", _("Bước %(n)s: vai trò không hợp lệ.") % {"n": i + 1})
        hours = _decimal(raw.get("budget_hours"))
        if hours is None or hours <= 0 or hours != hours.quantize(Decimal("0.01")):
            err(
                prefix + "budget_hours",
                "invalid",
                _(
                    "Bước %(n)s: thời gian phải là số giờ làm việc lớn hơn 0 (tối đa 2 chữ số thập phân)."
                )
                % {"n": i + 1},
            )
        unit = raw.get("unit")
        if unit is not None and not isinstance(unit, Unit):
            unit = Unit.objects.filter(pk=unit).first()
            if unit is None:
                err(
                    prefix + "unit",
                    "invalid",
                    _("Bước %(n)s: đơn vị không tồn tại.") % {"n": i + 1},
                )
        clean.append(StepInput(name=name, kind=kind, role=role, budget_hours=hours, unit=unit))
    legal = legal_hours(version)
    if not errors and legal is not None:
        total = sum((s.budget_hours for s in clean), Decimal(0))
        if total != legal:
            err(
                "steps",
                "budget_mismatch",
                _(
                    "Tổng thời gian các bước là %(total)s giờ làm việc, chưa bằng thời hạn giải "
                    "quyết theo quy định là %(legal)s giờ làm việc."
                )
                % {"total": _fmt(total), "legal": _fmt(legal)},
            )
    if errors:
        raise ServiceError(errors[0].message, code=errors[0].code, errors=errors)
    return clean


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def can_edit_process(actor, unit) -> bool:
    """System administrators, or administrators of the unit's subtree (policies.py)."""
    actor = as_actor(actor)
    return actor.is_system_admin or (
        actor.is_official and getattr(unit, "pk", unit) in actor.admin_unit_ids
    )


def _require_process_admin(actor, unit: Unit) -> None:
    if not can_edit_process(actor, unit):
        raise PermissionDenied(
            _("Chỉ quản trị hệ thống hoặc quản trị đơn vị được sửa quy trình nội bộ của đơn vị."),
            field="unit",
        )


@transaction.atomic
def save_process(
    *, actor, procedure: Procedure, unit: Unit, steps: list[dict], valid_from=None
) -> ProcessDefinition:
    """Define the internal process of ``procedure`` at ``unit`` from ``valid_from`` (default today).

    Refused unless the step budgets add up to the legal time of the version
    in force on ``valid_from``. A definition from the same day that no dossier
    uses yet is replaced; otherwise a new definition starts, so dossiers keep
    the steps they were received with.
    """
    _require_process_admin(actor, unit)
    valid_from = valid_from or timezone.localdate()
    version = version_in_force(procedure, valid_from)
    clean = validate_steps(version, steps)
    existing = ProcessDefinition.objects.filter(
        procedure=procedure, unit=unit, valid_from=valid_from
    ).first()
    before = None
    if existing is not None:
        if _definition_used(existing):
            raise ServiceError(
                _(
                    "Quy trình có hiệu lực từ ngày này đã được dùng cho hồ sơ; chọn ngày hiệu lực khác."
                ),
                code="process_in_use",
                field="valid_from",
            )
        before = [s.budget_hours for s in existing.steps.all()]
        existing.steps.all().delete()
        definition = existing
        definition.active = True
        definition.save(update_fields=["active"])
    else:
        definition = ProcessDefinition.objects.create(
            procedure=procedure,
            unit=unit,
            valid_from=valid_from,
            created_by=as_actor(actor).user,
        )
    ProcessStep.objects.bulk_create(
        ProcessStep(
            definition=definition,
            order=i,
            name=s.name,
            kind=s.kind,
            role=s.role,
            unit=s.unit,
            budget_hours=s.budget_hours,
        )
        for i, s in enumerate(clean, start=1)
    )
    log_action(
        actor=actor,
        action="procedures.process_save",
        obj=definition,
        unit=unit,
        before={"budgets": before} if before is not None else None,
        after={
            "valid_from": valid_from,
            "steps": [
                [s.kind, s.role, s.unit.pk if s.unit else None, s.budget_hours] for s in clean
            ],
        },
    )
    return definition


def _definition_used(definition: ProcessDefinition) -> bool:
    related = getattr(definition, "dossier_set", None) or getattr(definition, "dossiers", None)
    return bool(related is not None and related.exists())


@transaction.atomic
def deactivate_process(*, actor, definition: ProcessDefinition) -> ProcessDefinition:
    """Stop using a definition for new dossiers (existing dossiers keep their steps)."""
    _require_process_admin(actor, definition.unit)
    definition.active = False
    definition.save(update_fields=["active"])
    log_action(
        actor=actor,
        action="procedures.process_deactivate",
        obj=definition,
        unit=definition.unit,
        before={"active": True},
        after={"active": False},
    )
    return definition
