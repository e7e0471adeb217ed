"""Gate of the officials' area (/app/): signed in, and an official (cán bộ)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def _is_official(user) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_official", False))


def official_required(view):
    """Decorator for every /app/ view.

    Anonymous visitors go to the login page (``settings.LOGIN_URL``, with
    ``next``); portal accounts get 404, like the OfficialAreaMiddleware,
    because the officials' pages are not theirs to know about.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not _is_official(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.official_required = True
    return wrapped


class OfficialRequiredMixin(AccessMixin):
    """The class-based view form of :func:`official_required`."""

    official_required = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not _is_official(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)
