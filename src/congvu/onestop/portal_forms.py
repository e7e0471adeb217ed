"""Forms of the citizens' portal (/dich-vu-cong/): submission, look-up, supplement, withdrawal, rating.

Every error names its field in Vietnamese ("Số điện thoại: …"); a
``ServiceError`` from the services is put on the field it names.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import ApplicantType
from congvu.core.errors import ServiceError
from congvu.core.text import vietnamese_sorted
from congvu.files.forms import ACCEPT
from congvu.files.validation import MiB, file_validate, max_upload_bytes, sanitize_name

from .constants import ResultDelivery

#: Service error fields → form fields (the applicant dict keys are the form's own names).
SERVICE_FIELDS = {"applicant_type": "type"}


def _required(label) -> dict:
    return {"required": _("%(field)s: bắt buộc nhập.") % {"field": label}}


class ServiceErrorFormMixin:
    def add_service_error(self, exc: ServiceError) -> None:
        """Show a service refusal on the field it names (or at the top of the form)."""
        placed = False
        for error in exc.errors:
            name = SERVICE_FIELDS.get(error.field, error.field)
            if name in self.fields:
                label = self.fields[name].label
                self.add_error(name, f"{label}: {error.message}")
                placed = True
        if not placed:
            self.add_error(None, exc.message)


def paper_field_name(paper) -> str:
    return f"paper_{paper.pk}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PaperFilesField(forms.FileField):
    """Any number of files for one paper; each file is checked by the form, one by one."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": ACCEPT, "multiple": True})

    def clean(self, data, initial=None):
        if not data:
            return []
        uploads = data if isinstance(data, list | tuple) else [data]
        return [u for u in uploads if u]


def size_limit_text() -> str:
    """The per-file limit as the citizen reads it, from the real setting."""
    return _("Tối đa %(mb)s MB mỗi tệp; nhận PDF, DOCX, XLSX, ODT, JPG, PNG.") % {
        "mb": f"{max_upload_bytes() / MiB:g}"
    }


