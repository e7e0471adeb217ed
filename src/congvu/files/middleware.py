"""Middleware of files: marks the time a view runs, for the background jobs of ``tasks.py``."""

from __future__ import annotations

from .tasks import in_request


class BackgroundJobsMiddleware:
    """Marks the time a view runs: eager jobs scheduled then go to the background thread.

    A middleware (not the ``request_started``/``request_finished`` signals): the
    mark ends with the view even when a streamed response is never read to its end.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = in_request.set(True)
        try:
            return self.get_response(request)
        finally:
            in_request.reset(token)
