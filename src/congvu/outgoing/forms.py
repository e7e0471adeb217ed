"""Forms of the outgoing pages. They parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.accounts.models import User
from congvu.core.text import VietnameseChoiceIterator, vietnamese_order
from congvu.files.forms import UploadField
from congvu.org.models import Unit
from congvu.registry.constants import Secrecy, Urgency
from congvu.registry.models import DocumentType

from .constants import AuthorityPrefix, RecipientKind

# The pick lists below list their choices in Vietnamese order of their labels
# ("Đ" after "D", not after "Z"): the database does not sort Vietnamese.


class UnitChoiceField(forms.ModelChoiceField):
    iterator = VietnameseChoiceIterator

    def label_from_instance(self, obj):
        return obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = VietnameseChoiceIterator

    def label_from_instance(self, obj):
        return obj.name


class PersonChoiceField(forms.ModelChoiceField):
    """A person shown as "name — position, unit" when the form is given the labels."""

    iterator = VietnameseChoiceIterator
    labels: dict = {}

    def label_from_instance(self, obj):
        return self.labels.get(obj.pk) or obj.full_name or obj.username


class DraftForm(forms.Form):
    """Dự thảo: type, trích yếu, độ khẩn, độ mật and nơi nhận."""

    unit = UnitChoiceField(label=_("Cơ quan ban hành"), queryset=Unit.objects.none())
    drafting_unit = UnitChoiceField(
        label=_("Đơn vị soạn thảo"), queryset=Unit.objects.none(), required=False
    )
    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentType.objects.filter(active=True)
    )
    subject = forms.CharField(
        label=_("Trích yếu"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    urgency = forms.TypedChoiceField(
        label=_("Độ khẩn"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )
    secrecy = forms.TypedChoiceField(
        label=_("Độ mật"), choices=Secrecy.choices, coerce=int, initial=Secrecy.NORMAL
    )
    main_units = UnitMultipleChoiceField(
        label=_("Kính gửi (đơn vị trong hệ thống)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    info_units = UnitMultipleChoiceField(
        label=_("Để biết (đơn vị trong hệ thống)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    external = forms.CharField(
        label=_("Nơi nhận ngoài hệ thống"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một nơi nhận: Tên | địa chỉ (gửi qua bưu chính)."),
    )

    def __init__(self, *args, units=None, recipient_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["drafting_unit"].queryset = self.fields["unit"].queryset
        targets = recipient_units if recipient_units is not None else Unit.objects.none()
        self.fields["main_units"].queryset = targets
        self.fields["info_units"].queryset = targets
        # Document types keep the order the administrators set, then go by name.
        vietnamese_order(self.fields["document_type"], first=lambda t: t.order)

    def recipients(self) -> list[dict]:
        data = self.cleaned_data
        items = [{"unit": u, "kind": RecipientKind.MAIN} for u in data.get("main_units") or []]
        items += [{"unit": u, "kind": RecipientKind.INFO} for u in data.get("info_units") or []]
        for line in (data.get("external") or "").splitlines():
            name, _sep, address = line.partition("|")
            if name.strip():
                items.append(
                    {
                        "external_name": name.strip(),
                        "external_address": address.strip(),
                        "kind": RecipientKind.MAIN,
                    }
                )
        return items

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "drafting_unit": data.get("drafting_unit"),
            "document_type": data["document_type"],
            "subject": data["subject"],
            "body": data.get("body") or "",
            "urgency": data["urgency"],
            "secrecy": data["secrecy"],
        }


class SubmitForm(forms.Form):
    """Trình duyệt: up to three reviewers, in order."""

    reviewer_1 = PersonChoiceField(
        label=_("Người duyệt thứ nhất"), queryset=User.objects.none(), required=False
    )
    reviewer_2 = PersonChoiceField(
        label=_("Người duyệt thứ hai"), queryset=User.objects.none(), required=False
    )
    reviewer_3 = PersonChoiceField(
        label=_("Người duyệt thứ ba"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, people=None, labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("reviewer_1", "reviewer_2", "reviewer_3"):
            self.fields[name].queryset = people if people is not None else User.objects.none()
            self.fields[name].labels = dict(labels or {})
            self.fields[name].empty_label = _("— Không chọn —")

    def reviewers(self) -> list:
        names = ("reviewer_1", "reviewer_2", "reviewer_3")
        return [self.cleaned_data[n] for n in names if self.cleaned_data.get(n)]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 2}))


class SignForm(forms.Form):
    authority_prefix = forms.ChoiceField(
        label=_("Thẩm quyền ký"), choices=AuthorityPrefix.choices, required=False
    )
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=100, required=False)


class ApproveForm(SignForm):
    """The "Xác nhận duyệt ký" form: the choice the preview showed and the digest of what it showed."""

    content_sha256 = forms.RegexField(
        regex=r"^[0-9a-f]{64}$",
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Hãy xem bản in thử của dự thảo trước khi duyệt ký."),
            "invalid": _("Hãy xem bản in thử của dự thảo trước khi duyệt ký."),
        },
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=255)


class CorrectForm(forms.Form):
    subject = forms.CharField(
        label=_("Trích yếu công văn đính chính"), max_length=500, required=False
    )


class VersionForm(forms.Form):
    file = UploadField(label=_("Tệp dự thảo"))
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)


class ListForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm văn bản"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Số, ký hiệu hoặc trích yếu")}
        ),
    )
