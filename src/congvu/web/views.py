"""Pages of the officials' area (/app/): home, organisation tree, danh bạ.

Every view is wrapped in :func:`official_required`; reads go through
``congvu.web.selectors`` (and so through ``restrict``).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from congvu.accounts.access import OfficialRequiredMixin, official_required
from congvu.accounts.selectors import staff_directory
from congvu.core.authz import as_actor

from . import selectors
from .forms import DirectoryForm, OrgTreeForm
from .mywork import counters_for, sections_for

__all__ = [
    "OfficialRequiredMixin",
    "directory",
    "home",
    "official_required",
    "org_tree",
    "person_detail",
    "unit_detail",
]

DIRECTORY_PAGE_SIZE = 50


@official_required
def home(request):
    actor = as_actor(request.user)
    context = {
        "nav": "home",
        "positions": selectors.positions_of(actor=actor, user=request.user),
        "counters": counters_for(actor),
        "sections": sections_for(actor),
    }
    return render(request, "web/home.html", context)


@official_required
def org_tree(request):
    actor = as_actor(request.user)
    today = timezone.localdate()
    form = OrgTreeForm(request.GET or None, initial={"ngay": today})
    day = today
    if form.is_bound and form.is_valid() and form.cleaned_data["ngay"]:
        day = form.cleaned_data["ngay"]
    context = {
        "nav": "org",
        "form": form,
        "day": day,
        "is_today": day == today,
        "forest": selectors.unit_forest(actor=actor, day=day),
    }
    return render(request, "web/org_tree.html", context)


@official_required
def unit_detail(request, pk: int):
    actor = as_actor(request.user)
    unit = selectors.unit_for_detail(actor=actor, pk=pk)
    context = {"nav": "org", "detail": selectors.unit_detail(actor=actor, unit=unit)}
    return render(request, "web/unit_detail.html", context)


@official_required
def directory(request):
    actor = as_actor(request.user)
    form = DirectoryForm(request.GET or None, unit_choices=selectors.unit_choices(actor=actor))
    query, unit_ids = "", None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        if form.cleaned_data["don_vi"]:
            unit_ids = selectors.unit_subtree_ids(form.cleaned_data["don_vi"])
    people = staff_directory(actor=actor, query=query, unit_ids=unit_ids)
    page = Paginator(people, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    context = {
        "nav": "directory",
        "form": form,
        "page": page,
        "total": len(people),
        "query_string": params.urlencode(),
    }
    # A live-search request (HTMX, not boosted) only needs the results table.
    partial = bool(request.htmx) and not request.htmx.boosted
    template = "web/_directory_results.html" if partial else "web/directory.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@official_required
def person_detail(request, pk: int):
    actor = as_actor(request.user)
    person = selectors.official_for_detail(actor=actor, pk=pk)
    context = {
        "nav": "directory",
        "person": person,
        "positions": selectors.positions_of(actor=actor, user=person),
        "past_positions": selectors.past_positions_of(actor=actor, user=person),
    }
    return render(request, "web/person_detail.html", context)
