"""Registers and numbering (cấp số): gap-free, never repeated, restarted each 1 January.

Numbers are allocated inside the caller's transaction, under a row lock on
the register (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite transactions are
IMMEDIATE, which serialises writers). If the caller's transaction rolls back,
the number is not used and the counter rolls back with it: no gap. A number
that was issued and then must not be used is voided with its reason, never
reused.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import log_action
from congvu.core.authz import as_actor
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.core.text import fold

from .constants import (
    REFUSED_SECRECY,
    SHARED_SEQUENCE,
    AdminNumbering,
    Direction,
    NumberStatus,
    Secrecy,
)
from .models import DocumentType, IssuedNumber, Register, UnitNumberingPolicy

CLOSING_ROLES = {"clerk", "leader_head", "leader_deputy"}


def can_void(actor, register: Register) -> bool:
    """Hủy số: the clerk (văn thư) of the register's unit, or a system administrator."""
    actor = as_actor(actor)
    if actor.is_system_admin:
        return True
    return actor.has_role("clerk", register.unit_id) and register.secrecy <= actor.clearance


def can_close(actor, register: Register) -> bool:
    """Khóa sổ: the unit's clerk or head/deputy leader, or a system administrator."""
    actor = as_actor(actor)
    if actor.is_system_admin:
        return True
    roles = actor.roles.get(register.unit_id, set())
    return bool(roles & CLOSING_ROLES) and register.secrecy <= actor.clearance


def can_reopen(actor, register: Register) -> bool:
    """Mở lại sổ: only a unit administrator (quản trị đơn vị) of the register's own unit."""
    actor = as_actor(actor)
    return actor.has_role("unit_admin", register.unit_id) and register.secrecy <= actor.clearance


def can_set_policy(actor, unit) -> bool:
    """Cách đánh số: the unit's administrator (the head decides, the admin records it)."""
    actor = as_actor(actor)
    return actor.is_system_admin or unit.pk in actor.admin_unit_ids


def secrecy_validate(value) -> int:
    """Return the accepted secrecy level, or refuse Tối mật / Tuyệt mật with the reason."""
    if isinstance(value, str) and "_".join(fold(value).split()) in REFUSED_SECRECY:
        value = 2
    try:
        level = int(value)
    except (TypeError, ValueError) as exc:
        raise ServiceError(
            _("Độ mật không hợp lệ."), code="invalid_secrecy", field="secrecy"
        ) from exc
    if level >= 2:
        raise ServiceError(
            _(
                "Văn bản Tối mật, Tuyệt mật không được xử lý trên congvu: pháp luật yêu cầu hệ "
                "thống riêng, không kết nối mạng. Hãy xử lý theo quy định bảo vệ bí mật nhà nước."
            ),
            code="secrecy_not_allowed",
            field="secrecy",
        )
    if level not in Secrecy.values:
        raise ServiceError(_("Độ mật không hợp lệ."), code="invalid_secrecy", field="secrecy")
    return level


def sequence_key_for(*, unit, direction: str, document_type: DocumentType | None) -> str:
    """Which sequence a document takes (Art. 15(1), 22(2))."""
    if direction == Direction.INCOMING or document_type is None:
        return SHARED_SEQUENCE
    if document_type.is_legal_normative:
        return document_type.code
    policy = UnitNumberingPolicy.objects.filter(unit=unit).first()
    if policy and policy.admin_numbering == AdminNumbering.PER_TYPE:
        return document_type.code
    return SHARED_SEQUENCE


def register_name(*, unit, direction: str, year: int, secrecy: int, document_type) -> str:
    kind = (
        _("Sổ đăng ký văn bản đến")
        if direction == Direction.INCOMING
        else _("Sổ đăng ký văn bản đi")
    )
    parts = [kind]
    if document_type is not None:
        parts.append(document_type.name)
    if secrecy:
        parts.append(_("Mật"))
    return f"{' – '.join(parts)} {year}, {unit.short_name or unit.name}"


