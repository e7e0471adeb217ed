"""Citizens' online public services at /dich-vu-cong/: submit, track, answer, withdraw, rate, download.

A dossier page is addressed by its ``public_token``, never by its code or
primary key. It opens for the logged-in applicant (through ``restrict``), or
for a browser session that proved code + phone number on the look-up page
(a *grant*, kept in the session for ``CONGVU_PORTAL_GRANT_SECONDS``). Anyone
else gets 404. Acting on a dossier (supplement, withdraw, rate) needs the
applicant's account; a dossier filed without an account is acted on by the
session holding its grant. The look-up is rate-limited per client address
and per code, and answers the same for a wrong code and a wrong phone.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congvu.accounts.constants import UserKind
from congvu.accounts.throttle import client_ip
from congvu.core.errors import ServiceError
from congvu.files.models import StoredFile
from congvu.files.services import file_open_verified, owner_label
from congvu.files.views import content_disposition
from congvu.procedures.constants import OnlineLevel
from congvu.procedures.models import Procedure

from . import routing, selectors, services
from .constants import NATIONAL_STATUS, NATIONAL_STATUS_LABELS, DossierStatus, FormCode
from .models import Dossier, DossierForm, Rating
from .portal_forms import (
    RateForm,
    SubmitForm,
    SupplementForm,
    TrackForm,
    WithdrawForm,
    size_limit_text,
)
from .services.pending import holder_of

GRANTS = "onestop_portal_grants"
#: Statuses from which the citizen may still withdraw (before the result, contract).
WITHDRAWABLE = {
    DossierStatus.SUBMITTED,
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT,
    DossierStatus.AWAITING_PAYMENT,
    DossierStatus.STOPPED,
}
RESULT_READY = {DossierStatus.DONE, DossierStatus.RETURNED}


def _setting(name: str, default):
    return getattr(settings, name, default)


def _is_citizen(user) -> bool:
    return bool(user.is_authenticated and getattr(user, "kind", None) == UserKind.CITIZEN)


def _login_redirect(request):
    return redirect_to_login(request.get_full_path(), reverse("portal:login"))


# --- Session grants (code + phone proven in this browser) ----------------------------------


def _grants(request) -> dict:
    now = time.time()
    return {t: exp for t, exp in request.session.get(GRANTS, {}).items() if exp > now}


def _grant(request, dossier: Dossier) -> None:
    grants = _grants(request)
    grants[dossier.public_token] = time.time() + _setting("CONGVU_PORTAL_GRANT_SECONDS", 3600)
    request.session[GRANTS] = grants


def _access(request, token: str) -> tuple[Dossier, bool, bool]:
    """(dossier, is_owner, may_act) or 404."""
    related = ("procedure", "procedure_version", "receiving_unit", "competent_unit")
    user = request.user
    if _is_citizen(user):
        own = Dossier.objects.restrict(user, "view").select_related(*related)
        dossier = own.filter(public_token=token, applicant_id=user.pk).first()
        if dossier is not None:
            return dossier, True, True
    if token in _grants(request):
        dossier = Dossier.objects.select_related(*related).filter(public_token=token).first()
        if dossier is not None:
            # Filed without an account: the session that proved code + phone acts for it.
            may_act = dossier.applicant_id is None and not user.is_authenticated
            return dossier, False, may_act
    raise Http404


def _actor(request, owner: bool):
    return request.user if owner else None


# --- Rate limit of the look-up (cache) ------------------------------------------------------


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"congvu:onestop:track:{kind}:{digest}"


def _hit(key: str, window: int) -> None:
    if not cache.add(key, 1, window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)


def _track_limited(ip: str, code: str) -> bool:
    ip_limit = _setting("CONGVU_TRACK_LIMIT_PER_IP", 20)
    code_limit = _setting("CONGVU_TRACK_LIMIT_PER_CODE", 5)
    return (
        cache.get(_key("ip", ip), 0) >= ip_limit or cache.get(_key("code", code), 0) >= code_limit
    )


def _track_count(ip: str, code: str, *, found: bool) -> None:
    window = _setting("CONGVU_TRACK_WINDOW_SECONDS", 15 * 60)
    # Every look-up counts for the address; only failures for the code, so the
    # owner checking often is not locked out while guessing phones is.
    _hit(_key("ip", ip), window)
    if not found:
        _hit(_key("code", code), window)


# --- Pages ----------------------------------------------------------------------------------


def index(request):
    return render(request, "onestop/portal/index.html", {"nav": "onestop", "track": TrackForm()})


def _version(procedure):
    from congvu.procedures.selectors import current_version

    return current_version(procedure)


def _profile_initial(user) -> dict:
    if not _is_citizen(user):
        return {}
    return {
        "name": user.full_name,
        "id_number": user.id_number,
        "address": user.address,
        "phone": user.phone,
        "email": user.email,
        "type": user.applicant_type or "person",
    }


def _holder(request) -> str:
    if not request.user.is_authenticated and not request.session.session_key:
        request.session.save()  # an anonymous filer's kept files belong to this session
    return holder_of(request.user, request.session.session_key)


def _keep_valid_files(request, holder: str, procedure, form) -> list:
    """Store the form's valid new files so the re-shown form lists them as attached."""
    kept = []
    actor = request.user if request.user.is_authenticated else None
    for paper, upload in form.paper_uploads():
        try:
            kept.append(
                services.pending_upload_store(
                    actor=actor,
                    holder=holder,
                    procedure=procedure,
                    required_paper=paper,
                    upload=upload,
                )
            )
        except ServiceError as exc:  # checked by the form already; storage may still refuse
            form.add_error(None, f"{paper.name}: {exc.message}")
    return kept


