"""Demo signing keys: made when the demo is loaded, never shipped.

A fresh test CA (its private key is thrown away once the certificates are
issued), a PKCS#12 key with a generated signature image for every leader and
one with a generated red seal for every unit that has a văn thư, and the CA
as a trust anchor, so that documents the demo issues carry two valid
signatures. Each PKCS#12 gets its own random password, stored encrypted.
"""

from __future__ import annotations

import secrets

from django.db import transaction

from . import pki
from .models import KeyKind, SigningKey
from .services import add_anchor_unchecked, register_key_unchecked


@transaction.atomic
def provision_demo_keys() -> int:
    """Give every leader and every issuing unit a demo key; returns how many were made."""
    from congvu.accounts.constants import LEADER_ROLES, Role
    from congvu.accounts.models import Position

    ca = pki.make_ca("congvu Demo CA (không dùng thật)")
    add_anchor_unchecked(actor=None, name="congvu Demo CA", certificate_pem=ca.pem)
    made = 0
    # Every position, past ones too: the demo issues documents of the former district era.
    positions = Position.objects.select_related("user", "unit")
    for position in positions.filter(role__in=LEADER_ROLES).order_by("pk"):
        if SigningKey.objects.filter(kind=KeyKind.PERSON, user=position.user).exists():
            continue
        password = secrets.token_urlsafe(16)
        name = position.user.full_name or position.user.username
        register_key_unchecked(
            actor=None,
            unit=position.unit,
            kind=KeyKind.PERSON,
            user=position.user,
            pkcs12_data=pki.issue_pkcs12(ca, name, position.unit.name, password),
            password=password,
            image=pki.signature_png(name),
        )
        made += 1
    for position in positions.filter(role=Role.CLERK).order_by("pk"):
        unit = position.unit
        if SigningKey.objects.filter(kind=KeyKind.AGENCY, unit=unit).exists():
            continue
        password = secrets.token_urlsafe(16)
        register_key_unchecked(
            actor=None,
            unit=unit,
            kind=KeyKind.AGENCY,
            pkcs12_data=pki.issue_pkcs12(ca, unit.name, unit.name, password),
            password=password,
            image=pki.seal_png(),
        )
        made += 1
    return made
