"""Query parameters of a register export: unit, date range, Mật, volume (quyển số)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.core.text import vietnamese_sorted

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MAX_DAYS = 366 * 5


def date_field(label):
    """A dd/mm/yyyy date field whose errors name it (shared by every printed register)."""
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": _("%(field)s: nhập ngày (dd/mm/yyyy).") % {"field": label},
            "invalid": _("%(field)s: ngày không hợp lệ, nhập theo dạng dd/mm/yyyy.")
            % {"field": label},
        },
    )


class RegisterExportForm(forms.Form):
    don_vi = forms.TypedChoiceField(
        label=_("Đơn vị"),
        coerce=int,
        error_messages={
            "required": _("Đơn vị: chọn đơn vị."),
            "invalid_choice": _("Đơn vị: không có đơn vị này trong phạm vi của bạn."),
        },
    )
    tu = date_field(_("Từ ngày"))
    den = date_field(_("Đến ngày"))
    mat = forms.BooleanField(label=_("Sổ văn bản Mật"), required=False)
    quyen = forms.IntegerField(
        label=_("Quyển số"),
        min_value=1,
        max_value=999,
        required=False,
        error_messages={"invalid": _("Quyển số: nhập một số nguyên.")},
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = vietnamese_sorted(
            [(u.pk, u.name) for u in units], key=lambda c: c[1]
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("tu"), data.get("den")
        if start and end:
            if end < start:
                self.add_error("den", _("Đến ngày: phải sau hoặc bằng Từ ngày."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("den", _("Đến ngày: khoảng thời gian tối đa 5 năm."))
        return data
