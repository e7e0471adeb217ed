"""Writes about people: officials, positions (chức vụ), delegations (ủy quyền), 2FA.

Every service checks the actor, validates, writes and logs an audit record in
one transaction. ``actor=None`` means the system acts (management commands,
periodic jobs, demo loading): no permission check, and the audit trail
records "hệ thống".
"""

from __future__ import annotations

import datetime

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import log_action, snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import FieldError, PermissionDenied, ServiceError, TransitionNotAllowed

from .constants import LEADER_ROLES, Confidentiality, Role, UserKind
from .models import Delegation, Position, User

#: User fields safe to copy into the audit trail (never the password hash).
USER_AUDIT_FIELDS = [
    "id",
    "username",
    "kind",
    "full_name",
    "email",
    "phone",
    "is_active",
    "is_staff",
    "is_superuser",
    "ldap_dn",
]


def user_snapshot(user: User) -> dict:
    return snapshot(user, fields=USER_AUDIT_FIELDS)


def _may_administer(actor, unit_id: int) -> bool:
    if actor is None:
        return True
    actor = as_actor(actor)
    return actor.is_system_admin or unit_id in actor.admin_unit_ids


def _require_admin(actor, unit_id: int) -> None:
    if not _may_administer(actor, unit_id):
        raise PermissionDenied(_("Bạn không có quyền quản trị đơn vị này."))


def _holds_role(user: User, unit_id: int, roles, day: datetime.date | None = None) -> bool:
    return Position.objects.active(day).filter(user=user, unit_id=unit_id, role__in=roles).exists()


# --- Officials -----------------------------------------------------------------


@transaction.atomic
def official_create(
    *,
    actor,
    username: str,
    full_name: str,
    email: str,
    phone: str = "",
    password: str | None = None,
    is_staff: bool = False,
) -> User:
    """Create an official's account (tài khoản cán bộ).

    Without ``password`` the account gets an unusable one: the official sets it
    through "Quên mật khẩu" (e-mail) or signs in through LDAP.
    """
    if actor is not None:
        a = as_actor(actor)
        if not (a.is_system_admin or a.admin_unit_ids):
            raise PermissionDenied(
                _("Chỉ quản trị đơn vị hoặc quản trị hệ thống được tạo tài khoản.")
            )
    username = (username or "").strip()
    full_name = (full_name or "").strip()
    email = (email or "").strip().lower()
    errors: list[FieldError] = []
    if not username:
        errors.append(FieldError("username", "required", _("Vui lòng nhập tên đăng nhập.")))
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            errors.append(
                FieldError(
                    "username",
                    "invalid_username",
                    _("Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _."),
                )
            )
        if User.objects.filter(username__iexact=username).exists():
            errors.append(
                FieldError("username", "username_taken", _("Tên đăng nhập này đã được dùng."))
            )
    if not full_name:
        errors.append(FieldError("full_name", "required", _("Vui lòng nhập họ và tên.")))
    errors.extend(_email_errors(email, exclude_pk=None))
    if password:
        try:
            validate_password(password, User(username=username, full_name=full_name, email=email))
        except ValidationError as exc:
            errors.append(FieldError("password", "weak_password", " ".join(exc.messages)))
    if errors:
        raise ServiceError(errors[0].message, code=errors[0].code, errors=errors)
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=(phone or "").strip(),
        kind=UserKind.OFFICIAL,
        is_staff=is_staff,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    log_action(
        actor=actor, action="congvu.accounts.user.created", obj=user, after=user_snapshot(user)
    )
    return user


def _email_errors(email: str, *, exclude_pk) -> list[FieldError]:
    if not email:
        return []
    try:
        validate_email(email)
    except ValidationError:
        return [FieldError("email", "invalid_email", _("Địa chỉ thư điện tử không hợp lệ."))]
    taken = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        return [FieldError("email", "email_taken", _("Địa chỉ thư điện tử này đã được dùng."))]
    return []


