"""Two-factor login (xác thực hai lớp) with TOTP apps, on top of django-otp.

A unit enforces it with ``Unit.require_2fa``: every official holding an active
position there must confirm a TOTP device and enter a code at each login.
"""

from __future__ import annotations

from base64 import b32encode

from django.db import transaction
from django.utils.translation import gettext as _

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

from congvu.audit.services import log_action
from congvu.core.errors import PermissionDenied, ServiceError

from .models import Position

DEVICE_NAME = "Ứng dụng xác thực"


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
    log_action(
        actor=actor,
        action="congvu.accounts.two_factor.removed",
        obj=user,
        before={"device_ids": devices},
    )
    return len(devices)
