"""Forms of the incoming pages. They parse input; the services decide the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.core.text import vietnamese_order, vietnamese_sorted
from congvu.registry.constants import Secrecy, Urgency
from congvu.registry.models import DocumentType

from .constants import SUBJECT_MAX_LENGTH, Status
from .models import ExternalOrganization

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date(label, required=False):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False, max_length=200)
    trang_thai = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *Status.choices]
    )
    do_khan = forms.TypedChoiceField(
        label=_("Độ khẩn"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả")), *Urgency.choices],
    )
    tu_ngay = _date(_("Đến từ ngày"))
    den_ngay = _date(_("Đến ngày"))

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "q": d["q"],
            "status": d["trang_thai"],
            "urgency": d["do_khan"],
            "date_from": d["tu_ngay"],
            "date_to": d["den_ngay"],
        }


class RegisterForm(forms.Form):
    """Vào sổ văn bản đến (văn bản giấy)."""

    unit = forms.TypedChoiceField(label=_("Đơn vị nhận"), coerce=int)
    issuer_external = forms.ModelChoiceField(
        label=_("Cơ quan ban hành (danh mục)"),
        queryset=ExternalOrganization.objects.none(),
        required=False,
    )
    issuer_name = forms.CharField(
        label=_("Hoặc nhập tên cơ quan ban hành"), required=False, max_length=255
    )
    number_notation = forms.CharField(label=_("Số, ký hiệu"), max_length=60)
    document_date = _date(_("Ngày văn bản"), required=True)
    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentType.objects.none()
    )
    subject = forms.CharField(
        label=_("Trích yếu"),
        max_length=SUBJECT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    signer_name = forms.CharField(label=_("Người ký"), required=False, max_length=120)
    urgency = forms.TypedChoiceField(
        label=_("Độ khẩn"), coerce=int, choices=Urgency.choices, initial=Urgency.NORMAL
    )
    secrecy = forms.TypedChoiceField(
        label=_("Độ mật"), coerce=int, choices=Secrecy.choices, initial=Secrecy.NORMAL
    )
    page_count = forms.IntegerField(label=_("Số trang"), required=False, min_value=1)
    deadline = _date(_("Hạn xử lý"))
    arrival_date = _date(_("Ngày đến"))
    files = forms.FileField(label=_("Tệp văn bản (bản quét)"), required=False)
    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây không phải văn bản trùng"), required=False
    )

    def __init__(self, *args, unit_choices=(), orgs=None, types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = vietnamese_sorted(unit_choices, key=lambda c: c[1])
        if orgs is not None:
            self.fields["issuer_external"].queryset = orgs
        if types is not None:
            self.fields["document_type"].queryset = types
        vietnamese_order(self.fields["issuer_external"])
        # Document types keep the order the administrators set, then go by name.
        vietnamese_order(self.fields["document_type"], first=lambda t: t.order)


class PickForm(forms.Form):
    """Base for forms choosing people or units by prefixed value ("u:12" unit, "p:7" person)."""

    @staticmethod
    def resolve(value, people, units):
        kind, _sep, pk = (value or "").partition(":")
        source = {"u": units, "p": people}.get(kind)
        if source is None or not pk.isdigit():
            return None
        return source.get(int(pk))


class PresentForm(forms.Form):
    to_user = forms.TypedChoiceField(label=_("Trình cho"), coerce=int)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, people=(), **kwargs):
        """``people``: ``(user, label)`` pairs; nobody is chosen unless ``initial`` says so."""
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [("", _("— Chọn người nhận trình —"))] + [
            (u.pk, label) for u, label in people
        ]


class DirectForm(PickForm):
    instruction = forms.CharField(
        label=_("Ý kiến chỉ đạo"), widget=forms.Textarea(attrs={"rows": 3})
    )
    main = forms.ChoiceField(label=_("Chủ trì"))
    coordinators = forms.MultipleChoiceField(
        label=_("Phối hợp"), required=False, widget=forms.CheckboxSelectMultiple
    )
    informed = forms.MultipleChoiceField(
        label=_("Nhận để biết"), required=False, widget=forms.CheckboxSelectMultiple
    )
    deadline = _date(_("Hạn xử lý"))

    def __init__(self, *args, choices=(), handlers=None, **kwargs):
        super().__init__(*args, **kwargs)
        handlers = list(choices if handlers is None else handlers)
        self.fields["main"].choices = [("", "—"), *handlers]
        self.fields["coordinators"].choices = handlers
        self.fields["informed"].choices = list(choices)


class ForwardForm(forms.Form):
    assignment = forms.TypedChoiceField(label=_("Phân công"), coerce=int)
    to_user = forms.TypedChoiceField(label=_("Chuyển cho cán bộ"), coerce=int)
    note = forms.CharField(
        label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, assignments=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = [(a.pk, str(a)) for a in assignments]
        self.fields["to_user"].choices = [("", _("— Chọn cán bộ —"))] + [
            (u.pk, label) for u, label in people
        ]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(NoteForm):
    files = forms.FileField(label=_("Tệp kết quả"), required=False)


class OptionalNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RegisterPendingForm(OptionalNoteForm):
    """Vào sổ an internal copy; the duplicate confirmation shows once a duplicate is suspected."""

    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây không phải văn bản trùng"), required=False
    )

    def __init__(self, *args, ask_confirmation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_confirmation:
            del self.fields["confirm_duplicate"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    reply_label = forms.CharField(label=_("Số, ký hiệu văn bản trả lời"), max_length=255)
    reply_type = forms.CharField(required=False, widget=forms.HiddenInput, initial="outgoing")
    reply_id = forms.CharField(label=_("Mã văn bản trả lời"), required=False, max_length=64)


class ExternalOrgForm(forms.Form):
    name = forms.CharField(label=_("Tên cơ quan, tổ chức"), max_length=255)
    code = forms.CharField(label=_("Mã định danh"), required=False, max_length=40)
    address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=255)
