"""Helpers for the accounts tests: TOTP devices and codes, audit look-ups."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from congvu.audit.models import AuditRecord

PASSWORD = "mat-khau-thu-nghiem-1"  # tests/factories.py UserFactory


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    """The code the phone app shows now (``drift`` steps ahead or behind)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A code that no step within the device's tolerance accepts."""
    near = {code_for(device, d) for d in range(-2, 3)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in near)


def audit_actions(action: str, obj=None):
    qs = AuditRecord.objects.filter(action=action)
    if obj is not None:
        qs = qs.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return qs


@pytest.fixture
def device_factory(db):
    def make(user, confirmed=True):
        return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=confirmed)

    return make
