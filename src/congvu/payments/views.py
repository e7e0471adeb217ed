"""Payment pages at /thanh-toan/: pay a dossier, the sandbox bank, callbacks, return, receipt.

Who may pay or see a payment of a dossier: its applicant (logged in), or a
visitor whose session holds the dossier's public token in
``session["onestop_grants"]`` (granted by the portal's look-up by code and
phone); officials who see the dossier (``restrict``) may open its receipts.
Anyone else gets 404. The callback endpoint is the gateway's, not a person's:
it trusts nothing but the signature.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from congvu.accounts.access import official_required
from congvu.core.errors import ServiceError
from congvu.onestop.constants import DossierStatus
from congvu.onestop.models import Dossier

from . import guard, sandbox, selectors, services
from .constants import CallbackOutcome, PaymentStatus, ProviderResult
from .forms import CashForm
from .models import Payment
from .providers import CallbackRejected, get_provider, provider_for_callback
from .receipt import receipt_pdf

GRANTS_KEY = "onestop_grants"
OK_OUTCOMES = {CallbackOutcome.APPLIED, CallbackOutcome.DUPLICATE, CallbackOutcome.IGNORED_FINAL}


def _is_payer(request, dossier) -> bool:
    user = request.user
    if (
        user.is_authenticated
        and dossier.applicant_id is not None
        and dossier.applicant_id == user.pk
    ):
        return True
    grants = request.session.get(GRANTS_KEY) or []
    return isinstance(grants, list | tuple) and dossier.public_token in grants


def _may_see(request, dossier) -> bool:
    if _is_payer(request, dossier):
        return True
    user = request.user
    return bool(
        user.is_authenticated
        and getattr(user, "is_official", False)
        and Dossier.objects.restrict(user, "view").filter(pk=dossier.pk).exists()
    )


@require_http_methods(["GET", "POST"])
def start(request, token: str):
    """Pay the fees of a dossier waiting for its financial obligation."""
    dossier = get_object_or_404(Dossier.objects.select_related("procedure"), public_token=token)
    if not _is_payer(request, dossier):
        raise Http404
    if request.method == "POST":
        try:
            payment = services.payment_start(actor=request.user, dossier=dossier)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("payments:start", token)
        return redirect(get_provider(payment.provider).start(payment))
    amount, fees = selectors.amount_due(dossier)
    context = {
        "dossier": dossier,
        "amount": amount,
        "fees": fees,
        "foreign_fees": selectors.fees_due(dossier).foreign,
        "payable": dossier.status == DossierStatus.AWAITING_PAYMENT and bool(amount),
        "paid": selectors.succeeded_payment(dossier),
        "payments": dossier.payments.order_by("-created_at")[:10],
    }
    return render(request, "payments/start.html", context)


@require_http_methods(["GET", "POST"])
def sandbox_bank(request, reference: str):
    """The sandbox gateway's page: the payer chooses success, failure or cancel."""
    if get_provider().name != sandbox.SandboxProvider.name:
        raise Http404
    payment = get_object_or_404(
        Payment.objects.select_related("unit"), reference=reference, provider="sandbox"
    )
    now = timezone.now()
    open_session = payment.status == PaymentStatus.PENDING and (
        payment.expires_at is None or payment.expires_at > now
    )
    if request.method == "POST" and open_session:
        choice = request.POST.get("result", "")
        if choice in ProviderResult.values:
            body, headers = sandbox.build_callback(payment, choice, when=now)
            # The bank's server-to-server notification, through the same service the
            # callback endpoint uses, with the same signed bytes.
            services.payment_callback_process(
                provider=get_provider("sandbox"),
                body=body,
                headers=headers,
                remote_addr="sandbox",
            )
            return redirect("payments:return", payment.reference)
        messages.error(request, _("Hãy chọn một kết quả giao dịch."))
    context = {"payment": payment, "open_session": open_session, "results": ProviderResult}
    return render(request, "payments/sandbox_bank.html", context)


@csrf_exempt
@require_POST
def callback(request, provider: str):
    """The gateway's server-to-server notification. JSON in, JSON out; the signature decides."""
    gateway = provider_for_callback(provider)
    if gateway is None:
        raise Http404
    if guard.throttled(request.META.get("REMOTE_ADDR", "")):
        return JsonResponse({"ok": False, "outcome": "throttled"}, status=429)
    if guard.too_large(request):
        return JsonResponse({"ok": False, "outcome": "too_large"}, status=413)
    result = rejected = None
    try:
        result = gateway.verify_callback(request)
    except CallbackRejected as exc:
        rejected = exc
    record = services.payment_callback_process(
        provider=gateway,
        body=request.body,
        headers=request.headers,
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        result=result,
        rejected=rejected,
    )
    ok = record.outcome in OK_OUTCOMES
    return JsonResponse({"ok": ok, "outcome": record.outcome}, status=200 if ok else 400)


@require_http_methods(["GET"])
def payment_return(request, reference: str):
    """Where the gateway sends the payer's browser back: the payment's state."""
    payment = get_object_or_404(
        Payment.objects.select_related("dossier", "unit"), reference=reference
    )
    if not _may_see(request, payment.dossier):
        raise Http404
    return render(request, "payments/return.html", {"payment": payment})


@require_http_methods(["GET"])
def receipt(request, reference: str):
    """The receipt (biên lai) of a succeeded payment, A5 PDF."""
    payment = get_object_or_404(
        Payment.objects.select_related("dossier__procedure", "unit__parent"),
        reference=reference,
        status=PaymentStatus.SUCCEEDED,
    )
    if not _may_see(request, payment.dossier):
        raise Http404
    response = HttpResponse(receipt_pdf(payment), content_type="application/pdf")
    name = f"bien-lai-{payment.receipt_year}-{payment.receipt_number:06d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@official_required
@require_http_methods(["GET", "POST"])
def cash(request, pk: int):
    """Thu tiền mặt tại Bộ phận một cửa for a dossier the official sees."""
    dossier = get_object_or_404(
        Dossier.objects.restrict(request.user, "view").select_related("procedure"), pk=pk
    )
    amount, fees = selectors.amount_due(dossier)
    form = CashForm(request.POST or None, initial={"amount": amount or None})
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.payment_record_cash(
                actor=request.user,
                dossier=dossier,
                amount=form.cleaned_data["amount"],
                payer_name=form.cleaned_data["payer_name"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Đã thu tiền, biên lai số %(number)s.") % {"number": payment.receipt_label},
            )
            return redirect("payments:return", payment.reference)
    context = {
        "dossier": dossier,
        "form": form,
        "amount": amount,
        "fees": fees,
        "foreign_fees": selectors.fees_due(dossier).foreign,
        "payments": selectors.payments_for_dossier(actor=request.user, dossier=dossier),
    }
    return render(request, "payments/cash.html", context, status=200)
