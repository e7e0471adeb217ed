"""Forms of the officials' one-stop pages. They parse input; the services decide the rules."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import ApplicantType
from congvu.core.text import vietnamese_sorted
from congvu.procedures.constants import Channel

from .constants import DossierStatus, ResultDelivery

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Mã hồ sơ hoặc người nộp"), required=False, max_length=100)
    trang_thai = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *DossierStatus.choices]
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SupplementForm(forms.Form):
    items = forms.CharField(
        label=_("Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reason = forms.CharField(
        label=_("Lý do"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_items(self):
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class SupplementAnswerForm(forms.Form):
    name = forms.CharField(label=_("Tên giấy tờ bổ sung"), max_length=255)
    file = forms.FileField(label=_("Tệp"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        # The service takes a list of (paper name, file); the desk adds one at a time.
        if data.get("name") and data.get("file"):
            data["uploads"] = [(data["name"], data["file"])]
        return data


class PersonChoiceForm(forms.Form):
    def __init__(self, *args, people=(), field="assignee", label=None, required=True, **kw):
        super().__init__(*args, **kw)
        self.people = {p.pk: p for p in people}
        self.fields[field] = forms.TypedChoiceField(
            label=label or _("Người xử lý"),
            coerce=int,
            required=required,
            empty_value=None,
            choices=[
                ("", "—"),
                *vietnamese_sorted(
                    ((p.pk, p.full_name or p.username) for p in people), key=lambda c: c[1]
                ),
            ],
        )
        self.person_field = field

    def person(self):
        return self.people.get(self.cleaned_data.get(self.person_field))


class AssignForm(PersonChoiceForm):
    pass


class CompleteForm(PersonChoiceForm):
    note = forms.CharField(
        label=_("Ý kiến xử lý"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kw):
        super().__init__(*args, field="next_assignee", label=_("Chuyển cho"), required=False, **kw)


class DelayForm(ReasonForm):
    new_due_at = forms.DateTimeField(
        label=_("Hẹn lại ngày trả kết quả"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class PaymentForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Số tiền (đồng)"),
        required=False,
        min_value=1,
        help_text=_("Để trống để lấy tổng phí, lệ phí của thủ tục."),
    )


class FinishForm(NoteForm):
    result_file = forms.FileField(label=_("Tệp kết quả"), required=False)


class RegisterForm(forms.Form):
    """Tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính."""

    receiving_unit = forms.TypedChoiceField(label=_("Nơi tiếp nhận"), coerce=int)
    procedure = forms.TypedChoiceField(label=_("Thủ tục"), coerce=int)
    channel = forms.ChoiceField(
        label=_("Kênh nộp"),
        choices=[(Channel.DIRECT, Channel.DIRECT.label), (Channel.POSTAL, Channel.POSTAL.label)],
    )
    name = forms.CharField(label=_("Họ và tên người nộp"), max_length=255)
    type = forms.ChoiceField(label=_("Loại người nộp"), choices=ApplicantType.choices)
    id_number = forms.CharField(label=_("Số định danh cá nhân"), required=False, max_length=20)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20)
    email = forms.CharField(label=_("Thư điện tử"), required=False, max_length=254)
    address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=500)
    subject = forms.CharField(
        label=_("Nội dung yêu cầu"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    result_delivery = forms.ChoiceField(label=_("Nhận kết quả tại"), choices=ResultDelivery.choices)
    competent_unit = forms.TypedChoiceField(
        label=_("Cơ quan giải quyết (tiếp nhận phi địa giới)"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Để trống nếu hồ sơ thuộc thẩm quyền của đơn vị mình."),
    )

    def __init__(self, *args, units=(), procedures=(), papers=(), competent_units=(), **kw):
        super().__init__(*args, **kw)
        self.fields["receiving_unit"].choices = vietnamese_sorted(
            [(u.pk, u.name) for u in units], key=lambda c: c[1]
        )
        self.competent_units = {u.pk: u for u in competent_units}
        self.fields["competent_unit"].choices = [("", "—")] + vietnamese_sorted(
            [(u.pk, u.name) for u in competent_units], key=lambda c: c[1]
        )
        self.fields["procedure"].choices = [("", "—")] + [
            (p.pk, f"{p.code} – {p.name}") for p in procedures
        ]
        self.papers = list(papers)
        for paper in self.papers:
            self.fields[f"paper_{paper.pk}"] = forms.BooleanField(
                label=paper.name, required=False, initial=paper.required
            )
            self.fields[f"file_{paper.pk}"] = forms.FileField(
                label=_("Tệp (không bắt buộc)"), required=False
            )

    def applicant(self) -> dict:
        d = self.cleaned_data
        return {k: d.get(k, "") for k in ("name", "id_number", "address", "phone", "email", "type")}

    def paper_list(self) -> list:
        d = self.cleaned_data
        return [
            (p, d.get(f"file_{p.pk}"))
            for p in self.papers
            if d.get(f"paper_{p.pk}") or d.get(f"file_{p.pk}")
        ]


def local_input(dt: datetime.datetime | None) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M") if dt else ""
