"""Register pages under /app/so/: registers, issued numbers, voiding, closing, numbering policy.

Reads go through :mod:`.selectors` (``restrict``); changes through :mod:`.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congvu.accounts.access import official_required
from congvu.audit.services import log_access
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError

from . import selectors, services
from .forms import NumberingPolicyForm, ReopenForm, VoidNumberForm, YearFilterForm

#: The field a confirmation page posts: without it a POST only shows the page again.
CONFIRM_FIELD = "xac_nhan"


def _log_secret_read(request, register) -> None:
    if register.secrecy:
        log_access(
            actor=request.user,
            obj=register,
            unit=register.unit_id,
            confidentiality=register.secrecy,
            ip=request.META.get("REMOTE_ADDR", ""),
        )


def _form_error(form, exc: ServiceError) -> None:
    fields = [e.field for e in exc.errors if e.field in form.fields]
    form.add_error(fields[0] if fields else None, exc.message)


@official_required
def register_list(request):
    actor = as_actor(request.user)
    form = YearFilterForm(request.GET or None, years=selectors.register_years(actor=actor))
    year = form.cleaned_data["nam"] if form.is_bound and form.is_valid() else None
    context = {
        "nav": "registers",
        "form": form,
        "registers": selectors.registers_for(actor=actor, year=year),
        "can_set_policy": bool(selectors.policy_units(actor=actor)),
    }
    return render(request, "registry/register_list.html", context)


@official_required
def register_detail(request, pk: int):
    actor = as_actor(request.user)
    register = selectors.register_for_detail(actor=actor, pk=pk)
    _log_secret_read(request, register)
    numbers = list(selectors.numbers_of(actor=actor, register=register))
    context = {
        "nav": "registers",
        "register": register,
        "numbers": numbers,
        "in_use": services.numbers_in_use(numbers),
        "can_void": services.can_void(actor, register) and not register.is_closed,
        "can_close": services.can_close(actor, register) and not register.is_closed,
        "can_reopen": services.can_reopen(actor, register) and register.is_closed,
    }
    return render(request, "registry/register_detail.html", context)


@official_required
@require_http_methods(["GET", "POST"])
def register_close(request, pk: int):
    actor = as_actor(request.user)
    register = selectors.register_for_detail(actor=actor, pk=pk)
    error = None
    # Closing is irreversible for the clerk: only the page's explicit confirmation acts.
    if request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1":
        try:
            services.register_close(actor=actor, register=register)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, _("Đã khóa sổ. Sổ không cấp thêm số."))
            return redirect("registry:register_detail", pk=register.pk)
    context = {"nav": "registers", "register": register, "error": error}
    return render(request, "registry/register_close.html", context, status=400 if error else 200)


@official_required
@require_http_methods(["GET", "POST"])
def register_reopen(request, pk: int):
    actor = as_actor(request.user)
    register = selectors.register_for_detail(actor=actor, pk=pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_reopen(
                actor=actor, register=register, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã mở lại sổ. Sổ cấp tiếp số sau số cuối cùng."))
            return redirect("registry:register_detail", pk=register.pk)
    context = {
        "nav": "registers",
        "register": register,
        "form": form,
        "can_reopen": services.can_reopen(actor, register),
    }
    status = 400 if form.errors else 200
    return render(request, "registry/register_reopen.html", context, status=status)


@official_required
@require_http_methods(["GET", "POST"])
def number_void(request, pk: int):
    actor = as_actor(request.user)
    issued = selectors.issued_number_for_detail(actor=actor, pk=pk)
    form = VoidNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.number_void(actor=actor, issued=issued, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã hủy số %(number)02d.") % {"number": issued.number})
            return redirect("registry:register_detail", pk=issued.register_id)
    context = {
        "nav": "registers",
        "issued": issued,
        "register": issued.register,
        "form": form,
        "can_void": services.can_void(actor, issued.register),
        "in_use": bool(services.numbers_in_use([issued])),
    }
    return render(request, "registry/number_void.html", context, status=400 if form.errors else 200)


@official_required
def numbering_policy(request):
    actor = as_actor(request.user)
    rows = [
        (unit, NumberingPolicyForm(initial={"admin_numbering": choice}, prefix=f"u{unit.pk}"))
        for unit, choice in selectors.policy_units(actor=actor)
    ]
    return render(request, "registry/numbering_policy.html", {"nav": "registers", "rows": rows})


@official_required
@require_http_methods(["POST"])
def numbering_policy_set(request, unit_pk: int):
    actor = as_actor(request.user)
    unit = selectors.policy_unit_for_change(actor=actor, pk=unit_pk)
    form = NumberingPolicyForm(request.POST, prefix=f"u{unit.pk}")
    if form.is_valid():
        try:
            services.numbering_policy_set(
                actor=actor, unit=unit, admin_numbering=form.cleaned_data["admin_numbering"]
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã lưu cách đánh số của %(unit)s.") % {"unit": unit.name})
    else:
        messages.error(request, _("Hãy chọn một cách đánh số."))
    return redirect("registry:numbering_policy")
