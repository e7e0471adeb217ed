"""Two-factor login in the demo: one account with a known TOTP key and known recovery codes.

The values are public (README), like the demo password: they exist so that
anyone trying the demo can go through the code step without guessing. Never
call this outside ``congvu load_demo``.
"""

from __future__ import annotations

from base64 import b32decode

from django.db import transaction

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from congvu.audit.services import log_action

from .twofactor import DEVICE_NAME, RECOVERY_DEVICE_NAME, normalise_recovery_code

DEMO_2FA_USERNAME = "quantri.thanhphu"
#: Base32, as typed into an authenticator app (20 bytes).
DEMO_TOTP_SECRET = "CONGVUDEMOTHANHPHUXACTHUCHAILOPA"
DEMO_RECOVERY_CODES = [f"thanh-phu{n:02d}" for n in range(1, 6)]


@transaction.atomic
def demo_two_factor_ensure(user) -> bool:
    """Give ``user`` the demo TOTP device and restore the demo recovery codes.

    Idempotent: a second run changes nothing except putting back codes that
    were used. True when something was written.
    """
    key = b32decode(DEMO_TOTP_SECRET).hex()
    changed = False
    if not TOTPDevice.objects.filter(user=user, key=key, confirmed=True).exists():
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
        changed = True
    device, created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    have = set(device.token_set.values_list("token", flat=True))
    missing = [
        code
        for code in (normalise_recovery_code(c) for c in DEMO_RECOVERY_CODES)
        if code not in have
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in missing)
    changed = changed or created or bool(missing)
    if changed:
        log_action(
            actor=None,
            action="congvu.accounts.two_factor.enabled",
            obj=user,
            after={"demo": True, "recovery_codes": len(missing)},
        )
    return changed
