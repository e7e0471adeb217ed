"""Login lock-out (khóa đăng nhập) after repeated failures.

Two counters per attempt: one for the username, one for the client address,
so guessing many passwords for one account and one password for many
accounts are both stopped. The portal's address counter is its own and
allows ``PORTAL_LOGIN_IP_MAX_FAILURES`` (citizens share carrier-NAT addresses). Counters live in ``LoginThrottle`` rows (database,
not cache) so every app process sees the same lock.
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import log_action, snapshot

from .models import LoginThrottle

PORTAL_IP_PREFIX = "portal-ip:"


def _max_failures(key: str) -> int:
    if key.startswith(PORTAL_IP_PREFIX):
        return settings.PORTAL_LOGIN_IP_MAX_FAILURES
    return settings.LOGIN_MAX_FAILURES


def _lockout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def _window() -> datetime.timedelta:
    # Failures older than this are forgotten; by default as long as the lock itself.
    seconds = getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", settings.LOGIN_LOCKOUT_SECONDS)
    return datetime.timedelta(seconds=seconds)


def username_key(username: str) -> str:
    return f"user:{(username or '').strip().lower()}"[:200]


def ip_key(ip: str, *, portal: bool = False) -> str:
    return f"{PORTAL_IP_PREFIX if portal else 'ip:'}{ip}"[:200]


def keys_for(*, username: str | None, ip: str | None, portal: bool = False) -> list[str]:
    """The counters of one attempt. ``portal``: the citizens' login, whose
    per-address counter is separate and allows more failures (shared NAT)."""
    keys = []
    if username:
        keys.append(username_key(username))
    if ip:
        keys.append(ip_key(ip, portal=portal))
    return keys


def client_ip(request) -> str:
    """The client address as the web server saw it.

    Behind nginx, the app server must receive the real client address as
    REMOTE_ADDR (nginx ``real_ip``, gunicorn ``--forwarded-allow-ips``);
    X-Forwarded-For is not read here because a client can forge it to dodge
    the lock.
    """
    return request.META.get("REMOTE_ADDR", "") or ""


def locked_seconds(*, username: str | None, ip: str | None, portal: bool = False) -> int:
    """Seconds until every lock on these keys lifts; 0 when none is locked."""
    now = timezone.now()
    until = (
        LoginThrottle.objects.filter(
            key__in=keys_for(username=username, ip=ip, portal=portal), locked_until__gt=now
        )
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    if until is None:
        return 0
    return max(1, math.ceil((until - now).total_seconds()))


def lock_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _(
        "Đăng nhập tạm thời bị khóa do nhập sai quá nhiều lần. "
        "Vui lòng thử lại sau %(minutes)s phút hoặc liên hệ quản trị viên."
    ) % {"minutes": minutes}


@transaction.atomic
def login_failure_record(
    *, username: str | None, ip: str | None, user=None, portal: bool = False
) -> bool:
    """Count one failed attempt (password or OTP); True when this attempt set a lock."""
    now = timezone.now()
    locked_now = False
    for key in keys_for(username=username, ip=ip, portal=portal):
        LoginThrottle.objects.get_or_create(key=key)
        throttle = LoginThrottle.objects.select_for_update().get(key=key)
        if throttle.locked_until and throttle.locked_until <= now:
            throttle.failures = 0
            throttle.locked_until = None
        elif (
            throttle.updated_at
            and throttle.updated_at < now - _window()
            and not throttle.locked_until
        ):
            throttle.failures = 0
        throttle.failures += 1
        if throttle.locked_until is None and throttle.failures >= _max_failures(key):
            throttle.locked_until = now + _lockout()
            throttle.save()
            log_action(
                actor=user,
                action="congvu.accounts.login.locked",
                obj=throttle,
                after=snapshot(throttle, fields=["key", "failures", "locked_until"]),
                ip=ip or "",
            )
            locked_now = True
        else:
            throttle.save()
    return locked_now


def login_success_record(*, username: str) -> None:
    """A successful login clears the username counter (the address counter stays)."""
    LoginThrottle.objects.filter(key=username_key(username)).exclude(
        locked_until__gt=timezone.now()
    ).delete()


@transaction.atomic
def login_throttle_unlock(*, actor, throttle: LoginThrottle) -> None:
    """Mở khóa đăng nhập: an administrator lifts a lock before it runs out."""
    before = snapshot(throttle, fields=["key", "failures", "locked_until"])
    log_action(
        actor=actor,
        action="congvu.accounts.login.unlocked",
        obj=throttle,
        before=before,
        after=None,
    )
    throttle.delete()


# --- Audit of logins and logouts (đăng nhập, đăng xuất) -------------------------------


@transaction.atomic
def login_audit(
    *, area: str, event: str, user=None, username: str = "", ip: str = "", reason: str = ""
) -> None:
    """One audit record per login, failed login or logout, officials' and portal alike.

    ``area`` is "accounts" (officials) or "portal"; ``event`` "succeeded",
    "failed" or "logout". A failure names the account only when it exists (the
    typed name could be a mistyped password) and has no actor: nobody proved
    who was typing. Attempts refused while a lock holds are not recorded one by
    one; the lock itself is (``login.locked``). A failed password gives only
    the typed ``username``; the account is looked up here, not in the view.
    """
    if user is None and username:
        user = get_user_model().objects.filter(username=username).first()
    action = f"congvu.{area}.logout" if event == "logout" else f"congvu.{area}.login.{event}"
    after = {"reason": reason} if reason else None
    log_action(
        actor=None if event == "failed" else user,
        action=action,
        obj=user,
        after=after,
        ip=ip or "",
    )
