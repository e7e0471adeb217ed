"""Forms of the officials' login, profile and delegation pages.

Forms only parse input; rules live in services, whose ServiceError is copied
onto the form with :func:`add_service_error`.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.core.errors import ServiceError
from congvu.core.text import vietnamese_order

from .constants import LEADER_ROLES, UserKind
from .models import Position, User


def add_service_error(form: forms.Form, exc: ServiceError) -> None:
    """Show a service's errors on the named fields (or on top of the form)."""
    if not exc.errors:
        form.add_error(None, exc.message)
        return
    for err in exc.errors:
        form.add_error(err.field if err.field in form.fields else None, err.message)


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OTPTokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Mã xác thực"),
        max_length=8,
        help_text=_("Mã 6 chữ số trong ứng dụng xác thực trên điện thoại của bạn."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_otp_token(self):
        return self.cleaned_data["otp_token"].replace(" ", "").strip()


class LoginCodeForm(OTPTokenForm):
    """The code step of the login: a code from the app, or a one-time recovery code."""

    otp_token = forms.CharField(
        label=_("Mã xác thực"),
        max_length=20,
        help_text=_(
            "Mã 6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng (mỗi mã chỉ dùng một lần)."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "autofocus": True}
        ),
    )


class ContactForm(forms.Form):
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DelegationForm(forms.Form):
    """Ủy quyền from the profile: the delegator is always the signed-in leader."""

    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=None, empty_label=None)
    delegate = forms.ModelChoiceField(label=_("Người được ủy quyền"), queryset=None)
    start_date = forms.DateField(label=_("Từ ngày"), widget=DateInput())
    end_date = forms.DateField(label=_("Đến ngày"), widget=DateInput())
    reason = forms.CharField(label=_("Lý do"), max_length=255, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        from congvu.org.models import Unit

        leader_units = Position.objects.active().filter(user=user, role__in=LEADER_ROLES)
        self.fields["unit"].queryset = Unit.objects.filter(
            pk__in=leader_units.values("unit_id")
        ).order_by("path")
        colleagues = Position.objects.active().filter(unit_id__in=leader_units.values("unit_id"))
        self.fields["delegate"].queryset = (
            User.objects.filter(
                pk__in=colleagues.values("user_id"), kind=UserKind.OFFICIAL, is_active=True
            )
            .exclude(pk=user.pk)
            .order_by("full_name", "username")
        )
        vietnamese_order(self.fields["unit"])
        vietnamese_order(self.fields["delegate"])
        today = timezone.localdate()
        self.fields["start_date"].initial = today
        self.fields["end_date"].initial = today

    @property
    def has_units(self) -> bool:
        return self.fields["unit"].queryset.exists()


class OfficialPasswordResetForm(PasswordResetForm):
    """Password reset for officials only; portal accounts reset on the portal."""

    email = forms.EmailField(
        label=_("Thư điện tử"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        return (
            u
            for u in super().get_users(email)
            if getattr(u, "kind", UserKind.OFFICIAL) == UserKind.OFFICIAL
        )
