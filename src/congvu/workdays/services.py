"""Changing the calendar: add or revoke an override (never delete one)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import log_action, snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed

from .models import CalendarOverride, OverrideKind


def _may_change(actor, unit) -> bool:
    actor = as_actor(actor)
    if actor.is_system_admin:
        return True
    if unit is None or not actor.is_official:
        return False
    chain = {int(p) for p in (unit.path or "").strip("/").split("/") if p.isdigit()} | {unit.pk}
    return bool(chain & set(actor.admin_unit_ids))


@transaction.atomic
def override_create(
    *, actor, date: datetime.date, kind: str, reason: str, unit=None
) -> CalendarOverride:
    """Add an extra day off or a make-up working day (for everywhere or one unit's subtree)."""
    if not _may_change(actor, unit):
        raise PermissionDenied(_("Bạn không có quyền điều chỉnh lịch làm việc này."))
    if kind not in OverrideKind.values:
        raise ServiceError(_("Loại điều chỉnh không hợp lệ."), code="invalid_kind", field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            _("Hãy ghi lý do (căn cứ) điều chỉnh lịch."), code="reason_required", field="reason"
        )
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise ServiceError(_("Ngày không hợp lệ."), code="invalid_date", field="date")
    if CalendarOverride.objects.filter(date=date, unit=unit, revoked_at__isnull=True).exists():
        raise ServiceError(
            _("Ngày này đã có một điều chỉnh đang hiệu lực; hãy hủy điều chỉnh đó trước."),
            code="override_exists",
            field="date",
        )
    user = as_actor(actor).user
    override = CalendarOverride.objects.create(
        date=date, kind=kind, reason=reason, unit=unit, created_by=user
    )
    log_action(
        actor=actor,
        action="congvu.workdays.override.create",
        obj=override,
        after=snapshot(override),
        unit=unit,
    )
    return override


@transaction.atomic
def override_revoke(*, actor, override: CalendarOverride, reason: str = "") -> CalendarOverride:
    """Revoke an override: it stops counting from now on and stays in the history."""
    override = CalendarOverride.objects.select_for_update().get(pk=override.pk)
    if not _may_change(actor, override.unit):
        raise PermissionDenied(_("Bạn không có quyền điều chỉnh lịch làm việc này."))
    if override.revoked_at is not None:
        raise TransitionNotAllowed(_("Điều chỉnh này đã bị hủy."))
    before = snapshot(override)
    override.revoked_at = timezone.now()
    override.revoked_by = as_actor(actor).user
    override.revoke_reason = (reason or "").strip()
    override.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    log_action(
        actor=actor,
        action="congvu.workdays.override.revoke",
        obj=override,
        before=before,
        after=snapshot(override),
        unit=override.unit,
    )
    return override
