"""Pages of hồ sơ công việc under /app/ho-so/: catalog by year, work files, handover list.

Reads go through :mod:`.selectors` (``restrict``); changes through :mod:`.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError

from . import documents, selectors, services
from .forms import (
    AddDocumentForm,
    CatalogCreateForm,
    CatalogFilterForm,
    CatalogItemForm,
    WorkFileOpenForm,
)

NAV = "archive"


def _error(request, exc: ServiceError) -> None:
    messages.error(request, exc.message)


@official_required
@require_GET
def catalog_list(request):
    actor = as_actor(request.user)
    form = CatalogFilterForm(request.GET or None, years=selectors.catalog_years(actor=actor))
    year = form.cleaned_data.get("nam") if form.is_bound and form.is_valid() else None
    units = selectors.manageable_units(actor=actor)
    context = {
        "nav": NAV,
        "form": form,
        "catalogs": selectors.catalogs(actor=actor, year=year),
        "create_form": CatalogCreateForm(units=units) if units else None,
    }
    return render(request, "archive/catalog_list.html", context)


@official_required
@require_POST
def catalog_create(request):
    actor = as_actor(request.user)
    units = selectors.manageable_units(actor=actor)
    form = CatalogCreateForm(request.POST, units=units)
    if not form.is_valid():
        raise Http404
    unit = next(u for u in units if u.pk == form.cleaned_data["don_vi"])
    try:
        catalog = services.catalog_create(actor=actor, unit=unit, year=form.cleaned_data["nam"])
    except ServiceError as exc:
        _error(request, exc)
        return redirect("archive:catalog_list")
    messages.success(request, _("Đã lập danh mục hồ sơ."))
    return redirect("archive:catalog_detail", pk=catalog.pk)


def _catalog_context(actor, catalog, item_form=None):
    return {
        "nav": NAV,
        "catalog": catalog,
        "items": selectors.catalog_items(actor=actor, catalog=catalog),
        "can_manage": services.can_manage_catalog(actor, catalog.unit_id),
        "can_approve": services.can_approve_catalog(actor, catalog.unit_id)
        and not catalog.is_approved,
        "can_open": services.can_open_work_file(actor, catalog.unit_id) and catalog.is_approved,
        "item_form": item_form or CatalogItemForm(),
    }


@official_required
@require_GET
def catalog_detail(request, pk: int):
    actor = as_actor(request.user)
    catalog = selectors.catalog_for(actor=actor, pk=pk)
    return render(request, "archive/catalog_detail.html", _catalog_context(actor, catalog))


@official_required
@require_POST
def catalog_item_add(request, pk: int):
    actor = as_actor(request.user)
    catalog = selectors.catalog_for(actor=actor, pk=pk)
    form = CatalogItemForm(request.POST)
    if form.is_valid():
        try:
            services.catalog_item_add(actor=actor, catalog=catalog, **form.cleaned_data)
        except ServiceError as exc:
            fields = [e.field for e in exc.errors if e.field in form.fields]
            form.add_error(fields[0] if fields else None, exc.message)
        else:
            messages.success(request, _("Đã thêm hồ sơ vào danh mục."))
            return redirect("archive:catalog_detail", pk=catalog.pk)
    context = _catalog_context(actor, catalog, item_form=form)
    return render(request, "archive/catalog_detail.html", context, status=400)


@official_required
@require_POST
def catalog_approve(request, pk: int):
    actor = as_actor(request.user)
    catalog = selectors.catalog_for(actor=actor, pk=pk)
    try:
        services.catalog_approve(actor=actor, catalog=catalog)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Đã duyệt danh mục hồ sơ."))
    return redirect("archive:catalog_detail", pk=catalog.pk)


@official_required
@require_POST
def work_file_open(request, pk: int):
    actor = as_actor(request.user)
    item = selectors.item_for(actor=actor, pk=pk)
    form = WorkFileOpenForm(request.POST)
    title = form.cleaned_data.get("title", "") if form.is_valid() else ""
    try:
        work_file = services.work_file_open(actor=actor, catalog_item=item, title=title)
    except ServiceError as exc:
        _error(request, exc)
        return redirect("archive:catalog_detail", pk=item.catalog_id)
    messages.success(request, _("Đã mở hồ sơ %(code)s.") % {"code": work_file.code})
    return redirect("archive:work_file_detail", pk=work_file.pk)


@official_required
@require_GET
def work_file_detail(request, pk: int):
    actor = as_actor(request.user)
    work_file = selectors.work_file_for(actor=actor, pk=pk)
    can_edit = services.can_edit_work_file(actor, work_file)
    context = {
        "nav": NAV,
        "work_file": work_file,
        "item": work_file.catalog_item,
        "rows": selectors.entry_rows(actor=actor, work_file=work_file),
        "can_edit": can_edit and work_file.status == "open",
        "can_hand_over": services.can_hand_over(actor, work_file)
        and work_file.status == "closed"
        and work_file.catalog_item.goes_to_archive,
    }
    return render(request, "archive/work_file_detail.html", context)


@official_required
@require_GET
def document_search(request, pk: int):
    """HTMX picker: documents the actor may see, by số, ký hiệu or trích yếu."""
    actor = as_actor(request.user)
    work_file = selectors.work_file_for(actor=actor, pk=pk)
    query = request.GET.get("q", "")[:200]
    results = documents.search(actor=actor, query=query)
    context = {"work_file": work_file, "results": results, "query": query}
    return render(request, "archive/_document_results.html", context)


@official_required
@require_POST
def document_add(request, pk: int):
    actor = as_actor(request.user)
    work_file = selectors.work_file_for(actor=actor, pk=pk)
    form = AddDocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn một văn bản để đưa vào hồ sơ."))
        return redirect("archive:work_file_detail", pk=work_file.pk)
    try:
        services.work_file_add_document(actor=actor, work_file=work_file, **form.cleaned_data)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Đã đưa văn bản vào hồ sơ."))
    return redirect("archive:work_file_detail", pk=work_file.pk)


@official_required
@require_POST
def document_remove(request, pk: int, entry_pk: int):
    actor = as_actor(request.user)
    work_file = selectors.work_file_for(actor=actor, pk=pk)
    entry = selectors.entry_for(actor=actor, work_file=work_file, pk=entry_pk)
    try:
        services.work_file_remove_document(actor=actor, entry=entry)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Đã rút văn bản khỏi hồ sơ."))
    return redirect("archive:work_file_detail", pk=work_file.pk)


@official_required
@require_POST
def work_file_close(request, pk: int):
    actor = as_actor(request.user)
    work_file = selectors.work_file_for(actor=actor, pk=pk)
    try:
        services.work_file_close(actor=actor, work_file=work_file)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Đã kết thúc hồ sơ."))
    return redirect("archive:work_file_detail", pk=work_file.pk)


@official_required
@require_POST
def work_file_hand_over(request, pk: int):
    actor = as_actor(request.user)
    work_file = selectors.work_file_for(actor=actor, pk=pk)
    try:
        services.work_file_mark_handed_over(actor=actor, work_file=work_file)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Hồ sơ đã sẵn sàng nộp lưu vào lưu trữ cơ quan."))
    return redirect("archive:work_file_detail", pk=work_file.pk)


@official_required
@require_GET
def handover_list(request):
    actor = as_actor(request.user)
    context = {
        "nav": NAV,
        "due": selectors.handover_due(actor=actor),
        "handed_over": selectors.handed_over(actor=actor),
    }
    return render(request, "archive/handover_list.html", context)
