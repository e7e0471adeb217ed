"""HTTP API of the exchange hub (/truc/v1/): JSON answers, token per agency.

An agency authenticates with ``Authorization: Bearer <token>``. Errors are
JSON ``{"code", "message"}`` with a stable code and a Vietnamese message.
"""

from __future__ import annotations

import hashlib
import tempfile
import uuid

from django.conf import settings
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .models import HubMessage

CHUNK = 64 * 1024


def _json_error(error: services.HubError) -> JsonResponse:
    body = {"code": error.code, "message": error.message}
    if error.errors:
        body["field"] = error.errors[0].field
    return JsonResponse(body, status=getattr(error, "status", 400))


def _agency(request):
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise services._error(
            _("Thiếu mã truy cập trục (Authorization: Bearer …)."), "hub_unauthorized", 401
        )
    return services.hub_agency_authenticate(token.strip())


def _message_json(message: HubMessage) -> dict:
    return {
        "id": str(message.id),
        "from": message.sender.code,
        "to": message.recipient.code,
        "message_id": message.message_id,
        "kind": message.kind,
        "size": message.size,
        "sha256": message.sha256,
        "created_at": message.created_at.isoformat(),
    }


def _read_body(request):
    """Spool the body to a temporary file, hashing it, refusing more than the limit."""
    limit = settings.HUB_MAX_PACKAGE_BYTES
    declared = request.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    # Closed by the caller (``with content:``) or here on refusal.
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    digest, size = hashlib.sha256(), 0
    while chunk := request.read(CHUNK):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise _too_large(limit)
        digest.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    return spool, size, digest.hexdigest()


def _too_large(limit: int) -> services.HubError:
    return services._error(
        _("Nội dung gói tin: vượt giới hạn %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
        "package_too_large",
        413,
        "content",
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def packages(request):
    """POST: send a package (body = the bytes). GET: lease my pending packages."""
    try:
        agency = _agency(request)
        if request.method == "GET":
            rows = services.hub_packages_lease(
                recipient=agency, limit=_int(request.GET.get("limit"), 20)
            )
            return JsonResponse({"packages": [_message_json(m) for m in rows]})
        content, size, sha256 = _read_body(request)
        with content:
            rows, duplicate = services.hub_package_send(
                sender=agency,
                content=content,
                size=size,
                sha256=sha256,
                message_id=request.headers.get("X-Message-Id", ""),
                to=request.headers.get("X-To", "").split(","),
                kind=request.headers.get("X-Kind", "edoc"),
            )
    except services.HubError as error:
        return _json_error(error)
    return JsonResponse(
        {"duplicate": duplicate, "packages": [_message_json(m) for m in rows]},
        status=200 if duplicate else 201,
    )


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _visible(agency, pk: uuid.UUID) -> HubMessage:
    return get_object_or_404(selectors.hub_messages_visible(agency), pk=pk)


@csrf_exempt
@require_GET
def package_content(request, pk: uuid.UUID):
    """The package's bytes, for its recipient or its sender (404 for anyone else)."""
    try:
        agency = _agency(request)
    except services.HubError as error:
        return _json_error(error)
    message = _visible(agency, pk)
    response = FileResponse(selectors.hub_message_open(message), content_type="application/xml")
    response["X-Message-Id"] = message.message_id
    response["X-From"] = message.sender.code
    response["X-Sha256"] = message.sha256
    return response


@csrf_exempt
@require_POST
def package_acknowledge(request, pk: uuid.UUID):
    """The recipient confirms it stored the package."""
    try:
        agency = _agency(request)
        message = _visible(agency, pk)
        message = services.hub_package_acknowledge(recipient=agency, message=message)
    except services.HubError as error:
        return _json_error(error)
    return JsonResponse(
        {"id": str(message.id), "acknowledged_at": message.acknowledged_at.isoformat()}
    )
