"""Rate limits of the REST API: per official when authenticated, per address otherwise.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``API_RATE_USER``
and ``API_RATE_ANON`` in the environment; empty turns a limit off). They are
read on every request rather than when the class is imported, as DRF does,
so settings overrides in tests apply. Counts live in the default cache: shared
by all app processes with Redis, per process with the local-memory cache.
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.settings import api_settings

from congvu.accounts.throttle import client_ip


class _RatesFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or None

    def get_ident(self, request):
        # X-Forwarded-For is not trusted: a client could pick its own bucket.
        return client_ip(request)

    def allow_request(self, request, view):
        # DRF parses the rate once in __init__; parse it again for the current settings.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class UserRateThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    """Requests of one authenticated account (scope ``user``); anonymous ones count per address."""


class AnonRateThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    """Requests without credentials, per client address (scope ``anon``)."""
