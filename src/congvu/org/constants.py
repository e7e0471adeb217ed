"""Kinds of organisational unit (loại cơ quan, đơn vị)."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("UBND tỉnh, thành phố")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("UBND huyện (trước 01/07/2025)")
    OFFICE = "office", _("Phòng chuyên môn")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    TOWNSHIP = "township", _("Thị trấn")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")
    SUBUNIT = "subunit", _("Đơn vị trực thuộc")


#: Kinds that are local governments (have their own People's Committee).
GOVERNMENT_KINDS = {
    UnitKind.PROVINCE,
    UnitKind.DISTRICT,
    UnitKind.COMMUNE,
    UnitKind.WARD,
    UnitKind.TOWNSHIP,
    UnitKind.SPECIAL_ZONE,
}

#: QCVN 102:2016 agency identifier, 13 characters: XXX.YY.ZZ.Annn-style, e.g. 000.00.31.H57.
AGENCY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
