"""Quản lý khóa ký số under /app/chu-ky-so/: list, register (PKCS#12 or token), revoke, history.

Unit administrators manage the keys of their subtree, system administrators
every key; a holder reads his own keys. Everything is fetched through
``restrict()`` (404 outside scope); changes go through :mod:`.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError

from . import admin_selectors, services
from .forms import Pkcs12KeyForm, RemoteKeyForm, RevokeForm, TokenKeyForm, add_service_error
from .models import SigningKey
from .remote import registered_providers


def _can_manage(actor) -> bool:
    return actor.is_system_admin or bool(actor.admin_unit_ids)


@official_required
def key_list(request):
    actor = as_actor(request.user)
    status = request.GET.get("trang_thai", "")
    mine = request.GET.get("cua_toi") == "1" or not _can_manage(actor)
    context = {
        "nav": "signing_keys",
        "keys": admin_selectors.keys_for(actor, status=status, mine=mine),
        "status": status,
        "statuses": admin_selectors.STATUS_LABELS.items(),
        "mine": mine,
        "can_manage": _can_manage(actor),
        "warning_days": admin_selectors.warning_days(),
    }
    template = "signatures/_key_rows.html" if request.htmx else "signatures/key_list.html"
    return render(request, template, context)


@official_required
def key_detail(request, pk: int):
    actor = as_actor(request.user)
    key = admin_selectors.key_for_detail(actor, pk)
    can_revoke = (
        not key.revoked_at
        and SigningKey.objects.restrict(actor, "change").filter(pk=key.pk).exists()
    )
    provider = registered_providers().get(key.remote_provider) if key.is_remote else None
    context = {
        "nav": "signing_keys",
        "key": key,
        "registration": admin_selectors.key_registration_facts(key),
        "provider_name": (provider.verbose_name or provider.key)
        if provider
        else key.remote_provider,
        "history": admin_selectors.key_history(key),
        "can_revoke": can_revoke,
    }
    return render(request, "signatures/key_detail.html", context)


def _register(request, form_class, template_title, register):
    actor = as_actor(request.user)
    if not _can_manage(actor):
        raise Http404  # like any page outside the actor's scope
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, actor=actor)
    else:
        form = form_class(actor=actor, initial={k: v for k, v in request.GET.items() if v})
    form.fields["unit"].widget.attrs["hx-get"] = request.path
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                key = register(actor, form.cleaned_data)
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã đăng ký khóa ký số: %(subject)s.") % {"subject": key.subject},
                )
                return redirect("signatures:key_detail", pk=key.pk)
        status = 400
    context = {"nav": "signing_keys", "form": form, "title": template_title}
    return render(request, "signatures/key_form.html", context, status=status)


@official_required
@require_http_methods(["GET", "POST"])
def key_register(request):
    def register(actor, data):
        return services.signing_key_register(
            actor=actor,
            unit=data["unit"],
            kind=data["kind"],
            user=data["user"],
            pkcs12_data=data["pkcs12"],
            password=data["password"],
            image=data["image"],
            accept_untrusted=data["accept_untrusted"],
            check_holder_name=True,
        )

    return _register(request, Pkcs12KeyForm, _("Đăng ký khóa từ tệp PKCS#12"), register)


@official_required
@require_http_methods(["GET", "POST"])
def key_register_token(request):
    def register(actor, data):
        return services.signing_key_register_token(
            actor=actor,
            unit=data["unit"],
            kind=data["kind"],
            user=data["user"],
            module=data["module"],
            token_label=data["token_label"],
            key_label=data["key_label"],
            pin=data["pin"],
            certificate_der=data["certificate"],
            image=data["image"],
            accept_untrusted=data["accept_untrusted"],
            check_holder_name=True,
        )

    return _register(request, TokenKeyForm, _("Đăng ký khóa trên token PKCS#11"), register)


@official_required
@require_http_methods(["GET", "POST"])
def key_register_remote(request):
    def register(actor, data):
        return services.signing_key_register_remote(
            actor=actor,
            unit=data["unit"],
            user=data["user"],
            account=data["account"],
            certificate_der=data["certificate"],
            image=data["image"],
            accept_untrusted=data["accept_untrusted"],
            check_holder_name=True,
        )

    return _register(request, RemoteKeyForm, _("Đăng ký khóa ký số từ xa"), register)


@official_required
@require_http_methods(["GET", "POST"])
def key_revoke(request, pk: int):
    actor = as_actor(request.user)
    key = admin_selectors.key_for_change(actor, pk)
    form = RevokeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.signing_key_revoke(
                    actor=actor, signing_key=key, reason=form.cleaned_data["reason"]
                )
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request, _("Đã thu hồi khóa ký số. Khóa không dùng để ký được nữa.")
                )
                return redirect("signatures:key_detail", pk=key.pk)
        status = 400
    context = {"nav": "signing_keys", "key": key, "form": form}
    return render(request, "signatures/key_revoke.html", context, status=status)