def _submitted(request, dossier, commune_label: str):
    messages.success(
        request,
        _(
            "Đã nộp hồ sơ tới %(commune)s. Mã hồ sơ của bạn là %(code)s: ghi lại mã này để "
            "tra cứu cùng số điện thoại đã khai."
        )
        % {"commune": commune_label, "code": dossier.code},
    )
    url = reverse("onestop_portal:detail", args=[dossier.public_token])
    if request.headers.get("X-Congvu-Upload") == "1":
        # The upload-progress script sent it: it follows this itself (an XHR would
        # follow a redirect silently and eat the message).
        return HttpResponse(status=204, headers={"X-Congvu-Redirect": url})
    return redirect(url)


@require_http_methods(["GET", "POST"])
def submit(request, procedure_code: str):
    procedure = get_object_or_404(
        Procedure.objects.restrict(request.user, "view").filter(active=True), code=procedure_code
    )
    version = _version(procedure)
    if version is None:
        raise Http404
    user = request.user
    if user.is_authenticated and not _is_citizen(user):
        raise Http404  # officials register dossiers at the desk, not here
    online = version.online_level != OnlineLevel.NOT_ONLINE
    if (
        online
        and not user.is_authenticated
        and not _setting("CONGVU_PORTAL_ANONYMOUS_SUBMIT", False)
    ):
        return _login_redirect(request)
    context = {"nav": "onestop", "procedure": procedure, "version": version, "online": online}
    if not online:
        return render(request, "onestop/portal/submit.html", context)
    communes = routing.communes_offering(procedure)
    papers = list(version.papers.order_by("order", "pk"))
    posted = request.method == "POST"
    holder = _holder(request) if posted else ""
    kept = (
        services.pending_uploads_kept(
            holder=holder, procedure=procedure, tokens=request.POST.getlist("keep")
        )
        if posted
        else []
    )
    form = SubmitForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        communes=communes,
        papers=papers,
        kept=kept,
        initial=_profile_initial(user),
    )
    if posted and form.is_valid():
        choice = form.commune_choice()
        try:
            dossier = services.dossier_submit_to_commune(
                actor=user if user.is_authenticated else None,
                procedure=procedure,
                commune=choice.commune,
                applicant=form.applicant(),
                papers=form.paper_uploads(),
                kept_tokens=[k.token for k in kept],
                holder=holder,
                subject=form.cleaned_data["subject"],
                result_delivery=form.cleaned_data["result_delivery"],
            )
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            _grant(request, dossier)
            return _submitted(request, dossier, choice.label)
    if posted:
        form.kept += _keep_valid_files(request, holder, procedure, form)
    context.update(
        form=form,
        communes=communes,
        papers=papers,
        size_limit=size_limit_text(),
    )
    return render(request, "onestop/portal/submit.html", context, status=400 if posted else 200)


@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        ip, code = client_ip(request), form.cleaned_data["code"]
        if _track_limited(ip, code):
            minutes = _setting("CONGVU_TRACK_WINDOW_SECONDS", 15 * 60) // 60
            form.add_error(
                None,
                _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau %(m)s phút.")
                % {"m": minutes},
            )
            status = 429
        else:
            dossier = selectors.dossier_public_lookup(code, form.cleaned_data["phone"])
            _track_count(ip, code, found=dossier is not None)
            if dossier is not None:
                _grant(request, dossier)
                return redirect("onestop_portal:detail", token=dossier.public_token)
            # One answer for a wrong code and a wrong phone: codes cannot be probed.
            form.add_error(
                None,
                _(
                    "Không tìm thấy hồ sơ với mã hồ sơ và số điện thoại này. Hãy kiểm tra mã "
                    "trên Giấy tiếp nhận và số điện thoại đã khai khi nộp."
                ),
            )
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request, "onestop/portal/track.html", {"form": form, "nav": "onestop"}, status=status
    )


def my_dossiers(request):
    if not request.user.is_authenticated:
        return _login_redirect(request)
    if not _is_citizen(request.user):
        raise Http404
    page = Paginator(selectors.dossiers_for_citizen(request.user), 20).get_page(
        request.GET.get("trang")
    )
    labels: dict[int, str] = {}
    for dossier in page.object_list:
        unit = dossier.receiving_unit
        if unit.pk not in labels:
            labels[unit.pk] = _commune_label(unit)
        dossier.commune_label = labels[unit.pk]
    return render(request, "onestop/portal/my_dossiers.html", {"page": page, "nav": "onestop"})


