"""Forms of the key administration pages; each error names its field in Vietnamese."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.accounts.forms import add_service_error as accounts_add_service_error
from congvu.core.errors import ServiceError
from congvu.core.text import vietnamese_order

from . import admin_selectors
from .models import KeyKind
from .services import TRUST_CODES

#: A PKCS#12 file or a certificate is a few KiB; a PNG image of a seal well under 2 MiB.
MAX_KEY_FILE = 64 * 1024
MAX_IMAGE = 2 * 1024 * 1024


#: Service error fields named differently on these forms.
RENAMED_FIELDS = {"token_key_label": "key_label"}


def add_service_error(form: forms.Form, exc: ServiceError) -> None:
    """Show a service's errors on the named fields (accounts' helper, with these forms' names).

    An untrusted or self-signed certificate is a warning, not a mistake: the
    form shows it above the confirmation box (``trust_warning``).
    """
    if exc.code in TRUST_CODES and "accept_untrusted" in form.fields:
        form.trust_warning = exc.message
        return
    for err in exc.errors:
        err.field = RENAMED_FIELDS.get(err.field, err.field)
    accounts_add_service_error(form, exc)


def _read(upload, limit: int, label) -> bytes:
    if upload.size > limit:
        raise forms.ValidationError(
            _("%(field)s quá lớn (tối đa %(kib)s KiB).") % {"field": label, "kib": limit // 1024},
            code="too_large",
        )
    return upload.read()


class KeyOwnerForm(forms.Form):
    """Whose key: an official of the unit (chữ ký số cá nhân) or the unit itself (cơ quan)."""

    kind = forms.ChoiceField(
        label=_("Loại khóa"),
        choices=KeyKind.choices,
        initial=KeyKind.PERSON,
        error_messages={
            "required": _("Chọn loại khóa."),
            "invalid_choice": _("Loại khóa không hợp lệ."),
        },
    )
    unit = forms.ModelChoiceField(
        label=_("Cơ quan, đơn vị"),
        queryset=None,
        error_messages={
            "required": _("Chọn cơ quan, đơn vị của khóa."),
            "invalid_choice": _("Cơ quan, đơn vị không thuộc phạm vi bạn quản trị."),
        },
    )
    user = forms.ModelChoiceField(
        label=_("Người ký (với chữ ký số cá nhân)"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Người ký phải đang giữ chức vụ ở đơn vị đã chọn.")},
    )
    image = forms.FileField(
        label=_("Hình chữ ký hoặc con dấu (PNG)"),
        help_text=_(
            "Chữ ký màu xanh hoặc con dấu màu đỏ, nền trong suốt (Phụ lục I Nghị định 30)."
        ),
        error_messages={"required": _("Chọn tệp hình chữ ký hoặc con dấu (PNG).")},
        widget=forms.ClearableFileInput(attrs={"accept": ".png,image/png"}),
    )

    # Shown with the service's warning once a certificate turns out self-signed or
    # outside the trust anchors (``services.TRUST_CODES``); ticking it is audited.
    accept_untrusted = forms.BooleanField(
        label=_(
            "Tôi đã kiểm tra chứng thư số này và vẫn đăng ký, dù chữ ký bằng khóa này "
            "sẽ hiện “chưa xác thực”."
        ),
        required=False,
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.trust_warning = ""
        units = admin_selectors.manageable_units(actor)
        self.fields["unit"].queryset = units
        unit_id = self.data.get("unit") if self.is_bound else self.initial.get("unit")
        try:
            unit_id = int(unit_id) if unit_id else None
        except (TypeError, ValueError):
            unit_id = None
        if unit_id is not None and not units.filter(pk=unit_id).exists():
            unit_id = None  # never list the officials of a unit outside the actor's scope
        if unit_id is None and not self.is_bound:
            # The top of the administered subtree (units are ordered by path): usually the agency.
            first = units.first()
            unit_id = first.pk if first else None
            self.initial["unit"] = unit_id
        self.fields["user"].queryset = admin_selectors.unit_officials(unit_id)
        self.fields["user"].label_from_instance = lambda u: u.full_name or u.username
        # Listed in Vietnamese order ("Đ" after "D"); the initial unit above stays the top one.
        vietnamese_order(self.fields["unit"])
        vietnamese_order(self.fields["user"])
        # HTMX: picking a unit reloads the list of its officials.
        self.fields["unit"].widget.attrs.update(
            {
                "hx-get": "",
                "hx-target": "#id_user",
                "hx-select": "#id_user > *",
                "hx-swap": "innerHTML",
            }
        )

    def clean_image(self):
        data = _read(self.cleaned_data["image"], MAX_IMAGE, self.fields["image"].label)
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise forms.ValidationError(
                _("Hình chữ ký / con dấu phải là tệp PNG."), code="image_not_png"
            )
        return data

    def clean(self):
        cleaned = super().clean()
        kind, user = cleaned.get("kind"), cleaned.get("user")
        if kind == KeyKind.PERSON and user is None and "user" not in self.errors:
            self.add_error("user", _("Chọn người ký cho chữ ký số cá nhân."))
        if kind == KeyKind.AGENCY:
            cleaned["user"] = None  # an agency's key belongs to no one in person
        return cleaned


class Pkcs12KeyForm(KeyOwnerForm):
    """Đăng ký khóa từ tệp PKCS#12 (.p12/.pfx) và mật khẩu."""

    pkcs12 = forms.FileField(
        label=_("Tệp chứng thư số PKCS#12 (.p12, .pfx)"),
        error_messages={"required": _("Chọn tệp chứng thư số PKCS#12.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu tệp PKCS#12"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    field_order = ["kind", "unit", "user", "pkcs12", "password", "image"]

    def clean_pkcs12(self):
        return _read(self.cleaned_data["pkcs12"], MAX_KEY_FILE, self.fields["pkcs12"].label)


class TokenKeyForm(KeyOwnerForm):
    """Đăng ký khóa nằm trên token PKCS#11 (USB token, HSM): khóa không rời token."""

    module = forms.CharField(
        label=_("Thư viện PKCS#11 của token"),
        max_length=255,
        help_text=_("Đường dẫn thư viện trên máy chủ, do nhà cung cấp token cài đặt."),
        error_messages={"required": _("Nhập thư viện PKCS#11 của token.")},
    )
    token_label = forms.CharField(
        label=_("Nhãn token"),
        max_length=64,
        error_messages={"required": _("Nhập nhãn token.")},
    )
    key_label = forms.CharField(
        label=_("Nhãn khóa trên token"),
        max_length=64,
        error_messages={"required": _("Nhập nhãn khóa trên token.")},
    )
    pin = forms.CharField(
        label=_("Mã PIN người dùng của token"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Nhập mã PIN của token.")},
    )
    certificate = forms.FileField(
        label=_("Chứng thư số (.cer, .der, .pem)"),
        error_messages={"required": _("Chọn tệp chứng thư số của khóa.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".cer,.crt,.der,.pem"}),
    )

    field_order = [
        "kind",
        "unit",
        "user",
        "module",
        "token_label",
        "key_label",
        "pin",
        "certificate",
        "image",
    ]

    def clean_certificate(self):
        return _certificate_der(self)


def _certificate_der(form) -> bytes:
    """The uploaded certificate as DER, from a DER or a PEM file."""
    data = _read(form.cleaned_data["certificate"], MAX_KEY_FILE, form.fields["certificate"].label)
    if data.lstrip().startswith(b"-----BEGIN"):
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        try:
            cert = x509.load_pem_x509_certificate(data)
        except ValueError as exc:
            raise forms.ValidationError(
                _("Chứng thư số không đúng định dạng."), code="certificate_invalid"
            ) from exc
        data = cert.public_bytes(serialization.Encoding.DER)
    return data


class RemoteKeyForm(KeyOwnerForm):
    """Đăng ký khóa ký số từ xa: the signer's account at the remote-signing service."""

    account = forms.CharField(
        label=_("Tài khoản ký số từ xa của người ký"),
        max_length=100,
        help_text=_("Mã tài khoản người ký trên dịch vụ ký số từ xa (thường là số CCCD)."),
        error_messages={"required": _("Nhập tài khoản ký số từ xa của người ký.")},
    )
    certificate = forms.FileField(
        label=_("Chứng thư số (.cer, .der, .pem)"),
        error_messages={"required": _("Chọn tệp chứng thư số của khóa.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".cer,.crt,.der,.pem"}),
    )

    field_order = ["kind", "unit", "user", "account", "certificate", "image"]

    def clean_certificate(self):
        return _certificate_der(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == KeyKind.AGENCY:
            # The agency's seal is applied by the văn thư on the server, never from a phone.
            self.add_error("kind", _("Khóa ký số từ xa chỉ dùng cho chữ ký số cá nhân."))
        return cleaned


class RevokeForm(forms.Form):
    """Thu hồi khóa: a reason, kept in the audit record."""

    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: mất token, người ký nghỉ việc, chứng thư bị tổ chức cấp thu hồi."),
        error_messages={"required": _("Nhập lý do thu hồi khóa.")},
    )
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận thu hồi khóa này; khóa đã thu hồi không dùng để ký được nữa."),
        error_messages={"required": _("Đánh dấu ô xác nhận để thu hồi khóa.")},
    )
