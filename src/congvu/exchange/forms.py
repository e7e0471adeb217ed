"""Forms of the received-package pages (/app/lien-thong/)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Phải nhập lý do trả lại.")},
        help_text=_("Nơi gửi nhận được lý do này cùng thông báo “từ chối tiếp nhận”."),
    )


class RegisterForm(forms.Form):
    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây không phải văn bản đã vào sổ, vẫn vào sổ"),
        required=False,
    )
