"""Keeps portal accounts (công dân) out of the officials' area, and enforces 2FA there.

An official whose unit requires two-factor login (``Unit.require_2fa``) and
whose session has not passed an OTP check is sent to set up 2FA (no device
yet) or to enter a code (device confirmed) before any page but the few in
``TWO_FACTOR_ALLOWED_VIEWS``.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

# Path prefixes only officials may reach. The API checks the kind itself
# (congvu.api.permissions.IsOfficial) so it can answer JSON.
OFFICIAL_PREFIXES = ("/app/", "/admin/")

# Where an official with required-but-unproven 2FA may still go: everything
# else is refused (default deny), so a new app's routes (/thanh-toan/ once was
# missed by a prefix list) are covered without anyone remembering to add them.
# Only the steps that set up or enter the second factor, logout, language and
# pages that show every visitor the same public content.
TWO_FACTOR_ALLOWED_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:login_otp",
        "accounts:two_factor_setup",
        "accounts:logout",
        "portal:home",
        "portal:logout",
        "set_language",
    }
)
TWO_FACTOR_ALLOWED_NAMESPACES = frozenset({"procedures", "stats_public"})


def two_factor_exempt(path: str) -> bool:
    """True for the few paths an official may open before proving the second factor."""
    if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return (
        match.view_name in TWO_FACTOR_ALLOWED_VIEWS
        or match.namespace in TWO_FACTOR_ALLOWED_NAMESPACES
    )


def _two_factor_pending(user) -> bool:
    from .twofactor import two_factor_required

    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return two_factor_required(user)


class OfficialAreaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            kind = getattr(user, "kind", "official")
            if kind != "official" and request.path.startswith(OFFICIAL_PREFIXES):
                raise Http404
            if (
                kind == "official"
                and not two_factor_exempt(request.path_info)
                and _two_factor_pending(user)
            ):
                return self._send_to_two_factor(request, user)
        return self.get_response(request)

    def _send_to_two_factor(self, request, user):
        from .twofactor import confirmed_device

        if request.path.startswith("/api/"):
            message = _("Đơn vị của bạn bắt buộc xác thực hai lớp; hãy xác thực trước.")
            return JsonResponse(
                {
                    "code": "two_factor_required",
                    "message": message,
                    "errors": [],
                },
                status=403,
            )
        name = "accounts:login_otp" if confirmed_device(user) else "accounts:two_factor_setup"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        url = reverse(name)
        return redirect(f"{url}?{query}" if query else url)


#: Session key holding when the session's expiry was last pushed back (epoch seconds).
REFRESHED_KEY = "_congvu_refreshed"


class SessionRefreshMiddleware:
    """Renew the idle timeout at most once per ``SESSION_REFRESH_SECONDS`` (phiên làm việc).

    ``SESSION_SAVE_EVERY_REQUEST`` wrote the session row (an UPDATE and a
    commit) on every page an official opened: a third of a page's queries. Here
    the session is marked modified only when its last renewal is older than
    the interval, so SessionMiddleware saves it (new expiry, new cookie) once a
    minute of activity at most; a session then ends between
    ``SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS`` and ``SESSION_COOKIE_AGE``
    after the last request. Must sit right after SessionMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or session.is_empty():
            return response
        now = int(time.time())
        last = session.get(REFRESHED_KEY)
        interval = getattr(settings, "SESSION_REFRESH_SECONDS", 60)
        if not isinstance(last, int) or now - last >= interval or last > now:
            session[REFRESHED_KEY] = now
        return response
