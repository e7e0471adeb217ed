"""Forms of the catalogue pages: public search and the internal-process editor."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import Role
from congvu.core.text import vietnamese_order
from congvu.org.models import Unit

from .constants import StepKind
from .models import ProcedureField


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm thủ tục"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Ví dụ: khai sinh")}),
    )
    linh_vuc = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=ProcedureField.objects.none(),
        required=False,
        empty_label=_("Tất cả lĩnh vực"),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["linh_vuc"].queryset = (
            ProcedureField.objects.restrict(actor, "view")
            .filter(procedures__active=True)
            .distinct()
        )
        vietnamese_order(self.fields["linh_vuc"])

    def values(self) -> tuple[str, int | None]:
        if not self.is_valid():
            return "", None
        field = self.cleaned_data.get("linh_vuc")
        return self.cleaned_data.get("q") or "", field.pk if field else None


class ProcessForm(forms.Form):
    valid_from = forms.DateField(
        label=_("Hiệu lực từ ngày"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("valid_from", timezone.localdate())
        super().__init__(*args, **kwargs)


class StepForm(forms.Form):
    name = forms.CharField(label=_("Tên bước"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("Loại bước"), choices=StepKind.choices, required=False)
    unit = forms.ModelChoiceField(
        label=_("Đơn vị thực hiện"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Đơn vị đang giữ hồ sơ"),
        help_text=_("Chọn đơn vị khác cho bước liên thông."),
    )
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices, required=False)
    budget_hours = forms.DecimalField(
        label=_("Thời gian (giờ làm việc)"),
        max_digits=7,
        decimal_places=2,
        required=False,
        localize=True,
    )
    delete = forms.BooleanField(label=_("Xóa bước"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        vietnamese_order(self.fields["unit"])

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not data.get("name") and data.get("budget_hours") in (None, "")


StepFormSet = forms.formset_factory(StepForm, extra=2, max_num=30, absolute_max=30)
