"""Pages of a document waiting for its signer's remote signature ("Chờ ký số").

The detail page shows the state (``remote_context``) and, while the request is
pending, asks ``signing_status`` every few seconds through HTMX; that view
polls the service and reloads the page once the document is issued. After a
refusal or an expiry the văn thư confirms "Gửi lại yêu cầu ký" or "Hủy số"
(with a reason) on a confirmation page, like the other irreversible steps; on a
document whose state does not allow the step (issued, still waiting, voided)
both addresses send the văn thư back to the document with a message.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError

from . import selectors, services
from .constants import Status
from .services.common import is_clerk
from .services.remote_signing import latest_request

CONFIRM_FIELD = "xac_nhan"


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do hủy số"), max_length=200)


def _phone_url(request_row) -> str:
    """The sandbox's phone page of the signer (demo only: the real phone is the holder's own)."""
    key = request_row.signing_key
    if key.remote_provider != "sandbox" or not getattr(settings, "CONGVU_SIGNING_SANDBOX", False):
        return ""
    from congvu.signatures.sandbox import SandboxError, SandboxStore

    try:
        code = SandboxStore().account(key.remote_account)["phone_code"]
    except SandboxError:
        return ""
    return f"/sandbox/ky-so/dien-thoai/{key.remote_account}/?ma={code}"


def remote_context(actor, doc, error: str = "") -> dict:
    """What the "Chờ ký số" part of the detail page shows."""
    row = latest_request(doc)
    pending = row is not None and row.status == "pending"
    return {
        "doc": doc,
        "request_row": row,
        "pending": pending,
        "error": error,
        # Retry and void are for a numbered document whose request was answered.
        "may_act": doc.status == Status.SIGNING and not pending and is_clerk(actor, doc.unit_id),
        "phone_url": _phone_url(row)
        if pending and doc.signer_id == actor.user_id and row is not None
        else "",
    }


@official_required
def signing_status(request, pk: int):
    actor = as_actor(request.user)
    doc = selectors.document_for(actor=actor, pk=pk)
    error = ""
    if doc.status == Status.SIGNING:
        try:
            doc = services.document_signing_poll(document=doc)
        except ServiceError as exc:
            error = exc.message
    if not request.htmx:
        return redirect("outgoing:detail", pk=doc.pk)
    if doc.status != Status.SIGNING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # issued: the whole page changes
        return response
    remote = remote_context(actor, doc, error)
    # The status at the top of the page follows the answer (out-of-band swap).
    row = remote["request_row"]
    doc.remote_state = row.status if row is not None else None
    remote["oob"] = True
    return render(request, "outgoing/_remote_signing.html", {"remote": remote})


def _confirm(request, doc, *, kind: str, form=None):
    actor = as_actor(request.user)
    context = {
        "nav": "outgoing",
        "doc": doc,
        "kind": kind,
        "form": form,
        "remote": remote_context(actor, doc),
    }
    return render(request, "outgoing/confirm_signing.html", context)


def not_allowed(request, doc):
    """Back to the document, saying why: its state (or the actor) does not allow the step."""
    messages.error(
        request, _("Bạn không thực hiện được thao tác này với văn bản ở trạng thái hiện tại.")
    )
    return redirect("outgoing:detail", pk=doc.pk)


def _run(request, doc, call, success: str):
    try:
        call()
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("outgoing:detail", pk=doc.pk)


@official_required
@require_http_methods(["GET", "POST"])
def signing_retry(request, pk: int):
    actor = as_actor(request.user)
    doc = selectors.document_for(actor=actor, pk=pk)
    if not remote_context(actor, doc)["may_act"]:
        return not_allowed(request, doc)
    if request.POST.get(CONFIRM_FIELD) != "1":
        return _confirm(request, doc, kind="retry")
    return _run(
        request,
        doc,
        lambda: services.document_signing_retry(actor=actor, document=doc),
        _("Đã gửi lại yêu cầu ký đến người ký."),
    )


@official_required
@require_http_methods(["GET", "POST"])
def signing_void(request, pk: int):
    actor = as_actor(request.user)
    doc = selectors.document_for(actor=actor, pk=pk)
    if not remote_context(actor, doc)["may_act"]:
        return not_allowed(request, doc)
    form = VoidForm(request.POST or None)
    if request.POST.get(CONFIRM_FIELD) != "1" or not form.is_valid():
        return _confirm(request, doc, kind="void", form=form)
    return _run(
        request,
        doc,
        lambda: services.document_signing_void(
            actor=actor, document=doc, reason=form.cleaned_data["reason"]
        ),
        _("Đã hủy số; văn bản trở lại trạng thái đã duyệt ký."),
    )
