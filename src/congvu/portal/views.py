"""Portal pages for citizens and businesses (công dân, doanh nghiệp). Thin: services decide."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.views import (
    INTERNAL_RESET_SESSION_TOKEN,
    PasswordChangeView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
    redirect_to_login,
)
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from congvu.accounts.constants import UserKind
from congvu.accounts.models import User
from congvu.accounts.ratelimit import PasswordResetLimitMixin
from congvu.accounts.throttle import client_ip
from congvu.core.errors import ServiceError

from . import services
from .forms import (
    LoginForm,
    PortalPasswordChangeForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
    ProfileForm,
    ResendVerificationForm,
    SignupForm,
)
from .services import LoginOutcome


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _is_citizen(user) -> bool:
    return bool(user.is_authenticated and getattr(user, "kind", None) == UserKind.CITIZEN)


def citizen_required(view):
    """Anonymous visitors go to the portal login; officials get 404 (not their area)."""

    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not _is_citizen(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def home(request):
    return render(request, "portal/home.html", {"nav": "home"})


@sensitive_post_parameters("password1", "password2")
def signup(request):
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.citizen_signup(
                actor=request.user,
                applicant_type=data["applicant_type"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                id_number=data["id_number"],
                tax_code=data["tax_code"],
                password=data["password1"],
                base_url=_base_url(request),
            )
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            request.session["portal_signup_email"] = data["email"]
            return redirect("portal:signup_done")
    return render(request, "portal/signup.html", {"form": form, "nav": "signup"})


def signup_done(request):
    return render(
        request,
        "portal/signup_done.html",
        {"email": request.session.get("portal_signup_email", ""), "nav": "signup"},
    )


def verify(request, token: str):
    try:
        user = services.citizen_verify_email(actor=request.user, token=token)
    except ServiceError as exc:
        return render(
            request,
            "portal/verify_failed.html",
            {"error": exc, "form": ResendVerificationForm()},
            status=400,
        )
    return render(request, "portal/verify_done.html", {"verified_email": user.email})


def resend_verification(request):
    form = ResendVerificationForm(request.POST or None, initial={"email": request.GET.get("email")})
    if request.method == "POST" and form.is_valid():
        services.citizen_resend_verification(
            email=form.cleaned_data["email"], base_url=_base_url(request)
        )
        messages.success(
            request,
            _(
                "Nếu địa chỉ này thuộc một tài khoản chưa xác minh, chúng tôi đã gửi lại thư "
                "xác minh. Hãy kiểm tra hộp thư (cả mục thư rác)."
            ),
        )
        return redirect("portal:login")
    return render(request, "portal/resend_verification.html", {"form": form})


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:profile")


@sensitive_post_parameters("password")
def login_view(request):
    if _is_citizen(request.user):
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    if request.method == "POST" and form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        ip = client_ip(request)
        outcome, user = services.citizen_login_check(email=email, password=password, ip=ip)
        if outcome == LoginOutcome.OK:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            services.citizen_login_audit(user=user, ip=ip)
            return redirect(_safe_next(request))
        context["outcome"] = outcome
        context["resend_email"] = email if outcome == LoginOutcome.UNVERIFIED else ""
        if outcome == LoginOutcome.LOCKED:
            form.add_error(None, services.login_lock_message(email=email, ip=ip))
        else:
            form.add_error(None, _LOGIN_MESSAGES[outcome])
    return render(request, "portal/login.html", context)


_LOGIN_MESSAGES = {
    LoginOutcome.INVALID: gettext_lazy("Thư điện tử hoặc mật khẩu không đúng."),
    LoginOutcome.UNVERIFIED: gettext_lazy(
        "Tài khoản chưa được xác minh. Hãy mở liên kết trong thư xác minh, "
        "hoặc yêu cầu gửi lại thư."
    ),
    LoginOutcome.DISABLED: gettext_lazy(
        "Tài khoản đã bị vô hiệu hóa. Hãy liên hệ cơ quan tiếp nhận để được hỗ trợ."
    ),
    LoginOutcome.OFFICIAL: gettext_lazy(
        "Đây là tài khoản cán bộ. Cán bộ đăng nhập tại trang dành cho cán bộ."
    ),
}


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.citizen_logout_audit(user=request.user, ip=client_ip(request))
    logout(request)
    messages.success(request, _("Bạn đã đăng xuất."))
    return redirect("portal:home")


@citizen_required
def profile(request):
    account = get_object_or_404(User.objects.restrict(request.user, "view"), pk=request.user.pk)
    form = ProfileForm(
        request.POST or None, initial={"phone": account.phone, "address": account.address}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.citizen_update_profile(
                actor=request.user,
                user=account,
                phone=form.cleaned_data["phone"],
                address=form.cleaned_data["address"],
            )
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Đã lưu thông tin tài khoản."))
            return redirect("portal:profile")
    return render(
        request, "portal/profile.html", {"form": form, "account": account, "nav": "profile"}
    )


class CitizenPasswordChangeView(PasswordChangeView):
    """Django's password change, saved through the audited service."""

    form_class = PortalPasswordChangeForm
    template_name = "portal/password_change.html"
    success_url = reverse_lazy("portal:profile")

    def dispatch(self, request, *args, **kwargs):
        # Before Django's login_required, which would send people to the officials' login.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not _is_citizen(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(nav="profile", **kwargs)

    def form_valid(self, form):
        try:
            user = services.citizen_change_password(
                actor=self.request.user,
                user=form.user,
                new_password=form.cleaned_data["new_password1"],
            )
        except ServiceError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return HttpResponseRedirect(self.get_success_url())


# --- Quên mật khẩu: Django's reset views, limited to portal accounts and audited ----------


class CitizenPasswordResetView(PasswordResetLimitMixin, PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "portal/password_reset_form.html"
    email_template_name = "portal/email/password_reset.txt"
    subject_template_name = "portal/email/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")
    title = gettext_lazy("Quên mật khẩu")
    limit_scope = "portal-password-reset"

    @property
    def extra_email_context(self):
        return {"site_name": settings.CONGVU_SITE_NAME}


class CitizenPasswordResetDoneView(PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"
    title = gettext_lazy("Đã gửi thư đặt lại mật khẩu")


class CitizenPasswordResetConfirmView(PasswordResetConfirmView):
    form_class = PortalSetPasswordForm
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")
    title = gettext_lazy("Đặt mật khẩu mới")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # An official's reset link must not work here.
        return user if user is not None and user.kind == UserKind.CITIZEN else None

    def form_valid(self, form):
        try:
            services.citizen_reset_password(
                user=form.user, new_password=form.cleaned_data["new_password1"]
            )
        except ServiceError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class CitizenPasswordResetCompleteView(PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"
    title = gettext_lazy("Đã đặt lại mật khẩu")
