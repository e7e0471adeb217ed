"""congvu's URLs plus ``/bench/floor/``: the least a Django view does on the same server."""

from django.http import HttpResponse
from django.urls import include, path


def floor(request):
    """Through the same middleware (session, user, OTP), no query of its own."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor), path("", include("congvu.urls"))]
