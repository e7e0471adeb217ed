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

    # Every position, past ones too: the demo issues documents of the former district era.
    positions = Position.objects.select_related("user", "unit").order_by("pk")
    people, units = {}, {}
    for position in positions.filter(role__in=LEADER_ROLES):
        people.setdefault(position.user_id, position)
    for position in positions.filter(role=Role.CLERK):
        units.setdefault(position.unit_id, position.unit)
    keyed = SigningKey.objects.filter(kind=KeyKind.PERSON).values_list("user_id", flat=True)
    for user_id in set(keyed):
        people.pop(user_id, None)
    keyed = SigningKey.objects.filter(kind=KeyKind.AGENCY).values_list("unit_id", flat=True)
    for unit_id in set(keyed):
        units.pop(unit_id, None)
    if not people and not units:
        return 0  # loaded before: a second run adds nothing
    ca = pki.make_ca("congvu Demo CA (không dùng thật)")
    add_anchor_unchecked(actor=None, name="congvu Demo CA", certificate_pem=ca.pem)
    for position in people.values():
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
    for unit in units.values():
        password = secrets.token_urlsafe(16)
        register_key_unchecked(
            actor=None,
            unit=unit,
            kind=KeyKind.AGENCY,
            pkcs12_data=pki.issue_pkcs12(ca, unit.name, unit.name, password),
            password=password,
            image=pki.seal_png(),
        )
    made = len(people) + len(units)
    return made
