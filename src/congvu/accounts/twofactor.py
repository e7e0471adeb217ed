"""Two-factor login (xác thực hai lớp) with TOTP apps, on top of django-otp.

A unit enforces it with ``Unit.require_2fa``: every official holding an active
position there must confirm a TOTP device and enter a code at each login.
"""

from __future__ import annotations

import secrets
from base64 import b32encode

from django.db import transaction
from django.utils.translation import gettext as _

import segno
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from congvu.audit.services import log_action
from congvu.core.errors import PermissionDenied, ServiceError

from .models import Position

DEVICE_NAME = "Ứng dụng xác thực"
RECOVERY_DEVICE_NAME = "Mã dự phòng"
RECOVERY_CODE_COUNT = 10
# Base32 without the letters people misread; 10 characters = 50 bits each.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10


def two_factor_required(user) -> bool:
    """True when a unit where ``user`` holds an active position demands 2FA."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "kind", None) != "official":
        return False
    return Position.objects.active().filter(user=user, unit__require_2fa=True).exists()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being set up, made on first visit and reused after."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def device_secret(device: TOTPDevice) -> str:
    """The key in base32, grouped by four, for typing into an app by hand."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def device_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (no image service, no script)."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(
        scale=5, border=4, dark="#000", light="#fff", omitsize=True, title=_("Mã QR cài đặt")
    )


@transaction.atomic
def totp_device_confirm(*, actor, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm a device set up from the profile with a first code from the app."""
    if actor is not None and device.user_id != actor.pk:
        raise PermissionDenied(_("Thiết bị này không thuộc tài khoản của bạn."))
    if device.confirmed:
        raise ServiceError(
            _("Xác thực hai lớp đã được bật."), code="already_confirmed", field="otp_token"
        )
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or not device.verify_token(token):
        raise ServiceError(
            _("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã mới trong ứng dụng."),
            code="invalid_token",
            field="otp_token",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Earlier half-finished set-ups (and any older device) give way to this one.
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    log_action(
        actor=actor,
        action="congvu.accounts.two_factor.enabled",
        obj=device.user,
        after={"device_id": device.pk, "name": device.name},
    )
    return device


@transaction.atomic
def totp_device_remove(*, actor, user) -> int:
    """Turn 2FA off, unless a unit of the user requires it."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("Bạn chỉ có thể tắt xác thực hai lớp của chính mình."))
    if two_factor_required(user):
        raise ServiceError(
            _("Đơn vị của bạn bắt buộc xác thực hai lớp; không thể tắt."),
            code="two_factor_required",
            field="otp_token",
        )
    devices = list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
    if not devices:
        raise ServiceError(
            _("Xác thực hai lớp chưa được bật."), code="not_enabled", field="otp_token"
        )
    TOTPDevice.objects.filter(pk__in=devices).delete()
    # Recovery codes stand in for the app; without the app they must not log anyone in.
    StaticDevice.objects.filter(user=user).delete()
    log_action(
        actor=actor,
        action="congvu.accounts.two_factor.removed",
        obj=user,
        before={"device_ids": devices},
    )
    return len(devices)


# --- Recovery codes (mã dự phòng) -----------------------------------------------------


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def recovery_codes_generate(*, actor, user) -> list[str]:
    """Make a new set of one-time recovery codes, replacing any earlier set.

    The codes are returned to be shown once; the audit trail records only
    how many were made.
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("Bạn chỉ có thể tạo mã dự phòng cho chính mình."))
    if confirmed_device(user) is None:
        raise ServiceError(
            _("Hãy bật xác thực hai lớp trước khi tạo mã dự phòng."),
            code="not_enabled",
            field="otp_token",
        )
    # The device is kept (only its codes change) so that a session verified with
    # an earlier code stays verified.
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(RECOVERY_CODE_LENGTH))
        for _n in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    log_action(
        actor=actor,
        action="congvu.accounts.two_factor.recovery_codes_generated",
        obj=user,
        after={"count": len(codes)},
    )
    return [format_recovery_code(c) for c in codes]


@transaction.atomic
def recovery_code_use(*, user, code: str) -> StaticDevice | None:
    """Spend one recovery code of ``user``; the device that held it, or None.

    The row is locked and deleted in one transaction, so two requests racing
    with the same code cannot both pass.
    """
    code = normalise_recovery_code(code)
    if len(code) != RECOVERY_CODE_LENGTH:
        return None
    token = (
        StaticToken.objects.select_for_update()
        .filter(device__user=user, device__confirmed=True, token=code)
        .select_related("device")
        .first()
    )
    if token is None:
        return None
    device = token.device
    token.delete()
    log_action(
        actor=user,
        action="congvu.accounts.two_factor.recovery_code_used",
        obj=user,
        after={"left": recovery_codes_left(user)},
    )
    return device
