"""Keeps portal accounts (công dân) out of the officials' area, and enforces 2FA there.

An official whose unit requires two-factor login (``Unit.require_2fa``) and
whose session has not passed an OTP check is sent to set up 2FA (no device
yet) or to enter a code (device confirmed) before any internal page.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Path prefixes only officials may reach. The API checks the kind itself
# (congvu.api.permissions.IsOfficial) so it can answer JSON.
OFFICIAL_PREFIXES = ("/app/", "/admin/")

# Where an official with required-but-unproven 2FA may not go yet. The set-up
# and code pages live under /accounts/2fa/ and /accounts/login/, outside these.
TWO_FACTOR_PREFIXES = ("/app/", "/admin/", "/api/", "/accounts/profile/")


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
                and request.path.startswith(TWO_FACTOR_PREFIXES)
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