@transaction.atomic
def user_contact_update(*, actor, user: User, email: str, phone: str) -> User:
    """Change one's own e-mail and phone (hồ sơ cá nhân), or an administrator's edit."""
    if actor is not None and not User.objects.restrict(actor, "change").filter(pk=user.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền sửa tài khoản này."))
    email = (email or "").strip().lower()
    phone = (phone or "").strip()
    errors = _email_errors(email, exclude_pk=user.pk)
    if len(phone) > 20:
        errors.append(FieldError("phone", "too_long", _("Số điện thoại tối đa 20 ký tự.")))
    if errors:
        raise ServiceError(errors[0].message, code=errors[0].code, errors=errors)
    before = user_snapshot(user)
    user.email = email
    user.phone = phone
    user.save(update_fields=["email", "phone"])
    log_action(
        actor=actor,
        action="congvu.accounts.user.contact_changed",
        obj=user,
        before=before,
        after=user_snapshot(user),
    )
    return user


# --- Positions (chức vụ) ---------------------------------------------------------


@transaction.atomic
def position_assign(
    *,
    actor,
    user: User,
    unit,
    role: str,
    title: str,
    valid_from: datetime.date | None = None,
    clearance: int = Confidentiality.NORMAL,
    is_primary: bool = True,
) -> Position:
    """Give ``user`` a position (chức vụ) in ``unit`` from ``valid_from`` (today by default)."""
    _require_admin(actor, unit.pk)
    valid_from = valid_from or timezone.localdate()
    if user.kind != UserKind.OFFICIAL:
        raise ServiceError(
            _("Chỉ tài khoản cán bộ mới được giao chức vụ."), code="not_official", field="user"
        )
    if role not in Role.values:
        raise ServiceError(_("Vai trò không hợp lệ."), code="invalid_role", field="role")
    if clearance not in Confidentiality.values:
        raise ServiceError(
            _("Mức được xem văn bản mật không hợp lệ."), code="invalid_clearance", field="clearance"
        )
    if not (title or "").strip():
        raise ServiceError(_("Vui lòng nhập tên chức vụ."), code="required", field="title")
    if not unit.is_active_on(valid_from):
        raise ServiceError(
            _("Đơn vị không còn hiệu lực vào ngày bắt đầu."), code="unit_inactive", field="unit"
        )
    if Position.objects.filter(user=user, unit=unit, role=role, valid_to__isnull=True).exists():
        raise ServiceError(
            _("Cán bộ đã có chức vụ với vai trò này tại đơn vị."),
            code="position_exists",
            field="role",
        )
    position = Position.objects.create(
        user=user,
        unit=unit,
        role=role,
        title=title.strip(),
        valid_from=valid_from,
        clearance=clearance,
        is_primary=is_primary,
    )
    log_action(
        actor=actor,
        action="congvu.accounts.position.assigned",
        obj=position,
        after=snapshot(position),
        unit=unit,
    )
    return position


@transaction.atomic
def position_end(*, actor, position: Position, valid_to: datetime.date) -> Position:
    """End a position (thôi giữ chức vụ) on ``valid_to`` (the last day held)."""
    _require_admin(actor, position.unit_id)
    position = Position.objects.select_for_update().get(pk=position.pk)
    if position.valid_to is not None:
        raise TransitionNotAllowed(_("Chức vụ này đã kết thúc."), field="valid_to")
    if valid_to is None or valid_to < position.valid_from:
        raise ServiceError(
            _("Ngày kết thúc không được trước ngày bắt đầu giữ chức vụ."),
            code="invalid_range",
            field="valid_to",
        )
    before = snapshot(position)
    position.valid_to = valid_to
    position.save(update_fields=["valid_to"])
    log_action(
        actor=actor,
        action="congvu.accounts.position.ended",
        obj=position,
        before=before,
        after=snapshot(position),
        unit=position.unit_id,
    )
    return position


# --- Delegations (ủy quyền) ------------------------------------------------------


def may_delegate_for(actor, *, delegator: User, unit) -> bool:
    """Who may give ``delegator``'s powers in ``unit`` away (docs/security.md, V4).

    The delegator himself, a system administrator, or the head (cấp trưởng) of
    a unit above ``unit`` by his own position: the authority that could direct
    the delegator. A unit administrator manages accounts, not leadership, so he
    may not; roles received by delegation never count here, so a delegation
    cannot be passed on.
    """
    a = as_actor(actor)
    if a.user_id == delegator.pk or a.is_system_admin:
        return True
    ancestors = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part.isdigit()]
    if not ancestors or a.user_id is None:
        return False
    return (
        Position.objects.active()
        .filter(user_id=a.user_id, unit_id__in=ancestors, role=Role.LEADER_HEAD)
        .exists()
    )


