""" "Việc của tôi" counters and links of the one-stop shop (see congvu.web.mywork)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.web.mywork import register_counter, register_link

from . import selectors


@register_counter(
    "onestop_desk_queue",
    label=_("Hồ sơ chờ tiếp nhận"),
    roles={Role.ONESTOP_OFFICER, *LEADER_ROLES},
    order=60,
    url="onestop:desk",
    description=_("Hồ sơ nộp trực tuyến chờ Bộ phận một cửa tiếp nhận"),
)
def onestop_desk_queue(actor) -> int | None:
    if not selectors.desk_units(actor):
        return None
    return selectors.desk_queue(actor).count()


@register_counter(
    "onestop_my_steps",
    label=_("Hồ sơ một cửa cần xử lý"),
    roles=None,
    order=70,
    url="onestop:my_steps",
)
def onestop_my_steps(actor) -> int | None:
    count = selectors.my_steps(actor).count()
    if count == 0 and not (actor.all_roles & {Role.ONESTOP_OFFICER, Role.SPECIALIST}):
        return None
    return count


@register_counter(
    "onestop_overdue",
    label=_("Hồ sơ một cửa quá hạn"),
    roles={Role.ONESTOP_OFFICER, *LEADER_ROLES},
    order=80,
    url="onestop:overdue",
)
def onestop_overdue(actor) -> int:
    return selectors.overdue(actor).count()


register_link(
    "onestop_register",
    section="onestop",
    label=_("Tiếp nhận hồ sơ tại quầy"),
    url="onestop:register",
    order=10,
)
register_link(
    "onestop_desk",
    section="onestop",
    label=_("Hồ sơ chờ tiếp nhận"),
    url="onestop:desk",
    order=20,
)
register_link(
    "onestop_list",
    section="onestop",
    label=_("Hồ sơ một cửa"),
    url="onestop:list",
    order=30,
)
register_link(
    "specialist_onestop_steps",
    section="specialist",
    label=_("Hồ sơ một cửa cần xử lý"),
    url="onestop:my_steps",
    order=30,
)
register_link(
    "leader_onestop_overdue",
    section="leader",
    label=_("Hồ sơ một cửa quá hạn"),
    url="onestop:overdue",
    order=30,
)
