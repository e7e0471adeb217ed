"""Public catalogue pages (/thu-tuc/): browse, search and read a procedure. Anyone may view."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError

from . import public_cache, selectors
from .constants import ONLINE_LEVEL_NATIONAL_CODE, Channel, OnlineLevel
from .fees import fees_on
from .forms import CatalogueSearchForm
from .models import Procedure, RequiredPaper

PAGE_SIZE = 20


def submit_url(code: str) -> str:
    """The portal's online submission page for ``code`` (built by the portal)."""
    try:
        return reverse("onestop_portal:submit", args=[code])
    except NoReverseMatch:
        return f"/dich-vu-cong/nop/{code}/"


def _render_content(request, template: str, context: dict) -> str:
    return render_to_string(template, context, request=request)


@require_GET
def procedure_list(request):
    actor = as_actor(request.user)

    def build() -> str:
        form = CatalogueSearchForm(request.GET or None, actor=actor)
        query, field_id = form.values()
        procedures = selectors.catalogue(actor, query, field_id)
        page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("trang"))
        params = request.GET.copy()
        params.pop("trang", None)
        context = {"form": form, "page": page, "query_string": params.urlencode()}
        return _render_content(request, "procedures/public/_list_content.html", context)

    if public_cache.is_public(actor):
        parts = {"query": sorted(request.GET.lists())}
        content = public_cache.cached_content("list", parts, build)
    else:
        content = build()
    return render(
        request,
        "procedures/public/list.html",
        {"nav": "catalogue", "content": mark_safe(content)},
    )


def _detail(request, actor, code: str) -> dict:
    procedure = get_object_or_404(
        Procedure.objects.restrict(actor, "view").select_related("field"), code=code, active=True
    )
    version = selectors.procedure_detail(procedure)
    if version is None:
        raise Http404
    channels = list(version.channels.all())
    fees = list(version.fees.all())
    today = timezone.localdate()
    for c in channels:
        # What the channel costs today (the page is cached per day), periods applied.
        c.fees_today = fees_on(fees, today, c.channel)
    online = version.online_level != OnlineLevel.NOT_ONLINE and any(
        c.channel == Channel.ONLINE for c in channels
    )
    context = {
        "procedure": procedure,
        "version": version,
        "channels": channels,
        "papers": list(version.papers.all()),
        "fees": fees,
        "online": online,
        "national_level": ONLINE_LEVEL_NATIONAL_CODE.get(version.online_level),
        "submit_url": submit_url(procedure.code) if online else "",
    }
    return {
        "title": Truncator(procedure.name).chars(80),
        "content": _render_content(request, "procedures/public/_detail_content.html", context),
    }


@require_GET
def procedure_detail(request, code: str):
    actor = as_actor(request.user)
    if public_cache.is_public(actor):
        page = public_cache.cached_content(
            "detail", {"code": code}, lambda: _detail(request, actor, code)
        )
    else:
        page = _detail(request, actor, code)
    return render(
        request,
        "procedures/public/detail.html",
        # Rendered by _detail (autoescaped there).
        {"nav": "catalogue", "title": page["title"], "content": mark_safe(page["content"])},
    )


@require_GET
def paper_template(request, code: str, pk: int):
    """Download the form (mẫu đơn, tờ khai) of a required paper: public like the catalogue."""
    from congvu.files.services import file_open_verified
    from congvu.files.views import content_disposition

    paper = get_object_or_404(
        RequiredPaper.objects.restrict(request.user, "view").select_related("template"),
        pk=pk,
        version__procedure__code=code,
        template__isnull=False,
    )
    stored = paper.template
    try:
        handle = file_open_verified(stored)
    except ServiceError as exc:
        return HttpResponse(
            exc.message or _("Không mở được tệp."),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    from django.http import FileResponse

    response = FileResponse(handle, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition(stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
