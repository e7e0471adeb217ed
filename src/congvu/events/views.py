"""The queue page of the outbox at /app/su-kien/, for system administrators (404 for others)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError

from . import selectors, services
from .catalogue import event_types
from .forms import QueueFilterForm

#: The field a confirmation page posts: without it a POST only shows the page again.
CONFIRM_FIELD = "xac_nhan"
PAGE_SIZE = 50


def _actor(request):
    actor = as_actor(request.user)
    if not selectors.may_view_queue(actor):
        raise Http404
    return actor


@official_required
def queue(request):
    actor = _actor(request)
    form = QueueFilterForm(request.GET or None, subscribers=selectors.subscriber_names(actor=actor))
    filters = form.filters()
    page = Paginator(selectors.queue(actor=actor, **filters), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "form": form,
        "page": page,
        "query_string": query.urlencode(),
        "status": filters["status"],
        "counts": selectors.counts(actor=actor),
        "types": event_types(),
    }
    return render(request, "events/queue.html", context)


@official_required
def message_detail(request, pk: int):
    actor = _actor(request)
    message = selectors.message_for_detail(actor=actor, pk=pk)
    context = {
        "message": message,
        "payload": json.dumps(message.payload, indent=2, ensure_ascii=False, sort_keys=True),
        "deliveries": selectors.deliveries_of(actor=actor, message=message),
    }
    return render(request, "events/message_detail.html", context)


@official_required
@require_http_methods(["GET", "POST"])
def delivery_retry(request, pk: int):
    actor = _actor(request)
    delivery = selectors.delivery_for_retry(actor=actor, pk=pk)
    error = None
    if request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1":
        try:
            services.delivery_retry(actor=actor, delivery=delivery)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, _("Đã đưa sự kiện trở lại hàng đợi để chuyển lại."))
            return redirect("events:message_detail", pk=delivery.message_id)
    context = {"delivery": delivery, "message": delivery.message, "error": error}
    return render(request, "events/delivery_retry.html", context, status=400 if error else 200)
