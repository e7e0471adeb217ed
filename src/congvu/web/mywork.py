""" "Việc của tôi": the counters and quick links of an official's home page.

The home page (``web:home``) knows nothing about documents, dossiers or any
later capability. Each app contributes what the actor has to do by
registering *counter providers* and *quick links* here. The home page shows
only those whose roles match the actor's active roles (including roles held
through an active ủy quyền).

How a capability adds a counter
-------------------------------
Create ``<app>/counters.py`` (it is imported automatically at start-up by
``congvu.web.apps.WebConfig.ready`` through ``autodiscover_modules``)::

    from django.utils.translation import gettext_lazy as _

    from congvu.accounts.constants import Role
    from congvu.web.mywork import register_counter


    @register_counter(
        "incoming_to_register",
        label=_("Văn bản đến chờ vào sổ"),
        roles={Role.CLERK},
        order=10,
        url="docs:incoming_list",  # a URL name (optionally "name#anchor"),
                                   # or a callable (actor) -> URL or None
    )
    def incoming_to_register(actor) -> int | None:
        return incoming_documents(actor=actor, state="received").count()

Rules for providers:

- The function takes the :class:`congvu.core.authz.Actor` and returns an
  ``int``, or ``None`` to hide the card for this actor (nothing to count).
- It must read through a selector, i.e. through ``restrict(actor, ...)``:
  a counter is data like any other and never counts rows outside scope.
- ``roles=None`` means every official; otherwise the card shows when the
  actor holds at least one of the roles. ``Role.SYSTEM_ADMIN`` also
  matches superusers (``Actor.is_system_admin``).
- ``order`` sorts the cards (lower first); use steps of 10 and leave room.
- Keys are unique; registering the same key twice replaces the provider
  (so module reloads in tests and the dev server are harmless).
- Keep it cheap: one ``COUNT`` query. The home page runs every provider
  that applies on each visit.

Quick links work the same way with :func:`register_link`; each link belongs
to one of the role sections of :data:`SECTIONS` (văn thư, lãnh đạo, chuyên
viên, một cửa, quản trị) and is shown when the actor has that section's roles.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.core.authz import Actor, as_actor

CounterFn = Callable[[Actor], "int | None"]
UrlSpec = str | Callable[[Actor], "str | None"] | None


def _roles_match(actor: Actor, roles: frozenset[str] | None) -> bool:
    if not actor.is_official:
        return False
    if roles is None:
        return True
    if Role.SYSTEM_ADMIN in roles and actor.is_system_admin:
        return True
    return bool(actor.all_roles & roles)


def _resolve_url(url: UrlSpec, actor: Actor) -> str | None:
    if url is None:
        return None
    if callable(url):
        return url(actor)
    name, _sep, fragment = url.partition("#")
    try:
        return reverse(name) + (f"#{fragment}" if fragment else "")
    except NoReverseMatch:
        # The page a counter points to may belong to an app not installed in
        # this deployment; the count is still worth showing without a link.
        return None


@dataclass(frozen=True)
class CounterProvider:
    """One registered counter: who sees it and how it is computed."""

    key: str
    label: str | Promise
    fn: CounterFn
    roles: frozenset[str] | None
    order: int
    url: UrlSpec
    description: str | Promise = ""

    def applies_to(self, actor: Actor) -> bool:
        return _roles_match(actor, self.roles)


@dataclass(frozen=True)
class CounterValue:
    """A computed counter, ready for the template (``.cards`` / ``.card .count``)."""

    key: str
    label: str | Promise
    count: int
    url: str | None
    description: str | Promise = ""


_COUNTERS: dict[str, CounterProvider] = {}


def _frozen(roles: Iterable[str] | None) -> frozenset[str] | None:
    return None if roles is None else frozenset(str(r) for r in roles)


def register_counter(
    key: str,
    *,
    label: str | Promise,
    roles: Iterable[str] | None = None,
    order: int = 100,
    url: UrlSpec = None,
    description: str | Promise = "",
) -> Callable[[CounterFn], CounterFn]:
    """Register ``fn(actor) -> int | None`` as the "Việc của tôi" counter ``key`` (decorator)."""

    def decorator(fn: CounterFn) -> CounterFn:
        _COUNTERS[key] = CounterProvider(
            key=key,
            label=label,
            fn=fn,
            roles=_frozen(roles),
            order=order,
            url=url,
            description=description,
        )
        return fn

    return decorator


def unregister_counter(key: str) -> None:
    _COUNTERS.pop(key, None)


def registered_counters() -> list[CounterProvider]:
    return sorted(_COUNTERS.values(), key=lambda c: (c.order, c.key))


_SHARED: ContextVar[dict | None] = ContextVar("congvu_counters_shared", default=None)


def shared(key: Hashable, compute: Callable[[], object]):
    """``compute()`` once per :func:`counters_for` call, shared by the providers that ask.

    Lets several counters come from one query (e.g. the inbox counts every
    document category at once). Outside ``counters_for`` it simply computes,
    so nothing is kept beyond one rendering of the home page.
    """
    memo = _SHARED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def counters_for(actor_or_user) -> list[CounterValue]:
    """The counters that apply to the actor's roles, computed, in display order.

    Providers returning ``None`` are left out.
    """
    actor = as_actor(actor_or_user)
    values = []
    token = _SHARED.set({})
    try:
        for provider in registered_counters():
            if not provider.applies_to(actor):
                continue
            count = provider.fn(actor)
            if count is None:
                continue
            values.append(
                CounterValue(
                    key=provider.key,
                    label=provider.label,
                    count=int(count),
                    url=_resolve_url(provider.url, actor),
                    description=provider.description,
                )
            )
    finally:
        _SHARED.reset(token)
    return values


# --- Quick links per role section ----------------------------------------------


@dataclass(frozen=True)
class Section:
    """A block of the home page titled for a role (văn thư, lãnh đạo, …)."""

    key: str
    title: str | Promise
    roles: frozenset[str]


#: Role sections of the home page, in display order.
SECTIONS: tuple[Section, ...] = (
    Section("clerk", _("Văn thư"), frozenset({Role.CLERK})),
    Section("leader", _("Lãnh đạo"), frozenset(LEADER_ROLES)),
    Section("specialist", _("Chuyên viên"), frozenset({Role.SPECIALIST})),
    Section("onestop", _("Một cửa"), frozenset({Role.ONESTOP_OFFICER})),
    Section("admin", _("Quản trị"), frozenset({Role.UNIT_ADMIN, Role.SYSTEM_ADMIN})),
)
_SECTION_KEYS = {s.key for s in SECTIONS}


@dataclass(frozen=True)
class QuickLink:
    """One registered link of a role section."""

    key: str
    section: str
    label: str | Promise
    url: UrlSpec
    order: int
    description: str | Promise = ""
    roles: frozenset[str] | None = None


@dataclass(frozen=True)
class ResolvedLink:
    label: str | Promise
    url: str
    description: str | Promise = ""


@dataclass(frozen=True)
class SectionLinks:
    key: str
    title: str | Promise
    links: list[ResolvedLink]


_LINKS: dict[str, QuickLink] = {}


def register_link(
    key: str,
    *,
    section: str,
    label: str | Promise,
    url: UrlSpec,
    order: int = 100,
    description: str | Promise = "",
    roles: Iterable[str] | None = None,
) -> None:
    """Add a quick link to a role section of the home page.

    ``roles`` narrows the link further inside its section (e.g. only the
    system administrator among the "Quản trị" roles).
    """
    if section not in _SECTION_KEYS:
        raise ValueError(f"Unknown home page section {section!r}")
    _LINKS[key] = QuickLink(
        key=key,
        section=section,
        label=label,
        url=url,
        order=order,
        description=description,
        roles=_frozen(roles),
    )


def unregister_link(key: str) -> None:
    _LINKS.pop(key, None)


def sections_for(actor_or_user) -> list[SectionLinks]:
    """The role sections the actor has, each with its resolvable links."""
    actor = as_actor(actor_or_user)
    result = []
    links = sorted(_LINKS.values(), key=lambda link: (link.order, link.key))
    for section in SECTIONS:
        if not _roles_match(actor, section.roles):
            continue
        resolved = []
        for link in links:
            if link.section != section.key or not _roles_match(actor, link.roles):
                continue
            url = _resolve_url(link.url, actor)
            if url:
                resolved.append(ResolvedLink(link.label, url, link.description))
        result.append(SectionLinks(section.key, section.title, resolved))
    return result
