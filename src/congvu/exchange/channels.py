"""Delivery channels (kênh gửi văn bản) as a registry of plugins.

A channel knows its code, its name and how to check the address it needs
(an agency code for the edXML axis, an e-mail, a postal address). Sending
itself is not here: ``services/sending.py`` sends over the transport to the
recipients whose channel is ``edxml_axis``. Apps or deployments add channels with
:func:`register_channel` (an LGSP of a province, a fax gateway…).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from .edxml.codes import is_agency_code

INTERNAL = "internal"
POSTAL = "postal"
EDXML_AXIS = "edxml_axis"
EMAIL = "email"


@dataclass(frozen=True)
class Channel:
    code: str
    name: str
    #: Delivered electronically (counts as "đã gửi điện tử"); postal is not.
    electronic: bool
    #: Returns an error message for a bad address, "" when it is fine.
    check_address: Callable[[str], str]

    def address_error(self, address: str) -> str:
        return self.check_address((address or "").strip())


def _no_address(address: str) -> str:
    return ""


def _postal(address: str) -> str:
    return "" if address else str(_("Phải nhập địa chỉ bưu chính."))


def _agency_code(address: str) -> str:
    if is_agency_code(address):
        return ""
    return str(_("Mã định danh phải có dạng 000.00.31.H57 (13 ký tự)."))


def _email(address: str) -> str:
    try:
        validate_email(address)
    except ValidationError:
        return str(_("Địa chỉ thư điện tử không hợp lệ."))
    return ""


_REGISTRY: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    _REGISTRY[channel.code] = channel


def get_channel(code: str) -> Channel | None:
    return _REGISTRY.get(code)


def all_channels() -> list[Channel]:
    return list(_REGISTRY.values())


register_channel(Channel(INTERNAL, _("Liên thông nội bộ"), True, _no_address))
register_channel(Channel(POSTAL, _("Bưu chính"), False, _postal))
register_channel(Channel(EDXML_AXIS, _("Trục liên thông (edXML)"), True, _agency_code))
register_channel(Channel(EMAIL, _("Thư điện tử"), True, _email))
