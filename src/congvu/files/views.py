"""Download of stored files through an authorized view (never a public URL)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from congvu.accounts.access import official_required
from congvu.audit.services import log_access
from congvu.core.errors import ServiceError

from .selectors import file_for_download
from .services import file_open_verified


def content_disposition(name: str, *, inline: bool = False) -> str:
    """``attachment`` with an ASCII fallback and the RFC 5987 UTF-8 name."""
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
    ascii_name = ascii_name.replace('"', "_").replace("\\", "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@official_required
@require_GET
def download(request, pk: int):
    stored = file_for_download(actor=request.user, pk=pk)
    if stored.secrecy:
        log_access(
            actor=request.user,
            obj=stored,
            action="congvu.files.storedfile.download",
            confidentiality=stored.secrecy,
        )
    try:
        fh = file_open_verified(stored)
    except ServiceError as exc:
        status = 409 if exc.code == "checksum_mismatch" else 404
        return HttpResponse(
            exc.message or _("Không mở được tệp."),
            status=status,
            content_type="text/plain; charset=utf-8",
        )
    response = FileResponse(fh, content_type=stored.content_type)
    response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = content_disposition(stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
