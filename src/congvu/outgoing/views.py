"""Pages of outgoing documents (/app/van-ban-di/). Thin: parse, call a service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congvu.accounts.access import official_required
from congvu.audit.services import log_access
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError
from congvu.files.views import content_disposition

from . import preview, selectors, services
from .constants import Status
from .forms import (
    ApproveForm,
    CommentForm,
    CorrectForm,
    DraftForm,
    ListForm,
    ReasonForm,
    ReturnForm,
    SignForm,
    SubmitForm,
    VersionForm,
)
from .signing import signs_remotely
from .views_signing import not_allowed

PAGE_SIZE = 30

#: The field the confirmation page posts. Without it a POST acts on nothing and shows that page.
CONFIRM_FIELD = "xac_nhan"


def _form_error(form, error: ServiceError) -> None:
    placed = False
    for fe in error.errors:
        if fe.field in form.fields:
            form.add_error(fe.field, fe.message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _draft_form(request, actor, **kwargs) -> DraftForm:
    return DraftForm(
        request.POST or None,
        units=selectors.drafting_units(actor=actor),
        recipient_units=selectors.recipient_units(actor=actor),
        **kwargs,
    )


@official_required
def document_list(request):
    actor = as_actor(request.user)
    tab = request.GET.get("tab", "all")
    if tab not in selectors.TABS:
        tab = "all"
    form = ListForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    docs = selectors.document_list(actor=actor, tab=tab, query=query)
    page = Paginator(docs, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    context = {
        "nav": "outgoing",
        "form": form,
        "tab": tab,
        "tabs": selectors.TABS.items(),
        "page": page,
        "query_string": params.urlencode(),
    }
    return render(request, "outgoing/list.html", context)


@official_required
def create(request):
    actor = as_actor(request.user)
    reply_to = selectors.reply_target(actor=actor, pk=request.GET.get("tra_loi"))
    initial = {}
    if reply_to is not None:
        initial = selectors.reply_initial(actor=actor, incoming=reply_to)
    form = _draft_form(request, actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.draft_create(
                actor=actor,
                unit=form.cleaned_data["unit"],
                recipients=form.recipients(),
                reply_to=reply_to,
                **form.service_kwargs(),
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("outgoing:detail", pk=doc.pk)
    return render(
        request, "outgoing/form.html", {"nav": "outgoing", "form": form, "reply_to": reply_to}
    )


@official_required
def edit(request, pk: int):
    actor = as_actor(request.user)
    doc = selectors.document_for(actor=actor, pk=pk)
    recipients = list(doc.recipients.select_related("unit"))
    initial = {
        "unit": doc.unit_id,
        "drafting_unit": doc.drafting_unit_id,
        "document_type": doc.document_type_id,
        "subject": doc.subject,
        "body": doc.body,
        "urgency": doc.urgency,
        "secrecy": doc.secrecy,
        "main_units": [r.unit_id for r in recipients if r.unit_id and r.kind == "main"],
        "info_units": [r.unit_id for r in recipients if r.unit_id and r.kind == "info"],
        "external": "\n".join(
            f"{r.external_name} | {r.external_address}".strip(" |")
            for r in recipients
            if not r.unit_id
        ),
    }
    form = _draft_form(request, actor, initial=initial)
    form.fields["unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_update(
                actor=actor, document=doc, recipients=form.recipients(), **form.service_kwargs()
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("outgoing:detail", pk=doc.pk)
    return render(request, "outgoing/form.html", {"nav": "outgoing", "form": form, "doc": doc})


@official_required
def detail(request, pk: int):
    actor = as_actor(request.user)
    doc = selectors.document_for(actor=actor, pk=pk)
    if doc.secrecy:
        log_access(actor=actor, obj=doc, unit=doc.unit_id, confidentiality=doc.secrecy)
    actions = selectors.actions_for(actor=actor, document=doc)
    context = {
        "nav": "outgoing",
        "doc": doc,
        "reply_to": selectors.reply_of(doc),
        "actions": actions,
        "chain": selectors.review_chain(doc),
        "recipients": doc.recipients.select_related("unit"),
        "recipient_lines": selectors.recipient_lines(doc),
        "versions": selectors.draft_files(doc),
        "issued_attachments": selectors.issued_attachments(doc),
    }
    # Only the forms of the actions offered (most views of a document offer none).
    forms = {
        "submit_form": ("submit", lambda: _submit_form(doc, query=request.GET.get("tim", ""))),
        "comment_form": ("review", CommentForm),
        "return_form": ("return", ReturnForm),
        "sign_form": ("sign", SignForm),
        "reason_form": ("recall", ReasonForm),
        "correct_form": ("correct", CorrectForm),
        "version_form": ("add_version", VersionForm),
    }
    for name, (action, make) in forms.items():
        if actions.get(action):
            context[name] = make()
    context["reviewer_query"] = request.GET.get("tim", "")[:100]
    if doc.status == Status.SIGNING:
        from .views_signing import remote_context

        context["remote"] = remote_context(actor, doc)
        row = context["remote"]["request_row"]
        doc.remote_state = row.status if row is not None else None  # doc.status_label
    return render(request, "outgoing/detail.html", context)


def _submit_form(doc, data=None, query: str = "") -> SubmitForm:
    """The reviewers' pickers: everyone eligible but the drafter, named with position and unit."""
    people = selectors.reviewer_choices(document=doc, query=query[:100])
    labels = {u.pk: label for u, label in selectors.reviewer_labels(doc, people)}
    return SubmitForm(data, people=people, labels=labels)


