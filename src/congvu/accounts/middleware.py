"""Keeps portal accounts (công dân) out of the officials' area, and enforces 2FA there.

An official whose unit requires two-factor login (``Unit.require_2fa``) and
whose session has not passed an OTP check is sent to set up 2FA (no device
yet) or to enter a code (device confirmed) before any internal page.
"""

from urllib.parse import urlencode

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
