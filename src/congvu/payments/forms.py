"""Forms of the payment pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CashForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Số tiền (đồng)"),
        min_value=1,
        error_messages={
            "required": _("Nhập số tiền (đồng)."),
            "min_value": _("Số tiền phải lớn hơn 0."),
            "invalid": _("Số tiền phải là số nguyên (đồng)."),
        },
    )
    payer_name = forms.CharField(label=_("Người nộp tiền"), max_length=255, required=False)
