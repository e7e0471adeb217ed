"""Who sees which dossier (hồ sơ).

- a citizen sees the dossiers filed from their own account, nothing else;
- one-stop officers and leaders of the receiving unit see what the desk received;
- leaders of the competent unit see what their unit decides;
- members of a unit that holds (or held) a step of the dossier, and the
  person assigned to a step, see that dossier;
- unit administrators see dossiers of their subtree; system administrators all.

Anonymous look-up by code and phone number does not go through here: it is a
separate, rate-limited selector that returns only the public history.
"""

from __future__ import annotations

from django.db.models import Q

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.core.authz import ALL, NONE, Actor, policy

from .models import (
    ClockPause,
    Dossier,
    DossierCounter,
    DossierEvent,
    DossierForm,
    DossierPaper,
    DossierStep,
    DueChange,
    PendingUpload,
    Rating,
)

DESK_ROLES = {Role.ONESTOP_OFFICER, *LEADER_ROLES}


def _units_with(actor: Actor, roles) -> set[int]:
    return {unit_id for unit_id, held in actor.roles.items() if held & set(roles)}


def dossier_rule(actor: Actor):
    if actor.is_citizen:
        return Q(applicant_id=actor.user_id)
    if not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    steps = DossierStep.objects.filter(
        Q(assignee_id=actor.user_id) | Q(unit_id__in=actor.unit_ids)
    ).values("dossier_id")
    return (
        Q(receiving_unit_id__in=_units_with(actor, DESK_ROLES))
        | Q(competent_unit_id__in=_units_with(actor, LEADER_ROLES))
        | Q(receiving_unit_id__in=actor.admin_unit_ids)
        | Q(competent_unit_id__in=actor.admin_unit_ids)
        | Q(pk__in=steps)
    )


@policy(Dossier)
def dossier_policy(actor: Actor, action: str):
    return dossier_rule(actor)


def _through_dossier(actor: Actor):
    rule = dossier_rule(actor)
    if rule is NONE or rule is ALL:
        return rule
    return Q(dossier__in=Dossier.objects.filter(rule).values("pk"))


for _model in (DossierPaper, DossierStep, ClockPause, DossierForm, Rating, DueChange):
    policy(_model)(lambda actor, action: _through_dossier(actor))


@policy(DossierEvent)
def dossier_event_policy(actor: Actor, action: str):
    rule = _through_dossier(actor)
    if actor.is_citizen and rule is not NONE:
        return rule & Q(public=True)
    return rule


@policy(DossierCounter)
def dossier_counter_policy(actor: Actor, action: str):
    # Internal sequences: read by services without restrict(); admins may inspect.
    return ALL if actor.is_system_admin and action == "view" else NONE


@policy(PendingUpload)
def pending_upload_policy(actor: Actor, action: str):
    # Files of an unsent form: only the account that uploaded them; the desk sees them once sent.
    if actor.is_citizen:
        return Q(holder=f"u:{actor.user_id}")
    return ALL if actor.is_system_admin and action == "view" else NONE
