"""Crash points for the fault tests, and the error page of a database that is away.

``checkpoint(name)`` marks a place inside a transaction where a crash must
leave nothing half done (a blob written but its row not committed, a number
taken but the document not issued). It does nothing unless the process was
started with ``CONGVU_FAULT_PAUSE_AT=<name>``: then it writes its process id
to ``CONGVU_FAULT_MARKER`` and sleeps, so tests/faults can SIGKILL the
process exactly there. The variable is read once at import: when it is unset
a checkpoint costs one comparison.

``server_error`` is the project's ``handler500``. A request that fails
because PostgreSQL is restarting or unreachable (``OperationalError``,
``InterfaceError``) gets a 503 with "try again" instead of a 500; every
other error keeps the plain 500. It renders without the database (no
template context, no session), since the database is what failed.
"""

from __future__ import annotations

import html
import logging
import os
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

_PAUSE_AT = os.environ.get("CONGVU_FAULT_PAUSE_AT", "")
_MARKER = os.environ.get("CONGVU_FAULT_MARKER", "")
_PAUSE_SECONDS = float(os.environ.get("CONGVU_FAULT_PAUSE_SECONDS", "300") or 300)


def checkpoint(name: str) -> None:
    """Pause here if this process was started to be killed at ``name`` (tests only)."""
    if _PAUSE_AT and name == _PAUSE_AT:
        _pause(name)


def _pause(name: str) -> None:
    logger.warning("fault checkpoint %s reached: pausing pid %s", name, os.getpid())
    if _MARKER:
        tmp = f"{_MARKER}.{os.getpid()}.tmp"
        with open(tmp, "w") as fh:
            fh.write(f"{os.getpid()}\n")
        os.replace(tmp, _MARKER)  # the test sees the whole pid or nothing
    deadline = time.monotonic() + _PAUSE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)


DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def _is_database_outage(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _error_page(status: int, message: str) -> str:
    """The site's 500.html, rendered without a request; bare HTML if even that fails."""
    from django.template.loader import render_to_string

    try:
        return render_to_string("500.html", {"status": status, "message": message})
    except Exception:
        logger.exception("The error page could not be rendered")
        return (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{status}</title></head><body><h1>{html.escape(message)}</h1></body></html>"
        )


def server_error(request, *args, **kwargs):
    """handler500: 503 "try again" when the database is away, else a plain 500."""
    if _is_database_outage(sys.exc_info()[1]):
        status, code = 503, "service_unavailable"
        message = _("Hệ thống đang bận, vui lòng thử lại sau ít phút.")
    else:
        status, code = 500, "server_error"
        message = _("Đã xảy ra lỗi hệ thống. Lỗi đã được ghi lại, vui lòng thử lại sau.")
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": code, "message": message, "errors": []},
            status=status,
            json_dumps_params={"ensure_ascii": False},  # as DRF renders the other errors
        )
    else:
        response = HttpResponse(
            _error_page(status, message), status=status, content_type="text/html; charset=utf-8"
        )
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
