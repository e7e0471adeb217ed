"""Writes to the organisation tree (cơ quan, đơn vị).

Each change logs an audit record in its own transaction. ``actor=None`` means
the system acts (management commands such as ``import_units`` and
``load_demo``): no permission check, and the audit trail records "hệ thống".
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congvu.audit.services import log_action, snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import FieldError, PermissionDenied, ServiceError, TransitionNotAllowed

from .constants import UnitKind
from .models import Unit, validate_agency_code

#: Fields ``unit_update`` accepts. ``valid_to`` and ``predecessors`` change
#: through ``unit_close``/``unit_reorganise`` only, so closing and succession
#: always leave their own audit record.
EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "name",
        "short_name",
        "place_name",
        "code",
        "admin_code",
        "parent",
        "address",
        "phone",
        "email",
        "valid_from",
        "require_2fa",
    }
)
#: ``unit_create`` may also record a unit that has already ended (history).
CREATE_FIELDS = EDITABLE_FIELDS | {"valid_to"}
#: What may still be filled in or corrected on a closed unit: names, contact
#: data, and the agency code and start date that imports cannot know. Its kind
#: and place in the tree stay as they were, for the records that point at it.
CLOSED_EDITABLE_FIELDS = frozenset(
    {"name", "short_name", "place_name", "code", "valid_from", "address", "phone", "email"}
)


@transaction.atomic
def unit_tree_path_refresh(*, unit: Unit) -> None:
    """Recompute ``path``/``depth`` of ``unit`` and its subtree (after create or move)."""
    parent_path = unit.parent.path if unit.parent_id else "/"
    unit.path = f"{parent_path}{unit.pk}/"
    unit.depth = unit.path.count("/") - 2
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    for child in Unit.objects.filter(parent=unit):
        unit_tree_path_refresh(unit=child)


def ensure_can_change(actor, *units: Unit | None, root: bool = False) -> None:
    """Refuse unless ``actor`` may change every unit given (system jobs pass ``None``).

    ``root`` asks for the right to create or move a unit to the top of the
    tree, which only a system administrator has.
    """
    if actor is None:
        return
    actor = as_actor(actor)
    if root and not actor.is_system_admin:
        raise PermissionDenied(_("Chỉ quản trị hệ thống được tạo đơn vị cấp cao nhất."))
    wanted = {u.pk for u in units if u is not None}
    if not wanted:
        return
    allowed = set(
        Unit.objects.restrict(actor, "change").filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - allowed:
        raise PermissionDenied(_("Bạn không có quyền quản trị đơn vị này."))


def _check_fields(fields: dict, allowed=EDITABLE_FIELDS) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ServiceError(
            _("Không thể sửa trường này bằng thao tác này."),
            code="field_not_editable",
            field=unknown[0],
        )


def unit_validate(*, unit: Unit) -> None:
    """Check ``unit`` (not yet saved, or with pending changes) against the rules.

    Raises :class:`ServiceError` naming the field. Shared by the services and
    the admin form so both report the same codes and messages.
    """
    if unit.code:
        try:
            validate_agency_code(unit.code)
        except ValidationError as exc:
            raise ServiceError(exc.messages[0], code="agency_code_format", field="code") from exc
        if unit.valid_to is None:
            taken = Unit.objects.filter(code=unit.code, valid_to__isnull=True).exclude(pk=unit.pk)
            if taken.exists():
                raise ServiceError(
                    _("Mã định danh %(code)s đang được đơn vị khác sử dụng.") % {"code": unit.code},
                    code="agency_code_taken",
                    field="code",
                )
    if unit.kind not in UnitKind.values:
        raise ServiceError(_("Loại đơn vị không hợp lệ."), code="invalid_choice", field="kind")
    if not (unit.name or "").strip():
        raise ServiceError(_("Vui lòng nhập tên đơn vị."), code="required", field="name")
    if unit.valid_to is not None and unit.valid_to < unit.valid_from:
        raise ServiceError(
            _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            code="invalid_range",
            field="valid_to",
        )
    if unit.parent_id:
        parent = unit.parent
        if unit.pk and (parent.pk == unit.pk or parent.path.startswith(unit.path)):
            raise ServiceError(
                _("Không thể đặt đơn vị trực thuộc chính nó hoặc đơn vị cấp dưới của nó."),
                code="parent_cycle",
                field="parent",
            )
        if parent.valid_to is not None and (
            unit.valid_to is None or unit.valid_to > parent.valid_to
        ):
            raise ServiceError(
                _("Đơn vị cấp trên đã hết hiệu lực."), code="parent_closed", field="parent"
            )
    try:
        # Remaining field-level checks (lengths, e-mail shape) come from the model.
        unit.full_clean(
            exclude=["parent", "path", "depth", "predecessors"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        errors = [
            FieldError(
                field=name,
                code=(err.code or "invalid"),
                message=str(err.message % (err.params or {})),
            )
            for name, errs in exc.error_dict.items()
            for err in errs
        ]
        raise ServiceError(errors[0].message, code=errors[0].code, errors=errors) from exc


@transaction.atomic
def unit_create(*, actor, **fields) -> Unit:
    """Create a unit below ``parent`` (or a root unit, system administrators only).

    Passing ``valid_to`` records a unit that has already ended, e.g. an agency
    of an abolished district.
    """
    _check_fields(fields, CREATE_FIELDS)
    parent = fields.get("parent")
    ensure_can_change(actor, parent, root=parent is None)
    unit = Unit(**fields)
    unit_validate(unit=unit)
    unit.save()
    unit_tree_path_refresh(unit=unit)
    log_action(
        actor=actor,
        action="congvu.org.unit.created",
        obj=unit,
        before=None,
        after=snapshot(unit),
        unit=unit,
    )
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **changes) -> Unit:
    """Change fields of ``unit``; moving it (``parent``) refreshes the subtree's paths.

    A closed unit keeps its kind, place and code so old records still show the
    unit as it was; only names and contact data may be corrected. Nothing is
    written (nor audited) when no value actually changes.
    """
    _check_fields(changes)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    ensure_can_change(actor, unit)
    changed = {k: v for k, v in changes.items() if getattr(unit, k) != v}
    if not changed:
        return unit
    if unit.valid_to is not None:
        frozen = sorted(set(changed) - CLOSED_EDITABLE_FIELDS)
        if frozen:
            raise TransitionNotAllowed(
                _("Đơn vị đã hết hiệu lực: không thể sửa trường này."),
                code="unit_closed",
                field=frozen[0],
            )
    moved = "parent" in changed
    if moved:
        new_parent = changed["parent"]
        ensure_can_change(actor, new_parent, root=new_parent is None)
    before = snapshot(unit)
    for name, value in changed.items():
        setattr(unit, name, value)
    unit_validate(unit=unit)
    unit.save()
    if moved:
        unit_tree_path_refresh(unit=unit)
    log_action(
        actor=actor,
        action="congvu.org.unit.updated",
        obj=unit,
        before=before,
        after=snapshot(unit),
        unit=unit,
    )
    return unit


def unit_close_check(*, unit: Unit, valid_to: datetime.date | None) -> None:
    """Raise unless ``unit`` may be closed on ``valid_to`` (shared with the admin form)."""
    if unit.valid_to is not None:
        raise TransitionNotAllowed(
            _("Đơn vị %(name)s đã hết hiệu lực.") % {"name": unit.name},
            code="unit_already_closed",
            field="valid_to",
        )
    if valid_to is None or valid_to < unit.valid_from:
        raise ServiceError(
            _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            code="invalid_range",
            field="valid_to",
        )
    # Children must be closed or moved first, or the tree would show open
    # units under a unit that no longer exists.
    children = Unit.objects.filter(parent=unit)
    if (
        children.filter(valid_to__isnull=True).exists()
        or children.filter(valid_to__gt=valid_to).exists()
    ):
        raise TransitionNotAllowed(
            _("Đơn vị %(name)s còn đơn vị trực thuộc đang hoạt động.") % {"name": unit.name},
            code="unit_has_open_children",
            field="valid_to",
        )


def _close(*, actor, unit: Unit, valid_to: datetime.date) -> Unit:
    unit_close_check(unit=unit, valid_to=valid_to)
    before = snapshot(unit)
    unit.valid_to = valid_to
    unit.save(update_fields=["valid_to"])
    log_action(
        actor=actor,
        action="congvu.org.unit.closed",
        obj=unit,
        before=before,
        after=snapshot(unit),
        unit=unit,
    )
    return unit


@transaction.atomic
def unit_close(*, actor, unit: Unit, valid_to: datetime.date) -> Unit:
    """Close ``unit``: it stays valid up to and including ``valid_to``."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    ensure_can_change(actor, unit)
    return _close(actor=actor, unit=unit, valid_to=valid_to)


