"""Writes of payments: start, gateway callback, desk cash, expiry, receipt numbers.

Every change of a payment's status is a named transition here, audited in
its transaction. A success takes a receipt number and tells the one-stop
shop (``onestop.services.dossier_payment_settled``) in the same transaction,
so a dossier never resumes without a recorded payment, nor the reverse.
Rejected callbacks change nothing but are kept (``PaymentCallback``) and
audited; anonymous junk only once a window (``guard.py``).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.audit.services import log_action, snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.core.faults import checkpoint
from congvu.onestop.constants import DossierStatus

from . import guard
from .constants import CASH, CallbackOutcome, PaymentStatus, ProviderResult
from .models import Payment, PaymentCallback, ReceiptCounter
from .providers import CallbackRejected, CallbackResult, PaymentProvider, get_provider
from .selectors import amount_due

logger = logging.getLogger("congvu.payments")

AUDIT_FIELDS = ["status", "amount", "provider", "provider_transaction_id", "receipt_number"]
DESK_ROLES = {Role.ONESTOP_OFFICER, *LEADER_ROLES}


def _timeout() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "CONGVU_PAYMENT_TIMEOUT_MINUTES", 15))


def _settle_dossier(*, actor, payment: Payment, when) -> None:
    # Imported here: the one-stop services import much of the project.
    from congvu.onestop.services import dossier_payment_settled

    dossier_payment_settled(
        actor=actor, dossier=payment.dossier, reference=payment.reference, when=when
    )


def receipt_number_allocate(*, unit, when) -> tuple[int, int]:
    """Next receipt number (số biên lai) of ``unit`` for the year of ``when``; caller's transaction.

    The counter row is locked until the caller commits, so two successes never
    share a number, and a rolled-back success gives its number back: no gaps.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("receipt_number_allocate() must run in the transaction of the payment")
    year = timezone.localtime(when).year
    try:
        with transaction.atomic():
            ReceiptCounter.objects.get_or_create(unit=unit, year=year)
    except IntegrityError:
        pass  # created concurrently: the row exists now
    counter = ReceiptCounter.objects.select_for_update().get(unit=unit, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return year, counter.last


def _mark_succeeded(
    *, actor, payment: Payment, when, transaction_id: str = "", tolerate_closed_dossier=False
) -> str:
    """Record the success, number the receipt, resume the dossier; returns a note for the log."""
    before = snapshot(payment, AUDIT_FIELDS)
    payment.status = PaymentStatus.SUCCEEDED
    payment.paid_at = when
    payment.closed_at = when
    if transaction_id:
        payment.provider_transaction_id = transaction_id
    payment.receipt_year, payment.receipt_number = receipt_number_allocate(
        unit=payment.unit, when=when
    )
    payment.save()
    log_action(
        actor=actor,
        action="congvu.payments.payment.succeeded",
        obj=payment,
        unit=payment.unit,
        before=before,
        after=snapshot(payment, AUDIT_FIELDS) | {"receipt": payment.receipt_label},
    )
    if (
        Payment.objects.filter(dossier=payment.dossier_id, status=PaymentStatus.SUCCEEDED)
        .exclude(pk=payment.pk)
        .exists()
    ):
        # Paid twice (e.g. cash at the desk while the gateway session was open):
        # the money is real, so the payment stands; the desk refunds one.
        logger.error("dossier %s paid twice (payment %s)", payment.dossier_id, payment.reference)
        return "paid twice: refund needed"
    if not tolerate_closed_dossier:
        _settle_dossier(actor=actor, payment=payment, when=when)
        return ""
    try:
        with transaction.atomic():
            _settle_dossier(actor=actor, payment=payment, when=when)
    except ServiceError as exc:
        # The gateway has taken the money: keep the payment and its receipt, and
        # leave the dossier as it is (withdrawn, stopped…) for the desk to refund.
        logger.error("paid dossier %s could not resume: %s", payment.dossier_id, exc.message)
        return f"dossier not resumed: {exc.code}"
    return ""


def _mark_closed(*, actor, payment: Payment, status: str, when, reason="", transaction_id=""):
    before = snapshot(payment, AUDIT_FIELDS)
    payment.status = status
    payment.closed_at = when
    payment.failure_reason = reason[:255]
    if transaction_id:
        payment.provider_transaction_id = transaction_id
    payment.save()
    log_action(
        actor=actor,
        action=f"congvu.payments.payment.{status}",
        obj=payment,
        unit=payment.unit,
        before=before,
        after=snapshot(payment, AUDIT_FIELDS),
    )
    return payment


def _check_payable(dossier) -> None:
    if dossier.status != DossierStatus.AWAITING_PAYMENT:
        raise TransitionNotAllowed(
            _("Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính."),
            code="not_awaiting_payment",
            field="dossier",
        )
    if Payment.objects.filter(dossier=dossier, status=PaymentStatus.SUCCEEDED).exists():
        raise TransitionNotAllowed(
            _("Hồ sơ đã được thanh toán."), code="already_paid", field="dossier"
        )


@transaction.atomic
def payment_start(*, actor, dossier, provider: PaymentProvider | None = None, when=None) -> Payment:
    """Open (or reuse) a pending online payment for what ``dossier`` owes.

    The caller (view) has checked that ``actor`` may pay for this dossier. A
    pending payment that has not expired is reused, so pressing "pay" twice
    never opens two gateway sessions for one debt.
    """
    when = when or timezone.now()
    provider = provider or get_provider()
    dossier = type(dossier).objects.select_for_update().get(pk=dossier.pk)
    _check_payable(dossier)
    amount, fees = amount_due(dossier)
    if amount is None:
        raise ServiceError(
            _("Chưa xác định được đủ phí, lệ phí của hồ sơ; Bộ phận một cửa sẽ báo số tiền."),
            code="fee_unknown",
            field="amount",
        )
    if amount <= 0:
        raise ServiceError(
            _("Hồ sơ không có khoản phí, lệ phí nào phải nộp."), code="nothing_due", field="amount"
        )
    pending = (
        Payment.objects.filter(
            dossier=dossier,
            provider=provider.name,
            status=PaymentStatus.PENDING,
            expires_at__gt=when,
            amount=amount,
        )
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        return pending
    user = as_actor(actor).user if actor is not None else None
    payment = Payment.objects.create(
        dossier=dossier,
        unit=dossier.receiving_unit,
        procedure_id=dossier.procedure_id,
        amount=amount,
        fees=fees,
        provider=provider.name,
        payer_name=dossier.applicant_name,
        created_at=when,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        expires_at=when + _timeout(),
    )
    log_action(
        actor=actor,
        action="congvu.payments.payment.started",
        obj=payment,
        unit=payment.unit,
        after=snapshot(payment, AUDIT_FIELDS) | {"dossier": dossier.pk},
    )
    return payment


@transaction.atomic
def payment_record_cash(
    *, actor, dossier, amount: int | None = None, payer_name="", when=None
) -> Payment:
    """Thu tiền mặt tại Bộ phận một cửa: a succeeded payment with its receipt, dossier resumes."""
    from congvu.onestop.models import Dossier

    when = when or timezone.now()
    who = as_actor(actor)
    if not Dossier.objects.restrict(who, "view").filter(pk=dossier.pk).exists():
        raise PermissionDenied(_("Không có quyền với hồ sơ này."), field="dossier")
    if not (who.is_system_admin or who.roles.get(dossier.receiving_unit_id, set()) & DESK_ROLES):
        raise PermissionDenied(
            _("Chỉ cán bộ một cửa hoặc lãnh đạo nơi tiếp nhận được thu tiền."),
            code="not_desk",
            field="dossier",
        )
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _check_payable(dossier)
    due, fees = amount_due(dossier)
    if amount is None and due is None:
        raise ServiceError(
            _("Chưa xác định được đủ phí, lệ phí của hồ sơ: hãy nhập số tiền đã thu (đồng)."),
            code="fee_unknown",
            field="amount",
        )
    if amount is None:
        amount = due
    if amount != due:
        # The breakdown would not add up to what was taken: one line, as for a desk's amount.
        fees = [{"name": _("Phí, lệ phí"), "amount": amount, "collected_at": ""}]
    if not isinstance(amount, int) or amount <= 0:
        raise ServiceError(
            _("Số tiền phải là số nguyên dương (đồng)."), code="invalid_amount", field="amount"
        )
    payment = Payment.objects.create(
        dossier=dossier,
        unit=dossier.receiving_unit,
        procedure_id=dossier.procedure_id,
        amount=amount,
        fees=fees,
        provider=CASH,
        payer_name=(payer_name or dossier.applicant_name)[:255],
        created_at=when,
        created_by=who.user,
    )
    log_action(
        actor=actor,
        action="congvu.payments.payment.cash_recorded",
        obj=payment,
        unit=payment.unit,
        after=snapshot(payment, AUDIT_FIELDS) | {"dossier": dossier.pk, "due": due},
    )
    _mark_succeeded(actor=actor, payment=payment, when=when)
    return payment


def _log_callback(
    *,
    provider,
    body,
    headers,
    remote_addr,
    outcome,
    signature_valid,
    when,
    payment=None,
    reference="",
    transaction_id="",
    replay=False,
    message="",
):
    callback = PaymentCallback(
        payment=payment,
        provider=provider.name,
        reference=reference[:64],
        transaction_id=transaction_id[:100],
        raw_body=body.decode("utf-8", errors="replace")[: guard.max_body_bytes()],
        headers=provider.header_subset(headers),
        remote_addr=remote_addr[:64],
        signature_valid=signature_valid,
        outcome=outcome,
        replay=replay,
        message=message[:255],
        received_at=when,
    )
    skipped = 0
    if outcome in guard.JUNK_OUTCOMES:
        # Anyone can send junk: one row a window, the rest counted (guard.py).
        skipped = guard.junk_to_keep(provider.name, outcome)
        if skipped is None:
            return callback  # not saved
    callback.save()
    if outcome not in (CallbackOutcome.APPLIED,):
        log_action(
            actor=None,
            action=f"congvu.payments.callback.{outcome}",
            obj=callback,
            unit=payment.unit if payment is not None else None,
            after={
                "reference": callback.reference,
                "transaction_id": callback.transaction_id,
                "replay": replay,
                "signature_valid": signature_valid,
                "suppressed": skipped,
            },
        )
        logger.warning(
            "payment callback %s: provider=%s reference=%s txn=%s",
            outcome,
            provider.name,
            callback.reference,
            callback.transaction_id,
        )
    return callback


@transaction.atomic
def payment_callback_process(
    *,
    provider: PaymentProvider,
    body: bytes,
    headers,
    remote_addr="",
    result: CallbackResult | None = None,
    rejected: CallbackRejected | None = None,
    when=None,
) -> PaymentCallback:
    """Apply one gateway callback, exactly once; log every callback, applied or not.

    ``result``/``rejected`` come from ``provider.verify_callback``; if neither is
    given, the body is verified here (``provider.verify``). Nothing changes
    unless the signature is valid, the message fresh, the reference known, the
    amount equal and the payment still pending. The same transaction id twice
    is a replay; a final payment (in particular a succeeded one) never changes.
    """
    when = when or timezone.now()
    common = {
        "provider": provider,
        "body": body,
        "headers": headers,
        "remote_addr": remote_addr,
        "when": when,
    }
    if result is None and rejected is None:
        try:
            result = provider.verify(body, headers)
        except CallbackRejected as exc:
            rejected = exc
    if rejected is not None:
        payment = (
            Payment.objects.filter(reference=rejected.reference).first()
            if rejected.reference
            else None
        )
        outcome = (
            rejected.code if rejected.code in CallbackOutcome.values else CallbackOutcome.MALFORMED
        )
        replay = bool(
            rejected.transaction_id
            and PaymentCallback.objects.filter(
                provider=provider.name,
                transaction_id=rejected.transaction_id,
                outcome=CallbackOutcome.APPLIED,
            ).exists()
        )
        return _log_callback(
            **common,
            outcome=outcome,
            signature_valid=rejected.code != "bad_signature",
            payment=payment,
            reference=rejected.reference,
            transaction_id=rejected.transaction_id,
            replay=replay,
            message=rejected.message,
        )
    ids = {"reference": result.reference, "transaction_id": result.transaction_id}
    payment = (
        Payment.objects.select_for_update()
        .filter(reference=result.reference, provider=provider.name)
        .first()
    )
    if payment is None:
        return _log_callback(
            **common, **ids, outcome=CallbackOutcome.UNKNOWN_REFERENCE, signature_valid=True
        )
    if PaymentCallback.objects.filter(
        provider=provider.name,
        transaction_id=result.transaction_id,
        outcome=CallbackOutcome.APPLIED,
    ).exists():
        return _log_callback(
            **common,
            **ids,
            payment=payment,
            outcome=CallbackOutcome.DUPLICATE,
            signature_valid=True,
            replay=True,
        )
    if result.amount != payment.amount:
        return _log_callback(
            **common,
            **ids,
            payment=payment,
            outcome=CallbackOutcome.AMOUNT_MISMATCH,
            signature_valid=True,
            message=f"amount {result.amount} != {payment.amount}",
        )
    if payment.status != PaymentStatus.PENDING:
        return _log_callback(
            **common,
            **ids,
            payment=payment,
            outcome=CallbackOutcome.IGNORED_FINAL,
            signature_valid=True,
            replay=True,
            message=f"payment is {payment.status}",
        )
    note = ""
    if result.result == ProviderResult.SUCCESS:
        note = _mark_succeeded(
            actor=None,
            payment=payment,
            when=when,
            transaction_id=result.transaction_id,
            tolerate_closed_dossier=True,
        )
    elif result.result == ProviderResult.CANCEL:
        _mark_closed(
            actor=None,
            payment=payment,
            status=PaymentStatus.CANCELLED,
            when=when,
            transaction_id=result.transaction_id,
            reason=_("Người nộp hủy giao dịch"),
        )
    else:
        _mark_closed(
            actor=None,
            payment=payment,
            status=PaymentStatus.FAILED,
            when=when,
            transaction_id=result.transaction_id,
            reason=str(result.raw.get("message", "")) or _("Ngân hàng từ chối giao dịch"),
        )
    checkpoint("payments.callback.before_commit")  # status and receipt number not yet committed
    return _log_callback(
        **common,
        **ids,
        payment=payment,
        outcome=CallbackOutcome.APPLIED,
        signature_valid=True,
        message=note,
    )


@transaction.atomic
def payment_expire(*, payment: Payment, when=None) -> Payment:
    """Hết thời gian thanh toán: a pending payment past ``expires_at`` becomes expired."""
    when = when or timezone.now()
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if (
        payment.status != PaymentStatus.PENDING
        or payment.expires_at is None
        or payment.expires_at > when
    ):
        raise TransitionNotAllowed(
            _("Giao dịch không ở trạng thái chờ hoặc chưa hết hạn."),
            code="not_expirable",
            field="status",
        )
    return _mark_closed(
        actor=None,
        payment=payment,
        status=PaymentStatus.EXPIRED,
        when=when,
        reason=_("Quá thời gian thanh toán"),
    )


def payments_expire_overdue(*, when=None) -> int:
    """Expire every pending payment past its time (periodic task); returns how many."""
    when = when or timezone.now()
    count = 0
    for payment in Payment.objects.filter(status=PaymentStatus.PENDING, expires_at__lte=when):
        try:
            payment_expire(payment=payment, when=when)
        except TransitionNotAllowed:
            continue  # settled by a callback in the meantime
        count += 1
    return count
