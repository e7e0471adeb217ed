"""Filter forms of the officials' pages (GET only: they change no state)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class OrgTreeForm(forms.Form):
    """Which day to show the organisation tree for (default: today)."""

    ngay = forms.DateField(
        label=_("Cơ cấu tại ngày"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class DirectoryForm(forms.Form):
    """Danh bạ search: free text (accent-insensitive) and a unit (with its sub-units)."""

    q = forms.CharField(
        label=_("Tìm cán bộ"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("Họ tên, tên đăng nhập hoặc thư điện tử"),
            }
        ),
    )
    don_vi = forms.TypedChoiceField(
        label=_("Đơn vị"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = [("", _("Tất cả đơn vị")), *unit_choices]
