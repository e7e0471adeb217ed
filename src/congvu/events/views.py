"""The queue page of the outbox at /app/su-kien/, for system administrators (404 for others)."""

from __future__ import annotations

import json

from django.apps import apps
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError

from . import selectors, services
from .catalogue import (
    EventType,
    event_type_label,
    event_types,
    object_url_name,
    subscriber_label,
)
from .forms import QueueFilterForm

#: The field a confirmation page posts: without it a POST only shows the page again.
CONFIRM_FIELD = "xac_nhan"
PAGE_SIZE = 50


def object_label(key: str) -> dict:
    """ "Đối tượng" as people read it: "Văn bản đi #14", linked when its app registered a page.

    Only the model's name and the id are shown, never the object's content (a Mật
    document's subject stays off this page); the linked page does its own authorization.
    """
    model_label, _sep, pk = key.partition(":")
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return {"label": key, "url": None}
    label = f"{capfirst(model._meta.verbose_name)} #{pk}"
    url_name = object_url_name(model_label)
    url = None
    if url_name and pk.isdigit():
        try:
            url = reverse(url_name, args=[int(pk)])
        except NoReverseMatch:
            url = None
    return {"label": label, "url": url}


def _labelled(types: list[EventType]) -> list[dict]:
    return [
        {
            "name": t.name,
            "label": event_type_label(t.name),
            "description": t.description,
            "fields": t.fields,
        }
        for t in types
    ]


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
    for delivery in page.object_list:
        delivery.event_label = event_type_label(delivery.message.event_type)
        delivery.subscriber_label = subscriber_label(delivery.subscriber)
        delivery.object = object_label(delivery.key)
    # The filter lists the types by what they mean; the form (and its validation) keeps the codes.
    form.fields["loai"].choices = [
        (code, event_type_label(code) if code else label)
        for code, label in form.fields["loai"].choices
    ]
    query = request.GET.copy()
    query.pop("trang", None)
    counts = selectors.counts(actor=actor)
    context = {
        "nav": "events",
        "form": form,
        "page": page,
        "query_string": query.urlencode(),
        "status": filters["status"],
        "counts": counts,
        "queue_empty": not any(counts.values()),
        "types": _labelled(event_types()),
    }
    return render(request, "events/queue.html", context)


@official_required
def message_detail(request, pk: int):
    actor = _actor(request)
    message = selectors.message_for_detail(actor=actor, pk=pk)
    context = {
        "message": message,
        "event_label": event_type_label(message.event_type),
        "object": object_label(message.key),
        "payload": json.dumps(message.payload, indent=2, ensure_ascii=False, sort_keys=True),
        "deliveries": [
            _with_label(d) for d in selectors.deliveries_of(actor=actor, message=message)
        ],
    }
    return render(request, "events/message_detail.html", context)


def _with_label(delivery):
    delivery.subscriber_label = subscriber_label(delivery.subscriber)
    return delivery


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
    context = {
        "delivery": delivery,
        "message": delivery.message,
        "event_label": event_type_label(delivery.message.event_type),
        "error": error,
    }
    return render(request, "events/delivery_retry.html", context, status=400 if error else 200)
