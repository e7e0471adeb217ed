"""Who sees which payment.

A payment is seen by whoever sees its dossier (the applicant, the desk and
leaders of the receiving unit, …, see ``onestop.policies``). Raw callbacks
are for officials only: they carry gateway data a citizen has no use for.
Receipt counters are internal sequences.
"""

from __future__ import annotations

from django.db.models import Q

from congvu.core.authz import ALL, NONE, Actor, policy
from congvu.onestop.models import Dossier
from congvu.onestop.policies import dossier_rule

from .models import Payment, PaymentCallback, ReceiptCounter


def _through_dossier(actor: Actor, prefix: str):
    rule = dossier_rule(actor)
    if rule is NONE or rule is ALL:
        return rule
    return Q(**{f"{prefix}__in": Dossier.objects.filter(rule).values("pk")})


@policy(Payment)
def payment_policy(actor: Actor, action: str):
    return _through_dossier(actor, "dossier")


@policy(PaymentCallback)
def callback_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    return _through_dossier(actor, "payment__dossier")


@policy(ReceiptCounter)
def counter_policy(actor: Actor, action: str):
    return ALL if actor.is_system_admin and action == "view" else NONE
