"""Forms of the hồ sơ pages: they parse input only; rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congvu.core.text import vietnamese_sorted

from .constants import DocumentKind


class CatalogCreateForm(forms.Form):
    don_vi = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int)
    nam = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = vietnamese_sorted(
            [(u.pk, u.name) for u in units], key=lambda c: c[1]
        )


class CatalogItemForm(forms.Form):
    code = forms.CharField(label=_("Số, ký hiệu hồ sơ"), max_length=20, help_text=_("Ví dụ 01.VP"))
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=500)
    retention_years = forms.IntegerField(
        label=_("Thời hạn bảo quản (năm)"), min_value=1, max_value=100, required=False
    )
    permanent = forms.BooleanField(label=_("Bảo quản vĩnh viễn"), required=False)


class WorkFileOpenForm(forms.Form):
    title = forms.CharField(
        label=_("Tiêu đề hồ sơ"),
        max_length=500,
        required=False,
        help_text=_("Để trống để dùng tiêu đề trong danh mục."),
    )


class AddDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=DocumentKind.choices)
    document_id = forms.IntegerField(label=_("Văn bản"), min_value=1)


class CatalogFilterForm(forms.Form):
    nam = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nam"].choices = [("", _("Tất cả"))] + [(y, y) for y in years]
