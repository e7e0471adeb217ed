"""Middleware of the core app."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers


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


class ChosenLanguageMiddleware:
    """Vietnamese first: only a language the person chose changes the interface.

    Django's ``LocaleMiddleware`` falls back to the browser's ``Accept-Language``,
    so a new browser set to English showed officials and citizens the whole app in
    English. The interface is Vietnamese (``LANGUAGE_CODE``) unless the person
    picked another language with the language switch (``set_language``), which is
    kept in the language cookie. The API is for machines, which ask for a
    language explicitly: there ``Accept-Language`` still counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self._answer(request, translation.get_language_from_request(request))
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen and translation.check_for_language(chosen):
            try:
                language = translation.get_supported_language_variant(chosen)
            except LookupError:
                language = settings.LANGUAGE_CODE
        return self._answer(request, language)

    def _answer(self, request, language):
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
