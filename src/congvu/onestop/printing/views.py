"""Printing under /app/mot-cua/in/: an issued form (Mẫu 01–04, 05), the live Mẫu 05, the book.

Officials only; every object comes through ``restrict`` and answers 404
outside the actor's scope.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor
from congvu.core.text import vietnamese_sorted
from congvu.onestop.models import Dossier, DossierForm
from congvu.onestop.policies import DESK_ROLES
from congvu.org.models import Unit
from congvu.registry.exports.forms import date_field

from . import book
from . import forms as printed

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_DAYS = 366


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _safe_name(code: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in code)


@official_required
@require_GET
def form(request, pk: int):
    actor = as_actor(request.user)
    issued = get_object_or_404(
        DossierForm.objects.restrict(actor, "view").select_related(
            "dossier__receiving_unit__parent",
            "dossier__competent_unit__parent",
            "dossier__procedure_version",
            "issued_by",
        ),
        pk=pk,
    )
    return _pdf(printed.form_pdf(issued), f"{issued.form}-{_safe_name(issued.dossier.code)}.pdf")


@official_required
@require_GET
def control_sheet(request, pk: int):
    actor = as_actor(request.user)
    dossier = get_object_or_404(
        Dossier.objects.restrict(actor, "view").select_related(
            "receiving_unit__parent", "competent_unit", "procedure_version"
        ),
        pk=pk,
    )
    return _pdf(printed.control_sheet_pdf(dossier), f"mau05-{_safe_name(dossier.code)}.pdf")


def book_units(actor):
    """Units whose book the actor keeps: desk roles (one-stop officer, leaders) or administrators."""
    qs = Unit.objects.restrict(actor, "view")
    if actor.is_system_admin:
        return qs
    ids = {u for u, roles in actor.roles.items() if roles & set(DESK_ROLES)}
    return qs.filter(pk__in=ids | set(actor.admin_unit_ids))


class BookForm(forms.Form):
    unit = forms.TypedChoiceField(
        label=_("Đơn vị"),
        coerce=int,
        error_messages={
            "required": _("Đơn vị: chọn đơn vị."),
            "invalid_choice": _("Đơn vị: không có đơn vị này trong phạm vi của bạn."),
        },
    )
    start = date_field(_("Từ ngày"))
    end = date_field(_("Đến ngày"))
    format = forms.ChoiceField(
        label=_("Định dạng"),
        choices=[("pdf", "PDF"), ("xlsx", "Excel")],
        initial="pdf",
        error_messages={"invalid_choice": _("Định dạng: chọn PDF hoặc Excel.")},
    )
    scope = forms.ChoiceField(
        label=_("Phạm vi"),
        choices=[
            (book.SCOPE_ALL, _("Tất cả hồ sơ")),
            (book.SCOPE_BEYOND_BOUNDARY, _("Chỉ hồ sơ phi địa giới")),
        ],
        initial=book.SCOPE_ALL,
        error_messages={"invalid_choice": _("Phạm vi: chọn tất cả hoặc phi địa giới.")},
    )

    def __init__(self, data=None, *, units=()):
        if data is not None:
            # The query uses "from" and "to", which are not valid Python names.
            data = {
                "unit": data.get("unit"),
                "start": data.get("from"),
                "end": data.get("to"),
                "format": data.get("format") or "pdf",
                "scope": data.get("scope") or book.SCOPE_ALL,
            }
        super().__init__(data)
        self.fields["unit"].choices = vietnamese_sorted(
            [(u.pk, u.name) for u in units], key=lambda c: c[1]
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("Đến ngày: phải sau hoặc bằng Từ ngày."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("end", _("Đến ngày: khoảng thời gian tối đa một năm."))
        return data


@official_required
@require_GET
def book_view(request):
    actor = as_actor(request.user)
    units = list(book_units(actor))
    if request.GET.get("unit"):
        try:
            unit_id = int(request.GET["unit"])
        except ValueError as exc:
            raise Http404 from exc
        # Another unit's book is not the actor's to know about.
        if unit_id not in {u.pk for u in units}:
            raise Http404
    bound = any(request.GET.get(k) for k in ("unit", "from", "to"))
    book_form = BookForm(request.GET if bound else None, units=units)
    if not bound or not book_form.is_valid():
        context = {"form": book_form, "has_units": bool(units), "nav": "onestop"}
        return render(
            request, "onestop/print/book_form.html", context, status=400 if bound else 200
        )
    data = book_form.cleaned_data
    unit = next(u for u in units if u.pk == data["unit"])
    sheet = book.build(
        actor=actor, unit=unit, start=data["start"], end=data["end"], scope=data["scope"]
    )
    kind = "phi-dia-gioi-" if data["scope"] == book.SCOPE_BEYOND_BOUNDARY else ""
    name = f"so-theo-doi-ho-so-{kind}{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    if data["format"] == "xlsx":
        response = HttpResponse(book.book_xlsx(sheet), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        response["Cache-Control"] = "private, no-store"
        return response
    return _pdf(book.book_pdf(sheet), f"{name}.pdf")
