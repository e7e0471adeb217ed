"""Foundation counters and quick links of "Việc của tôi" (see congvu.web.mywork).

Later capabilities put their own in ``<app>/counters.py``; these cover what
exists now: ủy quyền, the staff of administered units, and the audit trail.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import LEADER_ROLES, Role

from . import selectors
from .mywork import register_counter, register_link


def _unit_directory_url(actor, roles) -> str:
    """The danh bạ filtered on the first unit where the actor holds one of ``roles``."""
    units = sorted(u for u, held in actor.roles.items() if held & set(roles))
    if not units:
        return reverse("web:directory")
    return f"{reverse('web:directory')}?{urlencode({'don_vi': units[0]})}"


def _directory_of_admin_unit(actor) -> str:
    return _unit_directory_url(actor, {Role.UNIT_ADMIN})


@register_counter(
    "delegations_received",
    label=_("Ủy quyền đang nhận"),
    order=900,
    url="accounts:profile#h-delegations",
    description=_("Ủy quyền còn hiệu lực mà bạn được giao"),
)
def delegations_received(actor) -> int:
    return selectors.active_delegations(actor=actor, received=True).count()


@register_counter(
    "delegations_given",
    label=_("Ủy quyền đã giao"),
    roles=LEADER_ROLES,
    order=910,
    url="accounts:profile#h-delegations",
    description=_("Ủy quyền còn hiệu lực bạn đã giao cho cấp phó"),
)
def delegations_given(actor) -> int:
    return selectors.active_delegations(actor=actor, received=False).count()


@register_counter(
    "unit_staff",
    label=_("Cán bộ trong đơn vị"),
    roles={Role.UNIT_ADMIN},
    order=920,
    url=_directory_of_admin_unit,
    description=_("Cán bộ đang giữ chức vụ trong các đơn vị bạn quản trị"),
)
def unit_staff(actor) -> int:
    return selectors.administered_staff(actor=actor).count()


@register_counter(
    "unit_staff_without_2fa",
    label=_("Cán bộ chưa bật xác thực hai lớp"),
    roles={Role.UNIT_ADMIN},
    order=930,
    description=_("Chưa có thiết bị mã OTP đã xác nhận"),
)
def unit_staff_without_2fa(actor) -> int:
    return selectors.administered_staff(actor=actor, without_2fa=True).count()


@register_counter(
    "audit_today",
    label=_("Bản ghi nhật ký hôm nay"),
    roles={Role.SYSTEM_ADMIN},
    order=940,
    url="admin:audit_auditrecord_changelist",
)
def audit_today(actor) -> int:
    return selectors.audit_records_today(actor=actor).count()


# --- Quick links --------------------------------------------------------------

register_link(
    "clerk_org_codes",
    section="clerk",
    label=_("Mã định danh các cơ quan, đơn vị"),
    url="web:org_tree",
    order=900,
    description=_("Tra cứu tên, tên viết tắt và mã định danh để ghi nơi nhận"),
)
register_link(
    "clerk_directory",
    section="clerk",
    label=_("Danh bạ cán bộ"),
    url="web:directory",
    order=910,
)
register_link(
    "leader_staff",
    section="leader",
    label=_("Cán bộ trong đơn vị"),
    url=lambda actor: _unit_directory_url(actor, LEADER_ROLES),
    order=900,
)
register_link(
    "leader_delegation",
    section="leader",
    label=_("Ủy quyền cho cấp phó"),
    url="accounts:profile#h-delegations",
    order=910,
    roles={Role.LEADER_HEAD},
)
register_link(
    "specialist_directory",
    section="specialist",
    label=_("Danh bạ cán bộ"),
    url="web:directory",
    order=900,
)
register_link(
    "specialist_profile",
    section="specialist",
    label=_("Hồ sơ cá nhân và xác thực hai lớp"),
    url="accounts:profile#h-2fa",
    order=910,
)
register_link(
    "onestop_portal",
    section="onestop",
    label=_("Cổng dịch vụ công của người dân"),
    url=lambda actor: "/",
    order=900,
)
register_link(
    "onestop_org",
    section="onestop",
    label=_("Cơ quan, đơn vị tiếp nhận hồ sơ"),
    url="web:org_tree",
    order=910,
)
register_link(
    "admin_staff",
    section="admin",
    label=_("Cán bộ trong đơn vị"),
    url=_directory_of_admin_unit,
    order=900,
    roles={Role.UNIT_ADMIN},
)
register_link(
    "admin_site",
    section="admin",
    label=_("Trang quản trị cấu hình"),
    url=lambda actor: reverse("admin:index") if actor.user.is_staff else None,
    order=910,
)
register_link(
    "admin_signing_keys",
    section="admin",
    label=_("Khóa ký số của đơn vị"),
    url="signatures:key_list",
    order=905,
    description=_("Đăng ký, thu hồi khóa ký số; chứng thư sắp hết hạn"),
)
register_link(
    "admin_outbox",
    section="admin",
    label=_("Hàng đợi sự kiện"),
    url="events:queue",
    order=920,
    roles={Role.SYSTEM_ADMIN},
)
