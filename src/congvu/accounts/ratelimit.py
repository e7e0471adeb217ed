"""Limits on mails sent at anyone's request (đặt lại mật khẩu, "bạn đã có tài khoản").

Counters live in the Django cache: with ``REDIS_URL`` (required by the
production settings) every app process shares them; the per-process memory
cache of dev and demo counts per process. Login lock-outs are a different
thing and stay in the database (``throttle.py``).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from .throttle import client_ip


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one event for ``key``; False once more than ``limit`` fall in the window.

    The window is fixed, from the first event; an address or e-mail is hashed so
    the cache holds no personal data.
    """
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    cache_key = f"congvu:limit:{scope}:{digest}"
    if cache.add(cache_key, 1, window):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, window)
        count = 1
    return count <= limit


def mail_to_address_allowed(scope: str, email: str) -> bool:
    """At most ``ACCOUNT_MAILS_PER_ADDRESS`` mails of ``scope`` to one address per window."""
    return hit(
        f"{scope}:to",
        email,
        limit=settings.ACCOUNT_MAILS_PER_ADDRESS,
        window=settings.ACCOUNT_MAIL_WINDOW_SECONDS,
    )


def mail_request_allowed(scope: str, ip: str) -> bool:
    """At most ``ACCOUNT_MAIL_REQUESTS_PER_IP`` requests of ``scope`` from one address."""
    return hit(
        f"{scope}:ip",
        ip or "-",
        limit=settings.ACCOUNT_MAIL_REQUESTS_PER_IP,
        window=settings.ACCOUNT_MAIL_WINDOW_SECONDS,
    )


class PasswordResetLimitMixin:
    """For Django's ``PasswordResetView``: limit requests per client and mails per address.

    Over the per-client limit the form answers 429 with a message (it tells
    nothing about any account). Over the per-address limit nothing is sent but
    the answer is the usual "mail sent" page, so the limit reveals nothing either.
    """

    limit_scope = "password-reset"

    def form_valid(self, form):
        if not mail_request_allowed(self.limit_scope, client_ip(self.request)):
            form.add_error(
                None,
                _("Bạn đã yêu cầu đặt lại mật khẩu quá nhiều lần. Vui lòng thử lại sau một giờ."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if not mail_to_address_allowed(self.limit_scope, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
