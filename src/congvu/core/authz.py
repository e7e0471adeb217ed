"""The one authorization point: ``Model.objects.restrict(actor, action)``.

Every queryset an actor can reach is narrowed by a *policy* registered for its
model. A policy receives an :class:`Actor` and an action name ("view",
"change", …) and returns a ``Q`` (rows allowed), :data:`ALL` or :data:`NONE`.
A model without a policy refuses every actor, so a forgotten registration
fails closed. Detail views fetch through ``restrict`` and so answer 404 for
objects outside scope (the object's existence is itself information).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

ALL = object()
NONE = object()

Policy = Callable[["Actor", str], "Q | object"]
_POLICIES: dict[type[models.Model], Policy] = {}


def policy(model: type[models.Model]) -> Callable[[Policy], Policy]:
    """Register the scope rule of ``model`` (decorator)."""

    def register(fn: Policy) -> Policy:
        _POLICIES[model] = fn
        return fn

    return register


# Reads a user's roles per unit, administered subtrees and clearance. The
# accounts app, which owns positions and delegations, registers it when ready:
# core knows no app above it (docs/architecture.md, "Layers").
_actor_facts: Callable[[object], dict] | None = None


def register_actor_facts(fn: Callable[[object], dict]) -> None:
    """Set the function that turns a user into the keyword arguments of ``Actor``."""
    global _actor_facts
    _actor_facts = fn


def registered_models() -> list[type[models.Model]]:
    return list(_POLICIES)


@dataclass
class Actor:
    """Who is acting: a user with their active positions, resolved once per request.

    ``unit_ids`` are the units where the user holds an active position;
    ``admin_unit_ids`` the subtrees they administer; ``clearance`` the highest
    confidentiality level (độ mật) they may read.
    """

    user: object | None
    roles: dict[int, set[str]] = field(default_factory=dict)
    admin_unit_ids: set[int] = field(default_factory=set)
    clearance: int = 0

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated and self.user.is_active)

    @property
    def is_official(self) -> bool:
        return self.is_authenticated and self.user.kind == "official"

    @property
    def is_citizen(self) -> bool:
        return self.is_authenticated and self.user.kind == "citizen"

    @property
    def is_system_admin(self) -> bool:
        return self.is_official and (self.user.is_superuser or "system_admin" in self.all_roles)

    @cached_property
    def all_roles(self) -> set[str]:
        return set().union(*self.roles.values()) if self.roles else set()

    @property
    def unit_ids(self) -> set[int]:
        return set(self.roles)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.is_authenticated else None

    def has_role(self, role: str, unit_id: int | None = None) -> bool:
        if unit_id is None:
            return role in self.all_roles
        return role in self.roles.get(unit_id, set())


def as_actor(user_or_actor) -> Actor:
    """Resolve a user (or AnonymousUser, or None) into an Actor, cached on the user."""
    if isinstance(user_or_actor, Actor):
        return user_or_actor
    user = user_or_actor
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user=None)
    cached = getattr(user, "_congvu_actor", None)
    if cached is not None:
        return cached
    if _actor_facts is None:
        raise ImproperlyConfigured("No actor facts registered (congvu.accounts is not installed)")
    actor = Actor(user=user, **_actor_facts(user))
    user._congvu_actor = actor
    return actor


class RestrictedQuerySet(models.QuerySet):
    """QuerySet with ``restrict(actor, action)``."""

    def restrict(self, actor, action: str = "view"):
        model = self.model
        fn = _POLICIES.get(model)
        if fn is None:
            for base in model.__mro__[1:]:
                if base in _POLICIES:
                    fn = _POLICIES[base]
                    break
        if fn is None:
            raise ImproperlyConfigured(f"No restrict() policy registered for {model._meta.label}")
        rule = fn(as_actor(actor), action)
        if rule is ALL:
            return self
        if rule is NONE or rule is None:
            return self.none()
        if isinstance(rule, Q):
            return self.filter(rule)
        raise ImproperlyConfigured(f"Policy for {model._meta.label} returned {rule!r}")


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