def _result_files(dossier: Dossier) -> list[StoredFile]:
    if dossier.status not in RESULT_READY:
        return []
    files = list(
        StoredFile.objects.filter(
            owner_type=owner_label(Dossier), owner_id=str(dossier.pk), purpose="result"
        ).order_by("version", "pk")
    )
    if dossier.result_document_id:
        files += list(
            StoredFile.objects.filter(
                owner_type="outgoing.outgoingdocument",
                owner_id=str(dossier.result_document_id),
                purpose="issued",
            ).order_by("version", "pk")
        )
    return files


def _pay_url(dossier: Dossier) -> str:
    if dossier.status != DossierStatus.AWAITING_PAYMENT:
        return ""
    try:
        return reverse("payments:start", args=[dossier.public_token])
    except NoReverseMatch:
        return ""


def _supplement_items(dossier: Dossier) -> list[str]:
    form = (
        DossierForm.objects.filter(dossier=dossier, form=FormCode.SUPPLEMENT)
        .order_by("-issued_at", "-pk")
        .first()
    )
    items = (form.content or {}).get("items", []) if form else []
    return [str(i) for i in items] if isinstance(items, list) else [str(items)]


def _commune_label(unit) -> str:
    commune = routing.commune_of(unit)
    return routing.commune_label(commune) if commune is not None else ""


def detail(request, token: str):
    dossier, owner, may_act = _access(request, token)
    rated = Rating.objects.filter(dossier=dossier).first()
    context = {
        "nav": "onestop",
        "dossier": dossier,
        "owner": owner,
        "may_act": may_act,
        "national_status": NATIONAL_STATUS[dossier.status],
        "national_status_label": NATIONAL_STATUS_LABELS[NATIONAL_STATUS[dossier.status]],
        "commune": _commune_label(dossier.receiving_unit),
        "timeline": selectors.dossier_timeline(dossier, public_only=True),
        "papers": dossier.papers.select_related("file").order_by("round", "pk"),
        "result_files": _result_files(dossier),
        "pay_url": _pay_url(dossier),
        "supplement_items": _supplement_items(dossier)
        if dossier.status == DossierStatus.SUPPLEMENT
        else [],
        "can_withdraw": may_act and dossier.status in WITHDRAWABLE,
        "can_rate": may_act and dossier.status in RESULT_READY and rated is None,
        "rating": rated,
        "supplement_form": SupplementForm(),
        "withdraw_form": WithdrawForm(),
        "rate_form": RateForm(),
    }
    return render(request, "onestop/portal/detail.html", context)


def _act(request, token: str, form_class, template: str, call, done: str):
    """The pattern of the three citizen actions: form, service call, message, back to the page."""
    dossier, owner, may_act = _access(request, token)
    if not may_act:
        if not request.user.is_authenticated:
            return _login_redirect(request)
        raise Http404
    form = form_class(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                call(dossier, _actor(request, owner), form.cleaned_data)
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, done)
                return redirect("onestop_portal:detail", token=dossier.public_token)
        status = 400
    context = {"nav": "onestop", "dossier": dossier, "form": form}
    if form_class is SupplementForm:
        context["supplement_items"] = _supplement_items(dossier)
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def supplement(request, token: str):
    def call(dossier, actor, data):
        services.dossier_supplement_answer(
            actor=actor, dossier=dossier, uploads=data["uploads"], note=data["note"]
        )

    return _act(
        request,
        token,
        SupplementForm,
        "onestop/portal/supplement.html",
        call,
        _("Đã gửi giấy tờ bổ sung."),
    )


@require_http_methods(["GET", "POST"])
def withdraw(request, token: str):
    def call(dossier, actor, data):
        services.dossier_withdraw(actor=actor, dossier=dossier, reason=data["reason"])

    return _act(
        request, token, WithdrawForm, "onestop/portal/withdraw.html", call, _("Đã rút hồ sơ.")
    )


@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    def call(dossier, actor, data):
        services.dossier_rate(
            actor=actor, dossier=dossier, score=data["score"], comment=data["comment"]
        )

    return _act(
        request,
        token,
        RateForm,
        "onestop/portal/rate.html",
        call,
        _("Cảm ơn bạn đã đánh giá."),
    )


def result_file(request, token: str, file_id: int):
    dossier, _owner, _may_act = _access(request, token)
    stored = next((f for f in _result_files(dossier) if f.pk == file_id), None)
    if stored is None:
        raise Http404
    try:
        fh = file_open_verified(stored)
    except ServiceError as exc:
        status = 409 if exc.code == "checksum_mismatch" else 404
        return HttpResponse(exc.message, status=status, content_type="text/plain; charset=utf-8")
    response = FileResponse(fh, content_type=stored.content_type)
    response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = content_disposition(stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
