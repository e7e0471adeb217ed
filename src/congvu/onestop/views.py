"""Officials' one-stop pages (/app/mot-cua/). Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError
from congvu.files.models import StoredFile
from congvu.files.services import owner_label
from congvu.org.models import Unit
from congvu.procedures.models import Procedure
from congvu.procedures.selectors import units_offering

from . import selectors, services
from .forms import ListFilterForm, RegisterForm
from .models import Dossier
from .services.steps import local_day, version_in_force

PAGE_SIZE = 30


def form_error(form, error: ServiceError) -> None:
    placed = False
    for fe in error.errors:
        if fe.field in form.fields:
            form.add_error(fe.field, fe.message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _page(request, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    return page, params.urlencode()


def _list(request, qs, *, title, view, template="onestop/list.html", **extra):
    page, query_string = _page(request, qs)
    context = {"nav": "onestop", "title": title, "page": page, "query_string": query_string}
    context.update(view=view, **extra)
    if request.htmx and not request.htmx.boosted:
        template = "onestop/_table.html"
    return render(request, template, context)


@official_required
def dossier_list(request):
    actor = as_actor(request.user)
    form = ListFilterForm(request.GET or None)
    qs = selectors.dossiers_visible(actor)
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(Q(code__icontains=q) | Q(applicant_name__icontains=q))
        if form.cleaned_data["trang_thai"]:
            qs = qs.filter(status=form.cleaned_data["trang_thai"])
    return _list(request, qs, title=_("Hồ sơ một cửa"), view="list", form=form)


@official_required
def desk_queue(request):
    actor = as_actor(request.user)
    return _list(
        request,
        selectors.desk_queue(actor),
        title=_("Hồ sơ chờ tiếp nhận"),
        view="desk",
        to_return=selectors.desk_to_return(actor)[:50],
        can_register=bool(selectors.desk_units(actor)),
    )


@official_required
def overdue_list(request):
    actor = as_actor(request.user)
    return _list(request, selectors.overdue(actor), title=_("Hồ sơ quá hạn"), view="overdue")


@official_required
def my_steps(request):
    actor = as_actor(request.user)
    page, query_string = _page(request, selectors.my_steps(actor))
    return render(
        request,
        "onestop/my_steps.html",
        {"nav": "onestop", "view": "mine", "page": page, "query_string": query_string},
    )


def dossier_for(actor, pk: int) -> Dossier:
    qs = Dossier.objects.restrict(actor, "view").select_related(
        "procedure",
        "procedure_version",
        "receiving_unit",
        "competent_unit",
        "current_step",
        "current_step__unit",
        "current_step__assignee",
        "result_document",
    )
    return get_object_or_404(qs, pk=pk)


def dossier_files(dossier) -> list:
    return list(
        StoredFile.objects.filter(
            owner_type=owner_label(dossier), owner_id=str(dossier.pk)
        ).order_by("purpose", "pk")
    )


@official_required
def detail(request, pk: int):
    actor = as_actor(request.user)
    dossier = dossier_for(actor, pk)
    files = dossier_files(dossier)
    papers = list(dossier.papers.select_related("file").order_by("round", "pk"))
    context = {
        "nav": "onestop",
        "dossier": dossier,
        "papers": papers,
        "result_files": [f for f in files if f.purpose == "result"],
        "rows": selectors.control_sheet_rows(dossier),
        "pauses": list(dossier.pauses.order_by("started_at")),
        "forms": list(dossier.forms.order_by("issued_at", "pk")),
        "events": list(selectors.dossier_timeline(dossier, public_only=False)),
        "actions": selectors.available_actions(actor, dossier),
    }
    return render(request, "onestop/detail.html", context)


def _desk_units(actor):
    ids = selectors.desk_units(actor)
    qs = Unit.objects.restrict(actor, "view")
    if not actor.is_system_admin:
        qs = qs.filter(pk__in=ids)
    return list(qs.exclude(code="").order_by("path"))


@official_required
def register(request):
    actor = as_actor(request.user)
    units = _desk_units(actor)
    if not units:
        messages.error(request, _("Chỉ Bộ phận một cửa được tiếp nhận hồ sơ."))
        return redirect("onestop:list")
    procedures = list(Procedure.objects.filter(active=True).order_by("code")[:2000])
    data = request.POST if request.method == "POST" else request.GET
    chosen = next((p for p in procedures if str(p.pk) == str(data.get("procedure"))), None)
    papers = []
    if chosen is not None:
        try:
            version = version_in_force(chosen, local_day(_now()))
        except ServiceError as e:
            messages.error(request, e.message)
            chosen = None
        else:
            papers = list(version.papers.order_by("order", "pk"))
    competent_units = list(units_offering(chosen)) if chosen is not None else []
    kwargs = {
        "units": units,
        "procedures": procedures,
        "papers": papers,
        "competent_units": competent_units,
    }
    if request.method == "POST" and chosen is not None:
        form = RegisterForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            unit = next(u for u in units if u.pk == form.cleaned_data["receiving_unit"])
            try:
                dossier = services.dossier_register_direct(
                    actor=actor,
                    procedure=chosen,
                    receiving_unit=unit,
                    channel=form.cleaned_data["channel"],
                    applicant=form.applicant(),
                    papers=form.paper_list(),
                    subject=form.cleaned_data["subject"],
                    result_delivery=form.cleaned_data["result_delivery"],
                    competent_unit=form.competent_units.get(form.cleaned_data["competent_unit"]),
                )
            except ServiceError as e:
                form_error(form, e)
            else:
                messages.success(
                    request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code}
                )
                return redirect("onestop:detail", pk=dossier.pk)
    else:
        initial = {"procedure": chosen.pk} if chosen else {}
        form = RegisterForm(initial=initial, **kwargs)
    template = (
        "onestop/_register_papers.html"
        if request.htmx and not request.htmx.boosted
        else "onestop/register.html"
    )
    context = {"nav": "onestop", "view": "register", "form": form, "chosen": chosen}
    context["paper_fields"] = [(form[f"paper_{p.pk}"], form[f"file_{p.pk}"], p) for p in papers]
    return render(request, template, context, status=400 if form.errors else 200)


def _now():
    from django.utils import timezone

    return timezone.now()
