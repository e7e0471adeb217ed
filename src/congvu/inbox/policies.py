"""Who sees a notification: its recipient only (administrators included)."""

from django.db.models import Q

from congvu.core.authz import NONE, Actor, policy

from .models import Notification


@policy(Notification)
def notification_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    return Q(user_id=actor.user_id)
