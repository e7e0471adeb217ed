""" "Việc của tôi" counter and quick link for received packages (see congvu.web.mywork)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import Role
from congvu.web.mywork import register_counter, register_link

from . import selectors


@register_counter(
    "exchange_packages_waiting",
    label=_("Văn bản liên thông chờ vào sổ"),
    roles={Role.CLERK, Role.UNIT_ADMIN, Role.SYSTEM_ADMIN},
    order=15,
    url="exchange:list",
    description=_(
        "Gói tin edXML nhận qua trục liên thông, chờ vào sổ hoặc trả lại, "
        "và bản cập nhật của văn bản đã vào sổ"
    ),
)
def exchange_packages_waiting(actor) -> int:
    return selectors.packages_waiting(actor).count()


register_link(
    "clerk_exchange_packages",
    section="clerk",
    label=_("Văn bản liên thông đến"),
    url="exchange:list",
    order=15,
)
