"""Pages of received packages for the văn thư (/app/lien-thong/). Thin: parse, call a service, render.

Decree 30 Art. 21: the văn thư checks a package's authenticity and integrity,
then registers it or returns it to the sender the same day. Both steps are
irreversible and go through a confirmation page (``xac_nhan=1``).
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from congvu.accounts.access import official_required
from congvu.accounts.forms import add_service_error
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError
from congvu.files.views import content_disposition

from . import selectors, services
from .constants import PackageState
from .forms import RegisterForm, ReturnForm
from .models import ReceivedPackage

PAGE_SIZE = 30

#: The field the confirmation page posts. Without it a POST acts on nothing and shows that page.
CONFIRM_FIELD = "xac_nhan"

TAB_LABELS = {
    "cho-xu-ly": gettext_lazy("Chờ vào sổ"),
    "tu-choi": gettext_lazy("Bị từ chối, trùng"),
    "da-xu-ly": gettext_lazy("Đã vào sổ, đã trả lại"),
    "khong-khop": gettext_lazy("Thông báo trạng thái không khớp văn bản"),
}


def _package(request, pk) -> ReceivedPackage:
    try:
        return selectors.package_for_detail(as_actor(request.user), pk)
    except ReceivedPackage.DoesNotExist:
        raise Http404 from None


def _confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


@official_required
@require_GET
def package_list(request):
    actor = as_actor(request.user)
    tab = request.GET.get("tab", "cho-xu-ly")
    if tab not in selectors.PACKAGE_TABS:
        tab = "cho-xu-ly"
    page = Paginator(selectors.package_list(actor, tab), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    context = {
        "nav": "exchange",
        "tab": tab,
        "tabs": [(key, str(TAB_LABELS[key])) for key in selectors.PACKAGE_TABS],
        "page": page,
        "query_string": f"tab={tab}",
    }
    return render(request, "exchange/list.html", context)


@official_required
@require_GET
def package_detail(request, pk: int):
    package = _package(request, pk)
    message = selectors.package_message(package)
    context = {
        "nav": "exchange",
        "package": package,
        "summary": package.summary or {},
        "attachments": selectors.package_attachments(package, message),
        # A revoke/update/replace of a document already registered: the văn thư must act on it.
        "targets": selectors.business_targets(as_actor(request.user), package, message),
        "waiting": package.state == PackageState.ACCEPTED,
        "delivery": getattr(package, "delivery_status", None),
    }
    return render(request, "exchange/detail.html", context)


def _safe_name(name: str, index: int) -> str:
    """The sender's file name without a path or control characters (it goes into a header)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip(" .")
    return base or f"tep-{index + 1}"


def _is_pdf(attachment) -> bool:
    # What the bytes are, not what the sender says they are: only a real PDF opens in the browser.
    return attachment.data.startswith(b"%PDF-")


@official_required
@require_GET
def attachment_download(request, pk: int, index: int):
    attachments = selectors.package_attachments(_package(request, pk))
    if not 0 <= index < len(attachments):
        raise Http404
    attachment = attachments[index]
    name = _safe_name(attachment.name, index)
    # A PDF opens in the browser's viewer; anything else the sender chose is a download.
    inline = _is_pdf(attachment)
    response = FileResponse(
        io.BytesIO(attachment.data),
        content_type="application/pdf" if inline else "application/octet-stream",
    )
    response["Content-Disposition"] = content_disposition(name, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _confirm_page(request, package, *, kind: str, form, status: int = 200):
    actor = as_actor(request.user)
    draft, problem = None, ""
    if kind == "register" and package.state == PackageState.ACCEPTED:
        try:
            draft = services.package_to_incoming(actor=actor, package=package)
        except ServiceError as e:
            problem = e.message
    context = {
        "nav": "exchange",
        "package": package,
        "summary": package.summary or {},
        "kind": kind,
        "form": form,
        "draft": draft,
        "problem": problem,
        "allowed": package.state == PackageState.ACCEPTED and not problem,
    }
    if form.errors:
        status = 400
    return render(request, "exchange/confirm.html", context, status=status)


@official_required
@require_http_methods(["GET", "POST"])
def register(request, pk: int):
    package = _package(request, pk)
    form = RegisterForm(request.POST or None)
    if not _confirmed(request) or not form.is_valid():
        return _confirm_page(request, package, kind="register", form=form)
    try:
        document = services.package_register(
            actor=as_actor(request.user),
            package=package,
            confirm_duplicate=form.cleaned_data["confirm_duplicate"],
        )
    except ServiceError as e:
        add_service_error(form, e)
        return _confirm_page(request, package, kind="register", form=form)
    messages.success(
        request,
        _("Đã vào sổ văn bản đến, số đến %(number)s.")
        % {"number": document.arrival_number_display},
    )
    return redirect("incoming:detail", pk=document.pk)


@official_required
@require_http_methods(["GET", "POST"])
def return_to_sender(request, pk: int):
    package = _package(request, pk)
    form = ReturnForm(request.POST or None)
    if not _confirmed(request) or not form.is_valid():
        return _confirm_page(request, package, kind="return", form=form)
    try:
        services.package_return(
            actor=as_actor(request.user), package=package, reason=form.cleaned_data["reason"]
        )
    except ServiceError as e:
        add_service_error(form, e)
        return _confirm_page(request, package, kind="return", form=form)
    messages.success(request, _("Đã trả lại gói tin cho nơi gửi."))
    return redirect("exchange:detail", pk=package.pk)


@official_required
@require_http_methods(["POST"])
def update_reviewed(request, pk: int):
    """The văn thư looked at an update of a registered văn bản đến: back to that document."""
    package = _package(request, pk)
    try:
        package = services.update_review_done(actor=as_actor(request.user), package=package)
    except ReceivedPackage.DoesNotExist:
        raise Http404 from None
    target = package.updates
    if target is not None and target.incoming_document_id:
        return redirect("incoming:detail", target.incoming_document_id)
    return redirect("exchange:detail", package.pk)
