"""The search page (/app/tim-kiem/): one box, filters, highlighted results within scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor

from . import selectors
from .forms import SearchForm
from .paging import InvalidCursor

PAGE_SIZE = 20


#: The page's cursor parameters: the page after / before a given row (``paging``).
AFTER, BEFORE = "sau", "truoc"


@official_required
def home(request):
    actor = as_actor(request.user)
    form = SearchForm(request.GET or None, actor=actor)
    page, query, cursor_error = selectors.SearchPage(hits=[], total=0), "", None
    searched = form.is_bound and form.is_valid()
    if searched:
        query = form.cleaned_data["q"]
        cursor = request.GET.get(AFTER) or request.GET.get(BEFORE) or None
        try:
            page = selectors.search_page(
                actor=actor, query=query, filters=form.filters(), limit=PAGE_SIZE, cursor=cursor
            )
        except InvalidCursor as exc:
            # An edited link or one of another search: say so (400), with the first page's link.
            cursor_error = exc
    params = {k: v for k, v in request.GET.items() if k not in (AFTER, BEFORE) and v}

    def link(key, cursor):
        return f"?{urlencode({**params, key: cursor})}" if cursor else None

    context = {
        "nav": "search",
        "form": form,
        "searched": searched,
        "hits": page.hits,
        "total": page.total,
        "count_is_estimate": page.count_is_estimate,
        "next_url": link(AFTER, page.next_cursor),
        "previous_url": link(BEFORE, page.previous_cursor),
        "cursor_error": cursor_error,
        "first_url": f"?{urlencode(params)}",
    }
    template = "search/_results.html" if request.htmx and not request.htmx.boosted else None
    status = cursor_error.status if cursor_error else 200
    return render(request, template or "search/home.html", context, status=status)