class SubmitForm(ServiceErrorFormMixin, forms.Form):
    """Nộp hồ sơ trực tuyến: the commune, the applicant, the request, files for every paper.

    A bad file is reported on its paper and never costs the other files:
    ``valid_uploads`` keeps the good ones so the view can store them for the
    next attempt (``kept``: files stored by an earlier attempt).
    """

    commune = forms.TypedChoiceField(
        label=_("Nơi nộp hồ sơ"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Nơi nộp hồ sơ: hãy chọn xã, phường hoặc đặc khu."),
            "invalid_choice": _(
                "Nơi nộp hồ sơ: xã, phường, đặc khu này không tiếp nhận thủ tục này trực tuyến."
            ),
        },
    )
    type = forms.ChoiceField(
        label=_("Người nộp là"), choices=ApplicantType.choices, initial=ApplicantType.PERSON
    )
    name = forms.CharField(
        label=_("Họ và tên người nộp"),
        max_length=255,
        error_messages=_required(_("Họ và tên người nộp")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "pattern": "[0-9]{9,12}",
                "maxlength": "12",
            }
        ),
        help_text=_("12 chữ số trên căn cước (9 chữ số nếu là chứng minh nhân dân cũ)."),
    )
    address = forms.CharField(
        label=_("Địa chỉ"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        error_messages=_required(_("Số điện thoại")),
        widget=forms.TextInput(
            attrs={
                "inputmode": "tel",
                "autocomplete": "tel",
                "pattern": r"\+?[0-9 .]{9,19}",
            }
        ),
        help_text=_("Dùng để tra cứu hồ sơ cùng với mã hồ sơ."),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Thư điện tử: địa chỉ không hợp lệ.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(
        label=_("Nội dung yêu cầu giải quyết"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    result_delivery = forms.ChoiceField(
        label=_("Nhận kết quả tại"),
        choices=ResultDelivery.choices,
        initial=ResultDelivery.OFFICE,
    )

    def __init__(self, *args, communes=(), papers=(), kept=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.communes = list(communes)
        # No preselection, even with one commune: the citizen says where the dossier goes.
        self.fields["commune"].choices = vietnamese_sorted(
            [(c.pk, c.label) for c in self.communes], key=lambda c: c[1]
        )
        self.papers = list(papers)
        self.kept = list(kept)
        self.valid_uploads: dict[int, list] = {}
        limit = size_limit_text()
        for paper in self.papers:
            need = _("Bắt buộc") if paper.required else _("Không bắt buộc")
            self.fields[paper_field_name(paper)] = PaperFilesField(
                label=paper.name, help_text=f"{need}. {limit}"
            )

    def kept_for(self, paper) -> list:
        return [k for k in self.kept if k.required_paper_id == paper.pk]

    def paper_rows(self) -> list[tuple]:
        """(paper, bound field, kept files) for the template."""
        return [(p, self[paper_field_name(p)], self.kept_for(p)) for p in self.papers]

    def commune_choice(self):
        pk = self.cleaned_data.get("commune")
        return next((c for c in self.communes if c.pk == pk), None)

    def clean(self):
        data = super().clean()
        for paper in self.papers:
            name = paper_field_name(paper)
            valid = []
            for upload in data.get(name) or []:
                try:
                    file_validate(upload)
                except ServiceError as exc:
                    self.add_error(
                        name,
                        _("%(field)s: tệp “%(file)s” không được nhận: %(reason)s")
                        % {
                            "field": paper.name,
                            "file": sanitize_name(upload.name) or "?",
                            "reason": exc.message,
                        },
                    )
                else:
                    valid.append(upload)
            self.valid_uploads[paper.pk] = valid
            has_files = valid or self.kept_for(paper)
            if paper.required and not has_files and name not in self.errors:
                self.add_error(
                    name, _("%(field)s: phải tải lên tệp giấy tờ này.") % {"field": paper.name}
                )
        return data

    def applicant(self) -> dict:
        data = self.cleaned_data
        return {
            k: data.get(k, "") for k in ("name", "id_number", "address", "phone", "email", "type")
        }

    def paper_uploads(self) -> list:
        """(RequiredPaper, upload) for every valid file given now, paper by paper."""
        return [(p, upload) for p in self.papers for upload in self.valid_uploads.get(p.pk, [])]

    def add_service_error(self, exc: ServiceError) -> None:
        if any(e.field == "papers" for e in exc.errors):
            self.add_error(None, exc.message)
            exc = ServiceError(exc.message, errors=[e for e in exc.errors if e.field != "papers"])
            if not exc.errors:
                return
        super().add_service_error(exc)


class TrackForm(forms.Form):
    """Tra cứu hồ sơ: the code printed on the receipt and the phone number used."""

    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=40,
        error_messages=_required(_("Mã hồ sơ")),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "000.00.31.H57-260305-0001"}
        ),
    )
    phone = forms.CharField(
        label=_("Số điện thoại đã khai khi nộp"),
        max_length=20,
        error_messages=_required(_("Số điện thoại")),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class SupplementForm(ServiceErrorFormMixin, forms.Form):
    """Bổ sung hồ sơ: up to a few files, each with the name of the paper it is."""

    SLOTS = 3

    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, self.SLOTS + 1):
            self.fields[f"name_{i}"] = forms.CharField(
                label=_("Tên giấy tờ %(n)s") % {"n": i}, required=False, max_length=255
            )
            self.fields[f"file_{i}"] = forms.FileField(
                label=_("Tệp giấy tờ %(n)s") % {"n": i}, required=False
            )

    def clean(self):
        data = super().clean()
        uploads = []
        for i in range(1, self.SLOTS + 1):
            upload = data.get(f"file_{i}")
            if upload:
                uploads.append((data.get(f"name_{i}", ""), upload))
        if not uploads and not self.errors:
            self.add_error(None, _("Giấy tờ bổ sung: tải lên ít nhất một tệp."))
        data["uploads"] = uploads
        return data


class WithdrawForm(ServiceErrorFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RateForm(ServiceErrorFormMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Mức độ hài lòng: chọn một mức."),
            "invalid_choice": _("Mức độ hài lòng: mức không hợp lệ."),
        },
    )
    comment = forms.CharField(
        label=_("Góp ý"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scale = int(getattr(settings, "CONGVU_RATING_SCALE", 5))
        self.fields["score"].choices = [(i, str(i)) for i in range(scale, 0, -1)]
