"""Hồ sơ cá nhân of an official: contact details, positions, 2FA, delegations."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

import django_otp

from congvu.core.errors import ServiceError

from .constants import UserKind
from .forms import ContactForm, DelegationForm, OTPTokenForm, add_service_error
from .models import Delegation, Position
from .services import delegation_create, delegation_revoke, user_contact_update
from .twofactor import (
    confirmed_device,
    device_qr_svg,
    device_secret,
    pending_device,
    recovery_codes_generate,
    recovery_codes_left,
    totp_device_confirm,
    totp_device_remove,
    two_factor_required,
)


def official_required(view):
    """Signed-in officials only; portal accounts get 404 like the rest of the internal area."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request.user, "kind", None) != UserKind.OFFICIAL:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _profile_context(request, **extra) -> dict:
    user = request.user
    positions = (
        Position.objects.active().filter(user=user).select_related("unit").order_by("unit__path")
    )
    delegations = (
        Delegation.objects.restrict(user, "view")
        .filter(Q(delegator=user) | Q(delegate=user))
        .select_related("delegator", "delegate", "unit")
        .order_by("-start_date", "-pk")
    )
    given = [d for d in delegations if d.delegator_id == user.pk]
    received = [d for d in delegations if d.delegate_id == user.pk]
    delegation_form = extra.pop("delegation_form", None) or DelegationForm(user=user)
    context = {
        "nav": "profile",
        "profile_user": user,
        "positions": positions,
        "delegations_given": given,
        "delegations_received": received,
        "delegation_form": delegation_form,
        "can_delegate": delegation_form.has_units,
        "has_2fa": confirmed_device(user) is not None,
        "recovery_codes_left": recovery_codes_left(user),
        "requires_2fa": two_factor_required(user),
        "today": timezone.localdate(),
    }
    context.update(extra)
    context.setdefault(
        "contact_form", ContactForm(initial={"email": user.email, "phone": user.phone})
    )
    return context


@official_required
def profile(request):
    """Show the profile; POST saves e-mail and phone."""
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                user_contact_update(
                    actor=request.user,
                    user=request.user,
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                )
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Đã lưu thông tin liên hệ."))
                return redirect("accounts:profile")
        return render(
            request, "accounts/profile.html", _profile_context(request, contact_form=form)
        )
    return render(request, "accounts/profile.html", _profile_context(request))


@official_required
@require_POST
def delegation_create_view(request):
    form = DelegationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            delegation_create(
                actor=request.user,
                delegator=request.user,
                delegate=form.cleaned_data["delegate"],
                unit=form.cleaned_data["unit"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã tạo ủy quyền."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        _profile_context(request, delegation_form=form),
        status=400,
    )


@official_required
@require_POST
def delegation_revoke_view(request, pk: int):
    delegation = get_object_or_404(Delegation.objects.restrict(request.user, "change"), pk=pk)
    try:
        delegation_revoke(actor=request.user, delegation=delegation)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thu hồi ủy quyền."))
    return redirect("accounts:profile")


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@official_required
def two_factor_setup(request):
    """Cài đặt xác thực hai lớp: QR code + secret, then a first code confirms the device."""
    user = request.user
    next_url = _safe_next(request)
    if confirmed_device(user) is not None:
        messages.info(request, _("Xác thực hai lớp đã được bật cho tài khoản của bạn."))
        return redirect("accounts:profile")
    device = pending_device(user)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totp_device_confirm(actor=user, device=device, token=form.cleaned_data["otp_token"])
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            # The code just entered proves the second factor for this session too.
            django_otp.login(request, device)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "nav": "profile",
            "form": form,
            "qr_svg": device_qr_svg(device),
            "secret": device_secret(device),
            "requires_2fa": two_factor_required(user),
            "next": next_url,
        },
    )


@official_required
@require_POST
def two_factor_remove(request):
    try:
        totp_device_remove(actor=request.user, user=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã tắt xác thực hai lớp."))
    return redirect("accounts:profile")


@official_required
@require_POST
@never_cache
def recovery_codes_create(request):
    """Tạo mã dự phòng: shown on this response only, never stored in readable form elsewhere."""
    try:
        codes = recovery_codes_generate(actor=request.user, user=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:profile")
    return render(request, "accounts/recovery_codes.html", {"nav": "profile", "codes": codes})