def _refused(request, pk: int):
    """The document page again with the reason, as a 400 (a refused upload is not a success)."""
    response = detail(request, pk)
    response.status_code = 400
    return response


def _act(request, pk: int, run, success: str, form_class=None, form_kwargs=None):
    """Fetch in scope (404 outside), parse, call the service, report, go back to the page."""
    actor = as_actor(request.user)
    doc = selectors.document_for(actor=actor, pk=pk)
    data = None
    if form_class is not None:
        form = form_class(request.POST, request.FILES, **(form_kwargs or {}))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return _refused(request, doc.pk)
        data = form
    try:
        result = run(actor, doc, data)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _refused(request, doc.pk)
    messages.success(request, success(result) if callable(success) else success)
    target = result if getattr(result, "pk", None) and result.__class__ is doc.__class__ else doc
    return redirect("outgoing:detail", pk=target.pk)


@official_required
@require_POST
def add_version(request, pk: int):
    return _act(
        request,
        pk,
        lambda a, d, f: services.draft_add_version(
            actor=a, document=d, upload=f.cleaned_data["file"], note=f.cleaned_data["note"]
        ),
        _("Đã thêm phiên bản dự thảo."),
        VersionForm,
    )


@official_required
@require_POST
def submit(request, pk: int):
    actor = as_actor(request.user)
    doc = selectors.document_for(actor=actor, pk=pk)
    return _act(
        request,
        pk,
        lambda a, d, f: services.draft_submit(actor=a, document=d, reviewers=f.reviewers()),
        _("Đã trình dự thảo."),
        SubmitForm,
        {"people": selectors.reviewer_choices(document=doc)},
    )


@official_required
@require_POST
def review_approve(request, pk: int):
    return _act(
        request,
        pk,
        lambda a, d, f: services.review_approve(
            actor=a, document=d, comment=f.cleaned_data["comment"]
        ),
        _("Đã cho ý kiến đồng ý."),
        CommentForm,
    )


@official_required
@require_POST
def review_return(request, pk: int):
    return _act(
        request,
        pk,
        lambda a, d, f: services.review_return(
            actor=a, document=d, comment=f.cleaned_data["comment"]
        ),
        _("Đã trả lại dự thảo để sửa."),
        ReturnForm,
    )


def _confirm_page(request, doc, *, kind: str, form=None):
    """What an irreversible action will do, with the form that does it (GET, or an unconfirmed POST)."""
    actor = as_actor(request.user)
    context = {
        "nav": "outgoing",
        "doc": doc,
        "kind": kind,
        "form": form,
        "recipient_lines": selectors.recipient_lines(doc),
        "next_number": (
            selectors.next_number_preview(actor=actor, document=doc) if kind == "issue" else None
        ),
        "remote_signing": kind == "issue" and signs_remotely(doc),
    }
    return render(request, "outgoing/confirm.html", context)


