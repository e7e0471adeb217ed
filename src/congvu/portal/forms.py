"""Portal forms. They check shapes for friendly errors; services re-check and decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import ApplicantType, UserKind
from congvu.accounts.models import User

from .validators import normalise_email, normalise_id_number, normalise_phone, normalise_tax_code


class ServiceErrorFormMixin:
    """Show a ServiceError's field errors next to the fields they name."""

    def add_service_error(self, exc) -> None:
        if not exc.errors:
            self.add_error(None, exc.message)
        for err in exc.errors:
            self.add_error(err.field if err.field in self.fields else None, err.message)


class SignupForm(ServiceErrorFormMixin, forms.Form):
    applicant_type = forms.ChoiceField(
        label=_("Bạn đăng ký với tư cách"),
        choices=ApplicantType.choices,
        initial=ApplicantType.PERSON,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn cá nhân hoặc tổ chức, doanh nghiệp.")},
    )
    full_name = forms.CharField(
        label=_("Họ và tên (hoặc tên tổ chức, doanh nghiệp)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Nhập họ và tên hoặc tên tổ chức.")},
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        help_text=_("Dùng để đăng nhập và nhận thư xác minh."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Nhập địa chỉ thư điện tử."),
            "invalid": _("Địa chỉ thư điện tử không hợp lệ (ví dụ ten@example.vn)."),
        },
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        help_text=_("10 chữ số, ví dụ 0912345678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Nhập số điện thoại di động.")},
    )
    id_number = forms.CharField(
        label=_("Số căn cước công dân (CCCD), nếu là cá nhân"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    tax_code = forms.CharField(
        label=_("Mã số thuế, nếu là tổ chức, doanh nghiệp"),
        max_length=20,
        required=False,
        help_text=_("10 chữ số, hoặc 13 chữ số đối với chi nhánh (0312345678-001)."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        help_text=password_validation.password_validators_help_text_html,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Nhập mật khẩu.")},
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Nhập lại mật khẩu để xác nhận.")},
    )

    def clean_email(self):
        # Whether the address has an account is never said here (the service
        # mails its owner instead), so the form cannot be used to probe addresses.
        return normalise_email(self.cleaned_data["email"])

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        kind = data.get("applicant_type")
        if kind == ApplicantType.PERSON:
            self._clean_identifier("id_number", normalise_id_number, _("Nhập số CCCD (12 chữ số)."))
        elif kind == ApplicantType.BUSINESS:
            self._clean_identifier(
                "tax_code", normalise_tax_code, _("Nhập mã số thuế của tổ chức, doanh nghiệp.")
            )
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không khớp nhau."))
        elif p1 and "password1" not in self.errors:
            probe = User(
                username=data.get("email", ""),
                email=data.get("email", ""),
                full_name=data.get("full_name", ""),
            )
            try:
                password_validation.validate_password(p1, user=probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def _clean_identifier(self, field: str, normalise, missing_message) -> None:
        value = self.cleaned_data.get(field, "")
        if not value:
            self.add_error(field, missing_message)
            return
        try:
            self.cleaned_data[field] = normalise(value)
        except forms.ValidationError as exc:
            self.add_error(field, exc)


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Thư điện tử"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": _("Nhập địa chỉ thư điện tử."),
            "invalid": _("Địa chỉ thư điện tử không hợp lệ (ví dụ ten@example.vn)."),
        },
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Nhập mật khẩu.")},
    )


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("Thư điện tử đã dùng khi đăng ký"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Nhập địa chỉ thư điện tử."),
            "invalid": _("Địa chỉ thư điện tử không hợp lệ (ví dụ ten@example.vn)."),
        },
    )


class ProfileForm(ServiceErrorFormMixin, forms.Form):
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        help_text=_("10 chữ số, ví dụ 0912345678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Nhập số điện thoại di động.")},
    )
    address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


class PortalPasswordChangeForm(ServiceErrorFormMixin, PasswordChangeForm):
    """Django's form; the view saves through ``citizen_change_password`` to audit it."""


class PortalPasswordResetForm(PasswordResetForm):
    """Quên mật khẩu for portal accounts only; officials reset on the officials' pages."""

    email = forms.EmailField(
        label=_("Thư điện tử"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Nhập địa chỉ thư điện tử."),
            "invalid": _("Địa chỉ thư điện tử không hợp lệ (ví dụ ten@example.vn)."),
        },
    )

    def get_users(self, email):
        return (u for u in super().get_users(email) if u.kind == UserKind.CITIZEN)


class PortalSetPasswordForm(ServiceErrorFormMixin, SetPasswordForm):
    """Django's form; the view saves through ``citizen_reset_password`` to audit it."""
