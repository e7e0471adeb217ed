"""Pages under /app/so-dang-ky/: choose a register, print it (PDF), export it (Excel), close a year.

Only the clerk, leaders and administrators of a unit print its registers;
another unit answers 404. Rows come from :mod:`.rows` (``restrict``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congvu.accounts.access import official_required
from congvu.audit.services import log_access
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError
from congvu.registry import services as registry_services
from congvu.registry.models import Register

from . import rows
from .columns import KINDS, TITLES
from .forms import RegisterExportForm
from .pdf import register_pdf
from .xlsx import register_xlsx

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _closable(actor, units):
    return [
        r
        for r in Register.objects.restrict(actor, "view")
        .filter(unit__in=units, closed_at__isnull=True)
        .select_related("unit")
        .order_by("-year", "unit__name", "direction", "secrecy")
        if registry_services.can_close(actor, r)
    ]


def _page(request, actor, units, form, status=200):
    query = ""
    if form.is_bound and form.is_valid():
        data = {
            k: request.GET[k] for k in ("don_vi", "tu", "den", "mat", "quyen") if request.GET.get(k)
        }
        query = urlencode(data)
    context = {
        "nav": "registers",
        "form": form,
        "has_units": bool(units),
        "can_secret": actor.clearance >= 1,
        "query": query,
        "kinds": [(k, TITLES[k]) for k in KINDS],
        "closable": _closable(actor, units),
    }
    return render(request, "registry/exports/export.html", context, status=status)


@official_required
@require_GET
def export(request):
    actor = as_actor(request.user)
    units = list(rows.export_units(actor=actor))
    form = RegisterExportForm(request.GET or None, units=units)
    return _page(request, actor, units, form)


@official_required
@require_GET
def download(request, kind: str, fmt: str):
    actor = as_actor(request.user)
    if "don_vi" in request.GET:
        # A unit outside the actor's registers is a 404, before any other check.
        rows.unit_for_export(actor=actor, unit_id=request.GET.get("don_vi"))
    units = list(rows.export_units(actor=actor))
    form = RegisterExportForm(request.GET, units=units)
    if not form.is_valid():
        return _page(request, actor, units, form, status=400)
    data = form.cleaned_data
    unit = rows.unit_for_export(actor=actor, unit_id=data["don_vi"])
    secrecy = 1 if data.get("mat") else 0
    sheet = rows.build(
        actor=actor,
        kind=kind,
        unit=unit,
        start=data["tu"],
        end=data["den"],
        secrecy=secrecy,
        volume=data.get("quyen") or 1,
    )
    if secrecy:
        log_access(
            actor=request.user,
            obj=unit,
            unit=unit.pk,
            confidentiality=secrecy,
            ip=request.META.get("REMOTE_ADDR", ""),
        )
    content = register_pdf(sheet) if fmt == "pdf" else register_xlsx(sheet)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"so-{kind}-{'mat-' if secrecy else ''}{data['tu']:%Y%m%d}-{data['den']:%Y%m%d}.{fmt}"
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@official_required
@require_POST
def close(request, pk: int):
    actor = as_actor(request.user)
    units = rows.export_units(actor=actor)
    register = get_object_or_404(
        Register.objects.restrict(actor, "view").filter(unit__in=units), pk=pk
    )
    if request.POST.get("xac_nhan") != "1":
        # Closing happens only after the confirmation page says what it does.
        return redirect("registry:register_close", pk=register.pk)
    try:
        registry_services.register_close(actor=actor, register=register)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã khóa sổ. Sổ không cấp thêm số."))
    return redirect("registry_exports:export")
