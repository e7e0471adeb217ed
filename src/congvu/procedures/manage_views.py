"""Officials' catalogue pages (/app/thu-tuc/): procedures, versions, internal processes."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError
from congvu.org.models import Unit

from . import selectors, services
from .forms import CatalogueSearchForm, ProcessForm, StepFormSet
from .models import Procedure, ProcessDefinition
from .parsing import ALL_FLAGS

PAGE_SIZE = 30


def _editable_units(actor, procedure):
    """Units whose process ``actor`` may edit, offered on the procedure page."""
    if actor.is_system_admin:
        return selectors.units_offering(procedure)
    return Unit.objects.filter(pk__in=actor.admin_unit_ids).order_by("path")


@official_required
def procedure_list(request):
    actor = as_actor(request.user)
    form = CatalogueSearchForm(request.GET or None, actor=actor)
    query, field_id = form.values()
    procedures = (
        selectors.search_procedures(
            Procedure.objects.restrict(actor, "view").select_related("field"), query, field_id
        )
        .annotate(process_count=Count("processes", filter=Q(processes__active=True)))
        .order_by("field__name", "name")
    )
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    return render(
        request,
        "procedures/manage/list.html",
        {"nav": "procedures", "form": form, "page": page, "query_string": params.urlencode()},
    )


@official_required
def procedure_detail(request, code: str):
    actor = as_actor(request.user)
    procedure = get_object_or_404(
        Procedure.objects.restrict(actor, "view").select_related("field"), code=code
    )
    version = selectors.procedure_detail(procedure)
    processes = (
        ProcessDefinition.objects.restrict(actor, "view")
        .filter(procedure=procedure)
        .select_related("unit")
        .prefetch_related("steps__unit")
        .order_by("unit__path", "-valid_from")
    )
    return render(
        request,
        "procedures/manage/detail.html",
        {
            "nav": "procedures",
            "procedure": procedure,
            "version": version,
            "versions": procedure.versions.order_by("-number"),
            "legal_hours": selectors.legal_hours(version),
            "processes": processes,
            "editable_units": _editable_units(actor, procedure)[:200],
            "raw_json": json.dumps(version.raw, ensure_ascii=False, indent=2) if version else "",
            "flag_codes": ALL_FLAGS,
        },
    )


def _initial_steps(procedure, unit, version) -> list[dict]:
    definition = selectors.process_in_force(procedure, unit)
    if definition is not None and definition.unit_id == unit.pk:
        return [
            {
                "name": s.name,
                "kind": s.kind,
                "unit": s.unit_id,
                "role": s.role,
                "budget_hours": s.budget_hours,
            }
            for s in definition.steps.all()
        ]
    return selectors.default_steps(version)


def _place_errors(meta, formset, forms_used, error: ServiceError) -> None:
    placed = False
    for fe in error.errors:
        if fe.field == "steps":
            formset._non_form_errors = formset.error_class([fe.message])
            placed = True
        elif fe.field.startswith("steps-"):
            _prefix, index, name = fe.field.split("-", 2)
            form = forms_used[int(index)] if int(index) < len(forms_used) else None
            if form is not None and name in form.fields:
                form.add_error(name, fe.message)
                placed = True
        elif fe.field in meta.fields:
            meta.add_error(fe.field, fe.message)
            placed = True
    if not placed:
        meta.add_error(None, error.message)


@official_required
def process_edit(request, code: str, unit_id: int):
    actor = as_actor(request.user)
    procedure = get_object_or_404(Procedure.objects.restrict(actor, "view"), code=code)
    unit = get_object_or_404(Unit.objects.restrict(actor, "view"), pk=unit_id)
    if not services.can_edit_process(actor, unit):
        raise Http404
    version = selectors.procedure_detail(procedure)
    step_units = Unit.objects.restrict(actor, "view").order_by("path")
    if request.method == "POST":
        meta = ProcessForm(request.POST)
        formset = StepFormSet(request.POST, prefix="steps", form_kwargs={"units": step_units})
        if meta.is_valid() and formset.is_valid():
            forms_used = [
                f for f in formset.forms if not f.cleaned_data.get("delete") and not f.is_blank()
            ]
            steps = [
                {k: f.cleaned_data.get(k) for k in ("name", "kind", "unit", "role", "budget_hours")}
                for f in forms_used
            ]
            try:
                services.save_process(
                    actor=actor,
                    procedure=procedure,
                    unit=unit,
                    steps=steps,
                    valid_from=meta.cleaned_data["valid_from"],
                )
            except ServiceError as exc:
                _place_errors(meta, formset, forms_used, exc)
            else:
                messages.success(request, _("Đã lưu quy trình nội bộ."))
                return redirect("procedures_manage:detail", code=procedure.code)
    else:
        meta = ProcessForm()
        formset = StepFormSet(
            prefix="steps",
            initial=_initial_steps(procedure, unit, version),
            form_kwargs={"units": step_units},
        )
    return render(
        request,
        "procedures/manage/process_form.html",
        {
            "nav": "procedures",
            "procedure": procedure,
            "unit": unit,
            "version": version,
            "legal_hours": selectors.legal_hours(version),
            "meta": meta,
            "formset": formset,
        },
    )