def register_get_or_create(
    *, unit, direction: str, year: int, secrecy: int = 0, document_type: DocumentType | None = None
) -> Register:
    """The register for this sequence, created on first use (safe under concurrency)."""
    key = sequence_key_for(unit=unit, direction=direction, document_type=document_type)
    lookup = {
        "unit": unit,
        "direction": direction,
        "year": year,
        "secrecy": secrecy,
        "sequence_key": key,
    }
    register = Register.objects.filter(**lookup).first()
    if register is not None:
        return register
    typed = document_type if key != SHARED_SEQUENCE else None
    try:
        with transaction.atomic():
            return Register.objects.create(
                **lookup,
                document_type=typed,
                name=register_name(
                    unit=unit, direction=direction, year=year, secrecy=secrecy, document_type=typed
                ),
            )
    except IntegrityError:
        return Register.objects.get(**lookup)


def _advance_open_register(*, unit, direction, year, secrecy, key) -> Register | None:
    """Lock and advance an open register in one statement (UPDATE … RETURNING), or None.

    The UPDATE takes the same row lock as ``SELECT … FOR UPDATE`` and holds it to the
    end of the transaction; None (no row yet, or a closed register) goes the slow way.
    """
    table = Register._meta.db_table
    columns = ", ".join(f.column for f in Register._meta.concrete_fields)
    rows = list(
        Register.objects.raw(
            f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 (names from the model)
            "WHERE unit_id = %s AND direction = %s AND year = %s AND secrecy = %s "
            f"AND sequence_key = %s AND closed_at IS NULL RETURNING {columns}",
            [getattr(unit, "pk", unit), direction, year, secrecy, key],
        )
    )
    return rows[0] if rows else None


def number_allocate(
    *,
    actor,
    unit,
    direction: str,
    document_type: DocumentType | None = None,
    secrecy: int = 0,
    when: datetime.datetime | None = None,
    obj=None,
    audit: bool = True,
    record: bool = True,
) -> IssuedNumber:
    """Give the next number of the right register. Must run inside the caller's transaction.

    ``when`` decides the year (1 January restarts every sequence). ``audit=False``: the
    caller records the issue with :func:`number_audit` later in the same transaction;
    the audit chain is one row lock for the whole database, so a caller that still has
    work to do keeps it for less time (``incoming_register``). ``record=False``: the
    ``IssuedNumber`` comes back unsaved and the caller saves it with
    :func:`number_record` once the object that carries it exists (one INSERT instead of
    an INSERT and an UPDATE), in the same transaction, where the register stays locked.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_allocate() must run inside the transaction that uses the number")
    secrecy = secrecy_validate(secrecy)
    when = when or timezone.now()
    year = timezone.localtime(when).year
    key = sequence_key_for(unit=unit, direction=direction, document_type=document_type)
    # The usual case in one round trip: lock and advance the open register.
    register = _advance_open_register(
        unit=unit, direction=direction, year=year, secrecy=secrecy, key=key
    )
    if register is None:
        register = (
            Register.objects.select_for_update()
            .filter(unit=unit, direction=direction, year=year, secrecy=secrecy, sequence_key=key)
            .first()
        )
        if register is None:
            register = register_get_or_create(
                unit=unit,
                direction=direction,
                year=year,
                secrecy=secrecy,
                document_type=document_type,
            )
            register = Register.objects.select_for_update().get(pk=register.pk)
        if register.is_closed:
            raise TransitionNotAllowed(
                _("%(name)s đã khóa, không cấp thêm số.") % {"name": register.name},
                code="register_closed",
                field="register",
            )
        register.last_number += 1
        register.save(update_fields=["last_number"])
    issued = IssuedNumber(
        register=register,
        number=register.last_number,
        issued_at=when,
        issued_by=getattr(actor, "user", actor)
        if getattr(actor, "is_authenticated", False)
        else None,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
    if not record:
        return issued
    issued.save(force_insert=True)
    if audit:
        number_audit(actor=actor, issued=issued, unit=unit)
    return issued


def number_record(*, issued: IssuedNumber, obj) -> IssuedNumber:
    """Save a number allocated with ``record=False``, pointing at ``obj`` that carries it."""
    issued.object_type = obj._meta.label_lower
    issued.object_id = str(obj.pk)
    issued.save(force_insert=True)
    return issued


def number_audit_entry(*, actor, issued: IssuedNumber, unit) -> dict:
    """The audit record of an issued number, as ``log_actions`` arguments."""
    register = issued.register
    return {
        "actor": actor,
        "action": "congvu.registry.number.issued",
        "obj": issued,
        "unit": unit,
        "after": {"register": register.pk, "number": issued.number, "year": register.year},
        "confidentiality": register.secrecy,
    }


def number_audit(*, actor, issued: IssuedNumber, unit) -> None:
    """The audit record of an issued number (see ``number_allocate(audit=False)``)."""
    log_action(**number_audit_entry(actor=actor, issued=issued, unit=unit))


def number_attach(*, issued: IssuedNumber, obj) -> None:
    """Point an issued number at the object that carries it (after the object exists)."""
    IssuedNumber.objects.filter(pk=issued.pk).update(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )


def numbers_in_use(numbers) -> set[int]:
    """The pks of ``numbers`` that a document still carries (an incoming or outgoing one).

    The registry does not import the document apps: each number names its carrier
    (``object_type``, ``object_id``), so one query per carrier model answers for a page.
    """
    wanted: dict[str, dict[str, int]] = {}
    for issued in numbers:
        if issued.object_type and issued.object_id:
            wanted.setdefault(issued.object_type, {})[issued.object_id] = issued.pk
    in_use: set[int] = set()
    for object_type, by_object in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        present = model._base_manager.filter(pk__in=list(by_object)).values_list("pk", flat=True)
        in_use.update(by_object[str(pk)] for pk in present)
    return in_use


def _lock_voidable(actor, issued: IssuedNumber, reason: str) -> tuple[IssuedNumber, str]:
    """The checks every hủy số shares; returns the locked number and the stripped reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Phải ghi lý do hủy số."), code="required", field="reason")
    issued = IssuedNumber.objects.select_for_update().select_related("register").get(pk=issued.pk)
    if not can_void(actor, issued.register):
        raise PermissionDenied(
            _("Chỉ văn thư của cơ quan được hủy số trong sổ này."), code="permission_denied"
        )
    if issued.register.is_closed:
        # A closed register is final (year-end); only an audited reopening may change it.
        raise TransitionNotAllowed(
            _("Sổ đã khóa: quản trị đơn vị mở lại sổ (có ghi lý do) rồi mới hủy số được."),
            code="register_closed",
            field="register",
        )
    if issued.status == NumberStatus.VOIDED:
        raise TransitionNotAllowed(_("Số này đã bị hủy."), code="already_voided", field="number")
    return issued, reason