def delegation_validate(
    *,
    actor,
    delegator: User | None,
    delegate: User | None,
    unit,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
) -> None:
    """Raise ServiceError unless the delegation may be created (shared with the admin form)."""
    today = timezone.localdate()
    errors: list[FieldError] = []
    if unit is None:
        raise ServiceError(_("Vui lòng chọn đơn vị."), code="required", field="unit")
    if delegator is None:
        raise ServiceError(_("Vui lòng chọn người ủy quyền."), code="required", field="delegator")
    if actor is not None:
        a = as_actor(actor)
        if delegate is not None and a.user_id == delegate.pk:
            raise PermissionDenied(
                _("Không ai được tự ủy quyền cho chính mình."),
                code="self_delegation",
                field="delegate",
            )
        if not may_delegate_for(a, delegator=delegator, unit=unit):
            raise PermissionDenied(
                _(
                    "Chỉ người ủy quyền, lãnh đạo đơn vị cấp trên hoặc quản trị hệ thống "
                    "được tạo ủy quyền."
                ),
                field="delegator",
            )
    if not _holds_role(delegator, unit.pk, LEADER_ROLES, start_date or today):
        errors.append(
            FieldError(
                "delegator",
                "not_leader",
                _("Người ủy quyền phải là lãnh đạo (cấp trưởng hoặc cấp phó) của đơn vị."),
            )
        )
    if delegate is None:
        errors.append(FieldError("delegate", "required", _("Vui lòng chọn người được ủy quyền.")))
    elif delegate.pk == delegator.pk:
        errors.append(
            FieldError("delegate", "self_delegation", _("Không thể tự ủy quyền cho chính mình."))
        )
    elif not delegate.is_active or delegate.kind != UserKind.OFFICIAL:
        errors.append(
            FieldError(
                "delegate", "not_official", _("Người được ủy quyền phải là cán bộ đang hoạt động.")
            )
        )
    elif not Position.objects.active(start_date or today).filter(user=delegate, unit=unit).exists():
        errors.append(
            FieldError(
                "delegate",
                "not_in_unit",
                _("Người được ủy quyền phải có chức vụ tại cùng đơn vị."),
            )
        )
    if start_date is None:
        errors.append(FieldError("start_date", "required", _("Vui lòng nhập ngày bắt đầu.")))
    elif start_date < today:
        errors.append(
            FieldError(
                "start_date", "in_past", _("Ngày bắt đầu ủy quyền không được trước hôm nay.")
            )
        )
    if end_date is None:
        errors.append(FieldError("end_date", "required", _("Vui lòng nhập ngày kết thúc.")))
    elif start_date is not None and end_date < start_date:
        errors.append(
            FieldError("end_date", "invalid_range", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        )
    if not errors and delegate is not None:
        overlapping = Delegation.objects.filter(
            delegator=delegator,
            delegate=delegate,
            unit=unit,
            revoked_at__isnull=True,
            start_date__lte=end_date,
            end_date__gte=start_date,
        )
        if overlapping.exists():
            errors.append(
                FieldError(
                    "start_date",
                    "overlap",
                    _("Đã có ủy quyền cho người này trong khoảng thời gian trùng lặp."),
                )
            )
    if errors:
        raise ServiceError(errors[0].message, code=errors[0].code, errors=errors)


@transaction.atomic
def delegation_create(
    *,
    actor,
    delegator: User,
    delegate: User,
    unit,
    start_date: datetime.date,
    end_date: datetime.date,
    reason: str = "",
) -> Delegation:
    """A leader delegates (ủy quyền) their roles in ``unit`` to ``delegate`` for a date range."""
    delegation_validate(
        actor=actor,
        delegator=delegator,
        delegate=delegate,
        unit=unit,
        start_date=start_date,
        end_date=end_date,
    )
    delegation = Delegation.objects.create(
        delegator=delegator,
        delegate=delegate,
        unit=unit,
        start_date=start_date,
        end_date=end_date,
        reason=(reason or "").strip()[:255],
    )
    log_action(
        actor=actor,
        action="congvu.accounts.delegation.created",
        obj=delegation,
        after=snapshot(delegation),
        unit=unit,
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, actor, delegation: Delegation) -> Delegation:
    """Thu hồi ủy quyền: by the delegator, a unit administrator or a system administrator."""
    if actor is not None:
        a = as_actor(actor)
        if not (
            a.user_id == delegation.delegator_id
            or a.is_system_admin
            or delegation.unit_id in a.admin_unit_ids
        ):
            raise PermissionDenied(_("Chỉ người ủy quyền hoặc quản trị viên được thu hồi."))
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.revoked_at is not None:
        raise TransitionNotAllowed(_("Ủy quyền này đã được thu hồi."))
    if delegation.end_date < timezone.localdate():
        raise TransitionNotAllowed(_("Ủy quyền này đã hết hạn."))
    before = snapshot(delegation)
    delegation.revoked_at = timezone.now()
    delegation.save(update_fields=["revoked_at"])
    log_action(
        actor=actor,
        action="congvu.accounts.delegation.revoked",
        obj=delegation,
        before=before,
        after=snapshot(delegation),
        unit=delegation.unit_id,
    )
    return delegation


@transaction.atomic
def delegations_expire(*, today: datetime.date | None = None) -> int:
    """Write one ``delegation.expired`` record per delegation whose range has passed.

    The delegation already stopped counting on its own (``active()`` reads the
    dates); this only leaves the trace, once, marked by ``expired_logged_at``.
    Row locks make a second concurrent run skip what the first one logged.
    """
    today = today or timezone.localdate()
    due = (
        Delegation.objects.select_for_update()
        .filter(end_date__lt=today, expired_logged_at__isnull=True, revoked_at__isnull=True)
        .order_by("pk")
    )
    count = 0
    for delegation in due:
        before = snapshot(delegation)
        delegation.expired_logged_at = timezone.now()
        delegation.save(update_fields=["expired_logged_at"])
        log_action(
            actor=None,
            action="congvu.accounts.delegation.expired",
            obj=delegation,
            before=before,
            after=snapshot(delegation),
            unit=delegation.unit_id,
        )
        count += 1
    return count
