"""Account kinds, roles (vai trò) and confidentiality levels (độ mật)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    OFFICIAL = "official", _("Cán bộ, công chức")
    CITIZEN = "citizen", _("Công dân, doanh nghiệp")


class ApplicantType(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")


class Role(models.TextChoices):
    CLERK = "clerk", _("Văn thư")
    LEADER_HEAD = "leader_head", _("Lãnh đạo (cấp trưởng)")
    LEADER_DEPUTY = "leader_deputy", _("Lãnh đạo (cấp phó)")
    SPECIALIST = "specialist", _("Chuyên viên")
    ONESTOP_OFFICER = "onestop_officer", _("Cán bộ một cửa")
    UNIT_ADMIN = "unit_admin", _("Quản trị đơn vị")
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")


LEADER_ROLES = {Role.LEADER_HEAD, Role.LEADER_DEPUTY}


class Confidentiality(models.IntegerChoices):
    """Độ mật. Tối mật and Tuyệt mật never enter congvu (they need an isolated system)."""

    NORMAL = 0, _("Thường")
    SECRET = 1, _("Mật")
