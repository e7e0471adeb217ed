""" "Việc của tôi" counters for incoming documents (see congvu.web.mywork)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.web.mywork import register_counter, register_link

from . import selectors
from .constants import Status


def _list_url(**params):
    return lambda actor: f"{reverse('incoming:list')}?{urlencode(params)}"


@register_counter(
    "incoming_to_register",
    label=_("Văn bản đến chờ vào sổ"),
    roles={Role.CLERK},
    order=10,
    url="incoming:pending",
)
def incoming_to_register(actor) -> int:
    return selectors.pending_internal(actor=actor).count()


@register_counter(
    "incoming_to_present",
    label=_("Văn bản đến chờ trình"),
    roles={Role.CLERK},
    order=20,
    url=_list_url(trang_thai=Status.REGISTERED),
)
def incoming_to_present(actor) -> int:
    return selectors.to_present(actor=actor).count()


@register_counter(
    "incoming_to_direct",
    label=_("Văn bản đến chờ chỉ đạo"),
    roles=None,
    order=30,
    url=_list_url(trang_thai=Status.PRESENTED),
)
def incoming_to_direct(actor) -> int | None:
    count = selectors.to_direct(actor=actor).count()
    if count == 0 and not (actor.all_roles & LEADER_ROLES):
        return None
    return count


@register_counter(
    "incoming_to_process",
    label=_("Văn bản đến cần xử lý"),
    roles=None,
    order=40,
    url=_list_url(trang_thai=Status.IN_PROGRESS),
)
def incoming_to_process(actor) -> int:
    return selectors.to_process(actor=actor).count()


@register_counter(
    "incoming_overdue",
    label=_("Văn bản đến quá hạn"),
    roles=None,
    order=50,
    url="incoming:list",
    description=_("Quá hạn xử lý, hoặc chưa vào sổ, chưa trình sau ngày làm việc tiếp theo"),
)
def incoming_overdue(actor) -> int | None:
    count = (
        selectors.overdue(actor=actor).count()
        + selectors.overdue_for_registration(actor=actor)
        .filter(unit_id__in=[u for u, r in actor.roles.items() if Role.CLERK in r])
        .count()
        + selectors.overdue_for_presentation(actor=actor)
        .filter(unit_id__in=[u for u, r in actor.roles.items() if Role.CLERK in r])
        .count()
    )
    return count


register_link(
    "clerk_incoming_register",
    section="clerk",
    label=_("Vào sổ văn bản đến"),
    url="incoming:register",
    order=10,
)
register_link(
    "clerk_incoming_list",
    section="clerk",
    label=_("Văn bản đến"),
    url="incoming:list",
    order=20,
)
register_link(
    "leader_incoming_list",
    section="leader",
    label=_("Văn bản đến"),
    url="incoming:list",
    order=10,
)
register_link(
    "specialist_incoming_list",
    section="specialist",
    label=_("Văn bản đến được giao"),
    url="incoming:list",
    order=10,
)
