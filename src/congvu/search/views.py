"""The search page (/app/tim-kiem/): one box, filters, highlighted results within scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor

from . import selectors
from .forms import SearchForm

PAGE_SIZE = 20


@official_required
def home(request):
    actor = as_actor(request.user)
    form = SearchForm(request.GET or None, actor=actor)
    hits, total, query = [], 0, ""
    try:
        page = max(1, int(request.GET.get("trang", 1)))
    except ValueError:
        page = 1
    searched = form.is_bound and form.is_valid()
    if searched:
        query = form.cleaned_data["q"]
        hits, total = selectors.search(
            actor=actor,
            query=query,
            filters=form.filters(),
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
    params = {k: v for k, v in request.GET.items() if k != "trang" and v}
    context = {
        "nav": "search",
        "form": form,
        "searched": searched,
        "hits": hits,
        "total": total,
        "page": page,
        "query_string": urlencode(params),
        "has_previous": page > 1,
        "has_next": page * PAGE_SIZE < total,
    }
    template = "search/_results.html" if request.htmx and not request.htmx.boosted else None
    return render(request, template or "search/home.html", context)
