"""Pages of "Việc của tôi" (/app/viec-cua-toi/) and hạn xử lý per unit (/app/han-xu-ly/)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError

from . import deadlines as deadline_selectors
from . import selectors, services
from .models import Notification

PAGE_SIZE = 20
NOTIFICATIONS_SHOWN = 10


def _int(value, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


@official_required
def home(request):
    actor = as_actor(request.user)
    categories = selectors.categories_for(actor)
    counts = selectors.inbox_counts(actor)
    keys = [c.key for c in categories]
    tab = request.GET.get("tab")
    if tab not in keys:
        tab = next((k for k in keys if counts.get(k)), keys[0] if keys else None)
    page = _int(request.GET.get("trang"), 1, 1, 10_000)
    items = (
        selectors.inbox_list(actor, tab, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        if tab
        else []
    )
    total = counts.get(tab, 0) if tab else 0
    context = {
        "nav": "inbox",
        "tabs": [(c.key, c.label, counts.get(c.key, 0)) for c in categories],
        "tab": tab,
        "items": items,
        "total": total,
        "page": page,
        "has_previous": page > 1,
        "has_next": page * PAGE_SIZE < total,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "inbox/_list.html", context)
    context["notifications"] = list(
        Notification.objects.restrict(actor, "view").filter(read_at__isnull=True)[
            :NOTIFICATIONS_SHOWN
        ]
    )
    return render(request, "inbox/home.html", context)


@official_required
@require_POST
def notification_read(request, pk: int):
    actor = as_actor(request.user)
    notification = get_object_or_404(Notification.objects.restrict(actor, "view"), pk=pk)
    try:
        services.notification_mark_read(actor=actor, notification=notification)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã đánh dấu thông báo là đã đọc."))
    return redirect("inbox:home")


@official_required
def deadlines(request):
    actor = as_actor(request.user)
    days = _int(request.GET.get("so_ngay"), deadline_selectors.DEFAULT_DAYS, 0, 60)
    context = {
        "nav": "deadlines",
        "days": days,
        "blocks": deadline_selectors.unit_deadlines(actor=actor, days=days),
    }
    return render(request, "inbox/deadlines.html", context)
