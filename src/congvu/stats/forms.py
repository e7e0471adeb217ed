"""Filters of the statistics pages and API: unit, field, procedure, period, grouping."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.core.text import vietnamese_order
from congvu.org.models import Unit
from congvu.procedures.models import Procedure, ProcedureField

from .selectors import GROUP_LABELS, Period

MAX_SPAN_DAYS = 366 * 10


class StatisticsForm(forms.Form):
    don_vi = forms.ModelChoiceField(
        label=_("Đơn vị"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Tất cả"),
        help_text=_("Số liệu của một đơn vị gồm cả các đơn vị trực thuộc."),
    )
    linh_vuc = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=ProcedureField.objects.order_by("name"),
        required=False,
        empty_label=_("Tất cả"),
    )
    thu_tuc = forms.CharField(
        label=_("Mã thủ tục"),
        required=False,
        max_length=30,
        help_text=_("Để trống để tính mọi thủ tục."),
    )
    tu = forms.DateField(label=_("Từ ngày"), required=False)
    den = forms.DateField(label=_("Đến ngày"), required=False)
    theo = forms.ChoiceField(
        label=_("Thống kê theo"),
        choices=list(GROUP_LABELS.items()),
        required=False,
        initial="unit",
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            self.fields["don_vi"].queryset = Unit.objects.order_by("path")
        else:
            self.fields["don_vi"].queryset = Unit.objects.filter(pk__in=units).order_by("path")
        vietnamese_order(self.fields["don_vi"])
        vietnamese_order(self.fields["linh_vuc"])

    def clean_thu_tuc(self):
        code = (self.cleaned_data.get("thu_tuc") or "").strip()
        if not code:
            return None
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            raise forms.ValidationError(
                _("Không có thủ tục mã %(code)s."), code="unknown_procedure", params={"code": code}
            )
        return procedure

    def clean(self):
        data = super().clean()
        default = Period.this_year()
        start = data.get("tu") or default.start
        end = data.get("den") or default.end
        if start > end:
            self.add_error(
                "den",
                forms.ValidationError(_("“Đến ngày” phải sau “Từ ngày”."), code="period_order"),
            )
        elif (end - start) > datetime.timedelta(days=MAX_SPAN_DAYS):
            self.add_error(
                "den",
                forms.ValidationError(_("Khoảng thời gian tối đa 10 năm."), code="period_too_long"),
            )
        data["period"] = Period(start, end)
        data["theo"] = data.get("theo") or "unit"
        return data


def query_of(form) -> dict:
    """Arguments of ``dossier_statistics`` from a valid form."""
    data = form.cleaned_data
    return {
        "period": data["period"],
        "group_by": data["theo"],
        "field_id": data["linh_vuc"].pk if data.get("linh_vuc") else None,
        "procedure_id": data["thu_tuc"].pk if data.get("thu_tuc") else None,
    }


def today() -> datetime.date:
    return timezone.localdate()
