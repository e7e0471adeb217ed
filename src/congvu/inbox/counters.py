""" "Việc của tôi" links of the home page (/app/) to the inbox and the deadlines page."""

from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import Role
from congvu.web.mywork import register_link

for section, order in (("clerk", 1), ("leader", 1), ("specialist", 1)):
    register_link(
        f"inbox_home_{section}",
        section=section,
        label=_("Việc của tôi: tất cả việc đang chờ"),
        url="inbox:home",
        order=order,
    )
register_link(
    "inbox_deadlines_leader",
    section="leader",
    label=_("Hạn xử lý của đơn vị"),
    url="inbox:deadlines",
    order=2,
)
register_link(
    "inbox_deadlines_admin",
    section="admin",
    label=_("Hạn xử lý của đơn vị"),
    url="inbox:deadlines",
    order=2,
    roles={Role.UNIT_ADMIN},
)
