"""Scope rules of the outbox: the queue is the system administrators' (quản trị hệ thống)."""

from congvu.core.authz import ALL, NONE, Actor, policy

from .models import Delivery, OutboxMessage

ACTIONS = {"view", "retry"}


def is_queue_admin(actor: Actor) -> bool:
    """The IT administrators who watch the queue and retry dead letters."""
    return actor.is_system_admin


@policy(OutboxMessage)
def message_policy(actor: Actor, action: str):
    return ALL if action == "view" and is_queue_admin(actor) else NONE


@policy(Delivery)
def delivery_policy(actor: Actor, action: str):
    return ALL if action in ACTIONS and is_queue_admin(actor) else NONE
