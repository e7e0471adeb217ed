"""Middleware of the core app."""

from __future__ import annotations

from django.template.loader import render_to_string


class MethodNotAllowedPageMiddleware:
    """Give a person who opens a form's target by address a page, not a blank 405.

    Django's ``require_POST`` answers a GET with an empty 405. A person who
    follows a bookmark or reloads a form's address then sees a blank page; the
    Vietnamese 405 page says what happened and where to go. The API keeps its
    own JSON errors, and the ``Allow`` header is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.content
            and not request.path.startswith("/api/")
            and request.method in ("GET", "HEAD")
        ):
            allow = response.headers.get("Allow")
            response.content = render_to_string("405.html", request=request)
            response.headers["Content-Type"] = "text/html; charset=utf-8"
            if allow:
                response.headers["Allow"] = allow
        return response
