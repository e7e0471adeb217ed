"""The search box and its filters (page /app/tim-kiem/)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.core.text import vietnamese_order
from congvu.core.widgets import PlainBoundField, PlainDateInput, PlainSelect, PlainTextInput
from congvu.registry.constants import Secrecy
from congvu.registry.models import DocumentType, Register

from .models import Kind
from .selectors import status_choices


class SearchForm(forms.Form):
    """The search box and its filters (tìm kiếm văn bản), drawn without the template engine."""

    bound_field_class = PlainBoundField

    q = forms.CharField(
        label=_("Từ khóa"),
        required=False,
        max_length=200,
        widget=PlainTextInput(attrs={"type": "search"}),
        help_text=_("Số ký hiệu, trích yếu, cơ quan ban hành, người ký hoặc nội dung tệp"),
    )
    kind = forms.ChoiceField(
        label=_("Văn bản"),
        required=False,
        choices=[("", _("Tất cả")), *Kind.choices],
        widget=PlainSelect,
    )
    type = forms.ModelChoiceField(
        label=_("Loại văn bản"),
        required=False,
        queryset=DocumentType.objects.none(),
        empty_label=_("Tất cả"),
        widget=PlainSelect,
    )
    issuer = forms.CharField(
        label=_("Cơ quan ban hành"), required=False, max_length=200, widget=PlainTextInput
    )
    date_from = forms.DateField(
        label=_("Từ ngày"), required=False, widget=PlainDateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Đến ngày"), required=False, widget=PlainDateInput(attrs={"type": "date"})
    )
    register = forms.ModelChoiceField(
        label=_("Sổ đăng ký"),
        required=False,
        queryset=Register.objects.none(),
        empty_label=_("Tất cả"),
        widget=PlainSelect,
    )
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, widget=PlainSelect)
    secrecy = forms.TypedChoiceField(
        label=_("Độ mật"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả")), *[(v, label) for v, label in Secrecy.choices if v <= 1]],
        widget=PlainSelect,
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = DocumentType.objects.restrict(actor, "view")
        self.fields["register"].queryset = Register.objects.restrict(actor, "view")
        # A filter is looked up by name: plain Vietnamese order (Đề án after Dự thảo, not last).
        vietnamese_order(self.fields["type"])
        vietnamese_order(self.fields["register"])
        self.fields["status"].choices = [("", _("Tất cả")), *status_choices()]

    def filters(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("q", None)
        return data