def _mark_voided(actor, issued: IssuedNumber, reason: str, before: dict) -> IssuedNumber:
    issued.status = NumberStatus.VOIDED
    issued.void_reason = reason[:255]
    issued.voided_at = timezone.now()
    user = getattr(actor, "user", actor)
    issued.voided_by = user if getattr(user, "is_authenticated", False) else None
    issued.save(
        update_fields=[
            "status",
            "void_reason",
            "voided_at",
            "voided_by",
            "object_type",
            "object_id",
        ]
    )
    log_action(
        actor=actor,
        action="congvu.registry.number.voided",
        obj=issued,
        unit=issued.register.unit_id,
        before=before,
        after={"status": issued.status, "reason": issued.void_reason},
        confidentiality=issued.register.secrecy,
    )
    return issued


@transaction.atomic
def number_void(*, actor, issued: IssuedNumber, reason: str) -> IssuedNumber:
    """Hủy số: record why a number is not used. It is never given out again."""
    issued, reason = _lock_voidable(actor, issued, reason)
    if numbers_in_use([issued]):
        # The document would keep showing a number the register calls void: a used
        # number stays; an issued document is recalled (thu hồi) instead.
        raise TransitionNotAllowed(
            _(
                "Số %(number)02d đang được một văn bản sử dụng, không hủy được. "
                "Chỉ hủy số chưa gắn với văn bản nào; văn bản đã phát hành thì thu hồi văn bản."
            )
            % {"number": issued.number},
            code="number_in_use",
            field="number",
        )
    return _mark_voided(actor, issued, reason, {"status": issued.status})


