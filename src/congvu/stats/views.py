"""Statistics pages: the leaders' dashboard (/app/thong-ke/), its Excel export, the public page.

The dashboard and export cover the receiving units the actor leads or
administers (``selectors.stats_unit_ids``); a unit outside them is not a
choice of the filter. The public page (/cong-khai/) shows counts only: no
names, phone numbers or dossier codes ever enter its context.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from congvu.accounts.access import official_required

from . import charts
from .forms import StatisticsForm, query_of
from .selectors import COLUMNS, GROUP_LABELS, dossier_statistics, stats_unit_ids, subtree_ids
from .xlsx import statistics_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table(form, scope):
    unit = form.cleaned_data.get("don_vi")
    # A unit chosen in the scope brings its subtree, which the scope already holds.
    unit_ids = subtree_ids({unit.pk}) if unit else scope
    return dossier_statistics(unit_ids=unit_ids, **query_of(form))


def _context(request, form, table, **extra):
    return {
        "form": form,
        "table": table,
        "columns": COLUMNS,
        "group_label": GROUP_LABELS[table.group_by] if table else "",
        "chart": charts.progress_chart(table.rows, title=_("Tiến độ giải quyết hồ sơ"))
        if table
        else "",
        "online_bar": charts.share_bar(
            table.total.values["online_share"], label=_("Tỷ lệ nộp trực tuyến")
        )
        if table
        else "",
        "paid_bar": charts.share_bar(
            table.total.values["paid_online_share"], label=_("Tỷ lệ thanh toán trực tuyến")
        )
        if table
        else "",
        "query": request.GET.urlencode(),
        **extra,
    }


@official_required
@require_GET
def dashboard(request):
    scope = stats_unit_ids(request.user)
    if scope is not None and not scope:
        return render(request, "stats/dashboard.html", {"no_scope": True, "nav": "stats"})
    form = StatisticsForm(request.GET, units=scope)
    table = _table(form, scope) if form.is_valid() else None
    status = 200 if table is not None else 400
    return render(
        request, "stats/dashboard.html", _context(request, form, table, nav="stats"), status=status
    )


@official_required
@require_GET
def export(request):
    scope = stats_unit_ids(request.user)
    if scope is not None and not scope:
        return render(request, "stats/dashboard.html", {"no_scope": True}, status=404)
    form = StatisticsForm(request.GET, units=scope)
    if not form.is_valid():
        return render(request, "stats/dashboard.html", _context(request, form, None), status=400)
    table = _table(form, scope)
    unit = form.cleaned_data.get("don_vi")
    content = statistics_xlsx(table, scope_label=unit.name if unit else "")
    response = HttpResponse(content, content_type=XLSX)
    name = f"thong-ke-{table.period.start:%Y%m%d}-{table.period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def public(request):
    """Công khai tiến độ giải quyết: counts per unit or field, for everyone."""
    form = StatisticsForm(request.GET, units=None)
    table = _table(form, None) if form.is_valid() else None
    return render(
        request,
        "stats/public.html",
        _context(request, form, table),
        status=200 if table is not None else 400,
    )
