"""Keeps portal accounts (công dân) out of the officials' area, and vice versa for the portal."""

from django.http import Http404

# Path prefixes only officials may reach. The API checks the kind itself
# (congvu.api.permissions.IsOfficial) so it can answer JSON.
OFFICIAL_PREFIXES = ("/app/", "/admin/")


class OfficialAreaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "kind", "official") != "official"
            and request.path.startswith(OFFICIAL_PREFIXES)
        ):
            raise Http404
        return self.get_response(request)
