"""Officials' login in two steps (mật khẩu, then mã OTP), logout, password reset.

Portal accounts (công dân) sign in on the portal; this page refuses them.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

import django_otp

from .constants import UserKind
from .forms import LoginCodeForm, LoginForm, OfficialPasswordResetForm
from .ratelimit import PasswordResetLimitMixin
from .throttle import (
    client_ip,
    lock_message,
    locked_seconds,
    login_audit,
    login_failure_record,
    login_success_record,
)
from .twofactor import confirmed_device, recovery_code_use, two_factor_required

#: Session key holding who passed the password step and still owes a code.
PENDING_KEY = "congvu_login_pending"
PENDING_MAX_AGE = 5 * 60


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _finish(request, user, backend: str, next_url: str, device=None):
    """Open the session; send the user to 2FA set-up first when a unit demands it."""
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=backend)
    if device is not None:
        django_otp.login(request, device)
    login_success_record(username=user.get_username())
    login_audit(area="accounts", event="succeeded", user=user, ip=client_ip(request))
    if device is None and two_factor_required(user):
        url = reverse("accounts:two_factor_setup")
        return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _portal_login_url() -> str:
    try:
        return reverse("portal:login")
    except Exception:
        return "/"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    """Step 1: tên đăng nhập và mật khẩu."""
    next_url = _safe_next(request)
    if request.user.is_authenticated and getattr(request.user, "kind", "") == UserKind.OFFICIAL:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    form = LoginForm(request.POST or None)
    status = 200
    citizen = False
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip = client_ip(request)
        wait = locked_seconds(username=username, ip=ip)
        if wait:
            form.add_error(None, lock_message(wait))
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                login_audit(
                    area="accounts",
                    event="failed",
                    username=username,
                    ip=ip,
                    reason="password",
                )
                if login_failure_record(username=username, ip=ip):
                    form.add_error(None, lock_message(settings.LOGIN_LOCKOUT_SECONDS))
                    status = 429
                else:
                    form.add_error(None, _("Tên đăng nhập hoặc mật khẩu không đúng."))
            elif user.kind != UserKind.OFFICIAL:
                login_audit(
                    area="accounts", event="failed", user=user, ip=ip, reason="portal_account"
                )
                citizen = True
                form.add_error(
                    None,
                    _(
                        "Đây là tài khoản công dân, doanh nghiệp. "
                        "Vui lòng đăng nhập tại Cổng dịch vụ công."
                    ),
                )
            else:
                device = confirmed_device(user)
                if device is None:
                    return _finish(request, user, user.backend, next_url)
                request.session.cycle_key()
                request.session[PENDING_KEY] = {
                    "user_id": user.pk,
                    "backend": user.backend,
                    "at": time.time(),
                    "next": next_url,
                }
                return redirect("accounts:login_otp")
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": next_url,
            "citizen": citizen,
            "portal_login_url": _portal_login_url(),
        },
        status=status,
    )


def _pending_user(request):
    data = request.session.get(PENDING_KEY)
    if not data or time.time() - data.get("at", 0) > PENDING_MAX_AGE:
        return None, None
    user = (
        get_user_model()
        .objects.filter(pk=data["user_id"], is_active=True, kind=UserKind.OFFICIAL)
        .first()
    )
    return user, data


@csrf_protect
@never_cache
def login_otp_view(request):
    """Step 2: mã xác thực from the TOTP app.

    Also serves an official already signed in whose unit has just begun to
    require 2FA: they confirm a code without signing in again.
    """
    signed_in = request.user.is_authenticated
    if signed_in:
        user, data = request.user, {"next": _safe_next(request)}
    else:
        user, data = _pending_user(request)
        if user is None:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."))
            return redirect("accounts:login")
    device = confirmed_device(user)
    if device is None:
        return redirect("accounts:two_factor_setup" if signed_in else "accounts:login")
    next_url = data.get("next") or ""
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        wait = locked_seconds(username=user.get_username(), ip=ip)
        if wait:
            return _locked_out(request, wait, signed_in)
        token = form.cleaned_data["otp_token"]
        allowed, _why = device.verify_is_allowed()
        if token.isdigit() and not allowed:
            form.add_error(
                "otp_token",
                _("Bạn vừa nhập sai mã. Vui lòng đợi vài giây rồi nhập mã mới."),
            )
        else:
            if token.isdigit():
                verified = django_otp.verify_token(user, device.persistent_id, token)
            else:
                verified = recovery_code_use(user=user, code=token)
            if verified is not None:
                if signed_in:
                    django_otp.login(request, verified)
                    login_success_record(username=user.get_username())
                    login_audit(area="accounts", event="succeeded", user=user, ip=ip)
                    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
                return _finish(request, user, data["backend"], next_url, device=verified)
            login_audit(area="accounts", event="failed", user=user, ip=ip, reason="otp")
            if login_failure_record(username=user.get_username(), ip=ip, user=user):
                return _locked_out(request, settings.LOGIN_LOCKOUT_SECONDS, signed_in)
            form.add_error("otp_token", _("Mã xác thực không đúng hoặc đã hết hạn."))
    return render(
        request, "accounts/login_otp.html", {"form": form, "signed_in": signed_in, "next": next_url}
    )


def _locked_out(request, seconds: int, signed_in: bool):
    request.session.pop(PENDING_KEY, None)
    if signed_in:
        from django.contrib.auth import logout

        logout(request)
    messages.error(request, lock_message(seconds))
    return redirect("accounts:login")


class LogoutView(auth_views.LogoutView):
    """Đăng xuất (POST only, as Django requires), audited."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            login_audit(area="accounts", event="logout", user=request.user, ip=client_ip(request))
        return super().post(request, *args, **kwargs)


# --- Password reset by e-mail (quên mật khẩu) -----------------------------------


class PasswordResetView(PasswordResetLimitMixin, auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = OfficialPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    title = gettext_lazy("Quên mật khẩu")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    title = gettext_lazy("Đã gửi thư đặt lại mật khẩu")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    title = gettext_lazy("Đặt mật khẩu mới")

    @transaction.atomic
    def form_valid(self, form):
        from congvu.audit.services import log_action

        response = super().form_valid(form)
        log_action(
            actor=form.user,
            action="congvu.accounts.user.password_reset",
            obj=form.user,
            ip=client_ip(self.request),
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    title = gettext_lazy("Đã đặt lại mật khẩu")