def _confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def _signing_choice(request) -> tuple[str, str]:
    """The authority and title the leader chose (detail page, or "Xem lại với lựa chọn này")."""
    data = request.POST if request.method == "POST" else request.GET
    form = SignForm(data or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["authority_prefix"], form.cleaned_data["signer_title"]
    return "", ""


def _may_sign(actor, doc) -> bool:
    return selectors.actions_for(actor=actor, document=doc).get("sign", False)


def _as_shown(request, actor, doc):
    """What the preview shows (``preview.as_shown_to``) and the query that asks for it again."""
    prefix, title = _signing_choice(request)
    shown = preview.as_shown_to(actor, doc, authority_prefix=prefix, signer_title=title)
    if shown is doc:
        return doc, ""
    return shown, urlencode({"authority_prefix": prefix, "signer_title": shown.signer_title})


def _sign_page(request, doc, *, status: int = 200):
    """The "Duyệt ký" page: the draft as it will be signed, page by page, its files, the button."""
    actor = as_actor(request.user)
    context = {
        "nav": "outgoing",
        "doc": doc,
        "recipient_lines": selectors.recipient_lines(doc),
        "authority_choices": SignForm.base_fields["authority_prefix"].choices,
    }
    if doc.secrecy:
        log_access(actor=actor, obj=doc, unit=doc.unit_id, confidentiality=doc.secrecy)
    signed, query = _as_shown(request, actor, doc)
    context.update(signed=signed, query=query, preview=preview.document_preview(signed))
    return render(request, "outgoing/sign.html", context, status=status)


@official_required
@require_http_methods(["GET", "POST"])
def approve_for_signing(request, pk: int):
    actor = as_actor(request.user)
    doc = selectors.document_for(actor=actor, pk=pk)
    if not _confirmed(request):
        # Like the resend and void pages: a page that cannot act goes back to the document.
        return _sign_page(request, doc) if _may_sign(actor, doc) else not_allowed(request, doc)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        if not _may_sign(actor, doc):
            return not_allowed(request, doc)
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _sign_page(request, doc, status=400)
    try:
        services.draft_approve_for_signing(
            actor=actor,
            document=doc,
            authority_prefix=form.cleaned_data["authority_prefix"],
            signer_title=form.cleaned_data["signer_title"],
            content_sha256=form.cleaned_data["content_sha256"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        if not _may_sign(actor, doc):
            return redirect("outgoing:detail", pk=doc.pk)  # nothing left to sign here
        # The page again, with what the draft reads now.
        return _sign_page(request, doc, status=400)
    messages.success(request, _("Đã duyệt ký văn bản."))
    return redirect("outgoing:detail", pk=doc.pk)


def _png(data: bytes | None):
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/png")
    # The address names the content; the page is still private to who may read it.
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@official_required
@require_GET
def preview_page(request, pk: int, digest: str, number: int):
    """One page image of the draft as shown (its address names the body's content digest)."""
    actor = as_actor(request.user)
    doc = selectors.document_for(actor=actor, pk=pk)
    shown, _query = _as_shown(request, actor, doc)
    body_digest, pages = preview.body_pages(shown)
    if body_digest != digest:
        raise Http404  # changed since the page was drawn: reload it
    return _png(preview.page_image(pages, number))


@official_required
@require_GET
def preview_file_page(request, pk: int, file_pk: int, number: int):
    """One page image of a PDF file that goes with the draft."""
    doc = selectors.document_for(actor=as_actor(request.user), pk=pk)
    stored = next((f for f in preview.signed_files(doc) if f.pk == file_pk), None)
    if stored is None or not preview.is_pdf(stored):
        raise Http404
    try:
        pages = preview.file_pages(stored)
    except ServiceError as exc:
        raise Http404 from exc
    return _png(preview.page_image(pages, number))


@official_required
@require_GET
def preview_pdf(request, pk: int):
    """The draft as it will be signed, as a PDF opened in the browser (number and date blank)."""
    actor = as_actor(request.user)
    doc = selectors.document_for(actor=actor, pk=pk)
    if doc.secrecy:
        log_access(actor=actor, obj=doc, unit=doc.unit_id, confidentiality=doc.secrecy)
    shown, _query = _as_shown(request, actor, doc)
    _digest, pdf = preview.body_pdf(shown)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"du-thao-{doc.pk}.pdf", inline=True)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@official_required
@require_http_methods(["GET", "POST"])
def issue(request, pk: int):
    if not _confirmed(request):
        actor = as_actor(request.user)
        doc = selectors.document_for(actor=actor, pk=pk)
        if not selectors.actions_for(actor=actor, document=doc).get("issue", False):
            return not_allowed(request, doc)  # as the resend and void pages do
        return _confirm_page(request, doc, kind="issue")
    # Confirmed: the service decides, and a refusal says its own reason.
    return _act(
        request,
        pk,
        lambda a, d, f: services.document_issue(actor=a, document=d),
        lambda result: (
            _("Đã cấp số; văn bản chờ người ký xác nhận ký số trên điện thoại.")
            if result.status == Status.SIGNING
            else _("Đã cấp số và phát hành văn bản.")
        ),
    )


@official_required
@require_POST
def recall(request, pk: int):
    return _act(
        request,
        pk,
        lambda a, d, f: services.document_recall(
            actor=a, document=d, reason=f.cleaned_data["reason"]
        ),
        _("Đã thu hồi văn bản."),
        ReasonForm,
    )


@official_required
@require_POST
def replace(request, pk: int):
    return _act(
        request,
        pk,
        lambda a, d, f: services.document_replace(actor=a, document=d),
        _("Đã tạo dự thảo văn bản thay thế."),
    )


@official_required
@require_POST
def correct(request, pk: int):
    return _act(
        request,
        pk,
        lambda a, d, f: services.document_correct(
            actor=a, document=d, subject=f.cleaned_data["subject"]
        ),
        _("Đã tạo dự thảo công văn đính chính."),
        CorrectForm,
    )
