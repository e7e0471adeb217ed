"""Demo signing keys: made when the demo is loaded, never shipped.

A fresh test CA (its private key is thrown away once the certificates are
issued), a PKCS#12 key with a generated signature image for every leader and
one with a generated red seal for every unit that has a văn thư, and the CA
as a trust anchor, so that documents the demo issues carry two valid
signatures. Each PKCS#12 gets its own random password, stored encrypted.

With the sandbox remote-signing service on (``CONGVU_SIGNING_SANDBOX``, the
demo settings), one leader, :data:`REMOTE_DEMO_USERNAME`, gets no PKCS#12: her
key is enrolled at the sandbox instead and she signs by approving on its phone
page (docs/signing.md, "Ký số từ xa"). She signs none of the loaded documents,
so they are issued as before.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction

from . import pki
from .models import KeyKind, SigningKey
from .services import add_anchor_unchecked, register_key_unchecked, register_remote_unchecked

#: The demo leader whose key is at the sandbox remote-signing service.
REMOTE_DEMO_USERNAME = "phochutich.thanhphu"


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
        if _remote_demo(position.user):
            _enrol_remote(ca, position, name, password)
            continue
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


def _remote_demo(user) -> bool:
    return user.username == REMOTE_DEMO_USERNAME and getattr(
        settings, "CONGVU_SIGNING_SANDBOX", False
    )


def _enrol_remote(ca, position, name: str, password: str) -> SigningKey:
    """Enrol the leader at the sandbox (it keeps the key) and register the remote key."""
    from .sandbox import SandboxStore

    account = SandboxStore().create_account(
        pkcs12_data=pki.issue_pkcs12(ca, name, position.unit.name, password),
        password=password,
        name=name,
    )
    return register_remote_unchecked(
        actor=None,
        unit=position.unit,
        user=position.user,
        account=account.account_id,
        certificate_der=account.certificates[0],
        image=pki.signature_png(name),
        provider="sandbox",
    )