@transaction.atomic
def number_release(
    *, actor, issued: IssuedNumber, carrier, reason: str, carrier_unissued: Callable[[], bool]
) -> IssuedNumber:
    """Hủy số of a document not issued yet: it lets go of its number, voided, in one step.

    For a document that took its number and then was never issued (a remote
    signature refused or expired). ``carrier`` must be the object the number names;
    ``carrier_unissued`` is the carrier app's own answer, asked here under the
    number's lock (the registry does not import the document apps), and a carrier
    that says it is issued keeps its number: it is recalled (thu hồi) instead. The
    caller clears the number from ``carrier`` in the same transaction.
    """
    issued, reason = _lock_voidable(actor, issued, reason)
    if (issued.object_type, issued.object_id) != (carrier._meta.label_lower, str(carrier.pk)):
        raise TransitionNotAllowed(
            _("Số %(number)02d không phải số của văn bản này.") % {"number": issued.number},
            code="number_not_carried",
            field="number",
        )
    if not carrier_unissued():
        raise TransitionNotAllowed(
            _(
                "Văn bản mang số %(number)02d đã phát hành, không hủy số được; "
                "thu hồi văn bản nếu cần."
            )
            % {"number": issued.number},
            code="carrier_issued",
            field="number",
        )
    before = {
        "status": issued.status,
        "object_type": issued.object_type,
        "object_id": issued.object_id,
    }
    issued.object_type = ""
    issued.object_id = ""
    return _mark_voided(actor, issued, reason, before)


@transaction.atomic
def register_close(*, actor, register: Register) -> Register:
    """Khóa sổ: a closed register issues no more numbers (end of year, Art. 16(2)(b), 22(3)(b))."""
    register = Register.objects.select_for_update().get(pk=register.pk)
    if not can_close(actor, register):
        raise PermissionDenied(
            _("Chỉ văn thư hoặc lãnh đạo cơ quan được khóa sổ."), code="permission_denied"
        )
    if register.is_closed:
        raise TransitionNotAllowed(_("Sổ đã khóa."), code="register_closed", field="register")
    register.closed_at = timezone.now()
    user = getattr(actor, "user", actor)
    register.closed_by = user if getattr(user, "is_authenticated", False) else None
    register.save(update_fields=["closed_at", "closed_by"])
    log_action(
        actor=actor,
        action="congvu.registry.register.closed",
        obj=register,
        unit=register.unit_id,
        after={"last_number": register.last_number},
    )
    return register


@transaction.atomic
def register_reopen(*, actor, register: Register, reason: str) -> Register:
    """Mở lại sổ đã khóa: the unit administrator undoes a closing, with the reason on record.

    Numbering continues after the last number: nothing issued is renumbered.
    """
    reason = " ".join((reason or "").split())
    register = Register.objects.select_for_update().get(pk=register.pk)
    if not can_reopen(actor, register):
        raise PermissionDenied(
            _("Chỉ quản trị đơn vị của cơ quan được mở lại sổ đã khóa."), code="permission_denied"
        )
    if not register.is_closed:
        raise TransitionNotAllowed(
            _("Sổ đang mở, không cần mở lại."), code="register_open", field="register"
        )
    if not reason:
        raise ServiceError(_("Phải ghi lý do mở lại sổ."), code="required", field="reason")
    before = {
        "closed_at": register.closed_at.isoformat(),
        "closed_by": register.closed_by_id,
    }
    register.closed_at = None
    register.closed_by = None
    register.save(update_fields=["closed_at", "closed_by"])
    log_action(
        actor=actor,
        action="congvu.registry.register.reopened",
        obj=register,
        unit=register.unit_id,
        before=before,
        after={"last_number": register.last_number, "reason": reason[:500]},
        confidentiality=register.secrecy,
    )
    return register


@transaction.atomic
def numbering_policy_set(*, actor, unit, admin_numbering: str) -> UnitNumberingPolicy:
    """Chọn cách đánh số văn bản hành chính của một cơ quan (Art. 15(1)(c)).

    Takes effect for registers created from now on: a sequence already begun
    this year keeps its register.
    """
    if not can_set_policy(actor, unit):
        raise PermissionDenied(
            _("Chỉ quản trị đơn vị được đặt cách đánh số."), code="permission_denied"
        )
    if admin_numbering not in AdminNumbering.values:
        raise ServiceError(_("Cách đánh số không hợp lệ."), code="invalid", field="admin_numbering")
    policy, created = UnitNumberingPolicy.objects.select_for_update().get_or_create(unit=unit)
    before = {"admin_numbering": policy.admin_numbering}
    if created or policy.admin_numbering != admin_numbering:
        policy.admin_numbering = admin_numbering
        policy.save(update_fields=["admin_numbering"])
        log_action(
            actor=actor,
            action="congvu.registry.numbering_policy.set",
            obj=policy,
            unit=unit,
            before=None if created else before,
            after={"admin_numbering": admin_numbering},
        )
    return policy
