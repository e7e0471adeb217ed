""" "Việc của tôi" counter and quick links of hồ sơ công việc and register printing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.web.mywork import register_counter, register_link

from . import selectors


@register_counter(
    "archive_handover_due",
    label=_("Hồ sơ đến hạn nộp lưu"),
    roles={Role.CLERK, *LEADER_ROLES},
    order=80,
    url="archive:handover_list",
    description=_("Hồ sơ đã kết thúc, bảo quản từ 05 năm, nộp lưu trong 01 năm."),
)
def archive_handover_due(actor) -> int:
    return len(selectors.handover_due(actor=actor))


for _section, _order in (("clerk", 60), ("leader", 60), ("specialist", 60)):
    register_link(
        f"archive_catalog_{_section}",
        section=_section,
        label=_("Hồ sơ công việc"),
        url="archive:catalog_list",
        order=_order,
    )
for _section in ("clerk", "leader"):
    register_link(
        f"registry_exports_{_section}",
        section=_section,
        label=_("In và xuất sổ đăng ký"),
        url="registry_exports:export",
        order=61,
    )
