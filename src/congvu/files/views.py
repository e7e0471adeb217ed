"""Download of stored files through an authorized view (never a public URL); signature re-check."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congvu.accounts.access import official_required
from congvu.audit.services import log_access
from congvu.core.errors import ServiceError

from .models import SignatureStatus
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


@official_required
@require_POST
def signatures_recheck(request, pk: int):
    """Kiểm tra lại chữ ký số of a file the user may see, then back to the page it was shown on."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    from .verification import file_signatures_recheck

    stored = file_for_download(actor=request.user, pk=pk)
    status = file_signatures_recheck(actor=request.user, stored=stored)
    label = SignatureStatus(status).label if status else ""
    messages.success(
        request,
        _("Đã kiểm tra lại chữ ký số của tệp %(name)s: %(status)s.")
        % {"name": stored.original_name, "status": label},
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:home")
    return redirect(target)
