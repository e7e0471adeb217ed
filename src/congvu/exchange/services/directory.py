"""The directory of outside agencies (danh bạ liên thông): effective-dated versions.

A change never rewrites a version: it closes the open one the day before the
new one takes effect, so what was true on a date can always be read back.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError

from ..channels import EDXML_AXIS, get_channel
from ..edxml.codes import is_agency_code
from ..models import OutsideAgency
from .common import audit, require_directory_editor

_COMPARED = ("name", "parent_code", "address", "email", "channels")


def _clean_channels(channels, code: str) -> list[dict]:
    if channels is None:
        return [{"channel": EDXML_AXIS, "address": code}]
    cleaned = []
    for item in channels:
        if isinstance(item, str):
            item = {"channel": item}
        channel = get_channel(str(item.get("channel", "")).strip())
        if channel is None:
            raise ServiceError(
                _("Kênh gửi “%(channel)s” không có trong danh mục.")
                % {"channel": item.get("channel", "")},
                code="unknown_channel",
                field="channels",
            )
        address = str(item.get("address", "") or "").strip()
        if channel.code == EDXML_AXIS and not address:
            address = code
        error = channel.address_error(address)
        if error:
            raise ServiceError(
                f"{channel.name}: {error}", code="invalid_channel_address", field="channels"
            )
        cleaned.append({"channel": channel.code, "address": address})
    return cleaned


def _validate(code: str, name: str, parent_code: str, email: str) -> None:
    if not is_agency_code(code):
        raise ServiceError(
            _("Mã định danh phải có dạng 000.00.31.H57 (13 ký tự)."),
            code="agency_code_format",
            field="code",
        )
    if not name:
        raise ServiceError(_("Phải nhập tên cơ quan."), code="required", field="name")
    if parent_code and not is_agency_code(parent_code):
        raise ServiceError(
            _("Mã cơ quan chủ quản phải có dạng 000.00.31.H57 (13 ký tự)."),
            code="agency_code_format",
            field="parent_code",
        )
    if parent_code == code:
        raise ServiceError(
            _("Cơ quan không thể là cơ quan chủ quản của chính nó."),
            code="parent_is_self",
            field="parent_code",
        )
    if email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(
                _("Địa chỉ thư điện tử không hợp lệ."), code="invalid_email", field="email"
            ) from None


@transaction.atomic
def agency_save(
    *,
    actor,
    code: str,
    name: str,
    valid_from: datetime.date | None = None,
    parent_code: str = "",
    address: str = "",
    email: str = "",
    channels=None,
) -> tuple[OutsideAgency, str]:
    """Add an agency, or a new version of it from ``valid_from``; returns (version, outcome).

    ``outcome`` is ``created``, ``updated`` (a new version, the previous one
    closed the day before) or ``unchanged`` (same values: nothing written).
    """
    require_directory_editor(actor)
    code = (code or "").strip().upper()
    name = (name or "").strip()
    parent_code = (parent_code or "").strip().upper()
    email = (email or "").strip()
    _validate(code, name, parent_code, email)
    values = {
        "name": name,
        "parent_code": parent_code,
        "address": (address or "").strip(),
        "email": email,
        "channels": _clean_channels(channels, code),
    }
    valid_from = valid_from or timezone.localdate()
    current = OutsideAgency.objects.select_for_update().filter(code=code, valid_to__isnull=True)
    current = current.first()
    user = as_actor(actor).user
    if current is None:
        if OutsideAgency.objects.filter(code=code, valid_to__gte=valid_from).exists():
            raise ServiceError(
                _("Cơ quan %(code)s đã có phiên bản hiệu lực sau ngày %(day)s.")
                % {"code": code, "day": valid_from.strftime("%d/%m/%Y")},
                code="agency_overlap",
                field="valid_from",
            )
        agency = OutsideAgency.objects.create(
            code=code, valid_from=valid_from, created_by=user, **values
        )
        audit(actor, "agency", "created", agency, after=snapshot(agency))
        return agency, "created"
    if all(getattr(current, f) == values[f] for f in _COMPARED):
        return current, "unchanged"
    if valid_from <= current.valid_from:
        raise ServiceError(
            _("Phiên bản mới phải có hiệu lực sau ngày %(day)s của phiên bản hiện tại.")
            % {"day": current.valid_from.strftime("%d/%m/%Y")},
            code="agency_backdated",
            field="valid_from",
        )
    before = snapshot(current)
    current.valid_to = valid_from - datetime.timedelta(days=1)
    current.save(update_fields=["valid_to"])
    audit(actor, "agency", "closed", current, before=before, after=snapshot(current))
    agency = OutsideAgency.objects.create(
        code=code, valid_from=valid_from, created_by=user, **values
    )
    audit(actor, "agency", "created", agency, after=snapshot(agency))
    return agency, "updated"


@transaction.atomic
def agency_close(*, actor, code: str, valid_to: datetime.date | None = None) -> OutsideAgency:
    """The agency ceases (merged, dissolved) after ``valid_to``: its open version closes."""
    require_directory_editor(actor)
    current = (
        OutsideAgency.objects.select_for_update()
        .filter(code=(code or "").strip().upper(), valid_to__isnull=True)
        .first()
    )
    if current is None:
        raise ServiceError(
            _("Không có cơ quan đang hiệu lực với mã %(code)s.") % {"code": code},
            code="not_found",
            field="code",
        )
    valid_to = valid_to or timezone.localdate()
    if valid_to < current.valid_from:
        raise ServiceError(
            _("Ngày hết hiệu lực phải từ ngày %(day)s trở đi.")
            % {"day": current.valid_from.strftime("%d/%m/%Y")},
            code="invalid_range",
            field="valid_to",
        )
    before = snapshot(current)
    current.valid_to = valid_to
    current.save(update_fields=["valid_to"])
    audit(actor, "agency", "closed", current, before=before, after=snapshot(current))
    return current