@transaction.atomic
def unit_reorganise(*, actor, predecessors, successor: Unit) -> Unit:
    """Link ``predecessors`` (đơn vị tiền thân) to ``successor`` after a merger or split.

    Predecessors still open are closed the day before the successor starts, so
    there is never a day with both or neither.
    """
    predecessors = list(predecessors)
    if not predecessors:
        raise ServiceError(
            _("Vui lòng chọn ít nhất một đơn vị tiền thân."), code="required", field="predecessors"
        )
    successor = Unit.objects.select_for_update().get(pk=successor.pk)
    if any(p.pk == successor.pk for p in predecessors):
        raise ServiceError(
            _("Một đơn vị không thể là tiền thân của chính nó."),
            code="predecessor_self",
            field="predecessors",
        )
    ensure_can_change(actor, successor, *predecessors)
    before_ids = sorted(successor.predecessors.values_list("pk", flat=True))
    last_day = successor.valid_from - datetime.timedelta(days=1)
    for predecessor in predecessors:
        predecessor = Unit.objects.select_for_update().get(pk=predecessor.pk)
        if predecessor.valid_to is None:
            _close(actor=actor, unit=predecessor, valid_to=last_day)
    successor.predecessors.add(*predecessors)
    after_ids = sorted(successor.predecessors.values_list("pk", flat=True))
    if after_ids != before_ids:
        log_action(
            actor=actor,
            action="congvu.org.unit.succeeded",
            obj=successor,
            before={"predecessor_ids": before_ids},
            after={"predecessor_ids": after_ids},
            unit=successor,
        )
    return successor
