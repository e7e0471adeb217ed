from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import AdminNumbering


class YearFilterForm(forms.Form):
    nam = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nam"].choices = [("", _("Tất cả các năm"))] + [(y, y) for y in years]


class VoidNumberForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do hủy số"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc. Số đã hủy được giữ trong sổ và không bao giờ cấp lại."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do mở lại sổ"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc, được ghi vào nhật ký."),
    )


class NumberingPolicyForm(forms.Form):
    admin_numbering = forms.ChoiceField(
        label=_("Cách đánh số văn bản hành chính"),
        choices=AdminNumbering.choices,
        widget=forms.RadioSelect,
    )
