"""Reads of payments: what a dossier owes, and payments within an actor's scope."""

from __future__ import annotations

from django.utils.translation import gettext as _

from congvu.procedures.fees import dossier_fees as fees_due

from .constants import PaymentStatus
from .models import Payment


def amount_due(dossier) -> tuple[int | None, list[dict]]:
    """Total in đồng and its breakdown.

    The total is what the desk asked for (``dossier.payment_amount``, set by
    ``dossier_request_payment``), else the đồng fees due on the dossier's
    reception day (``procedures.fees``), or None when one of them has no known
    amount that day. Fees in another currency are never in it
    (``fees_due(dossier).foreign``). The breakdown lists the fees when they
    add up to the total, else the total as one line.
    """
    summary = fees_due(dossier)
    lines = [line.as_dict() for line in summary.vnd + summary.unknown]
    requested = getattr(dossier, "payment_amount", None)
    if requested is None:
        return (summary.total if summary.complete else None), lines
    if summary.complete and requested == summary.total:
        return int(requested), lines
    return int(requested), [
        {"name": _("Phí, lệ phí"), "amount": int(requested), "collected_at": ""}
    ]


def payments_for_dossier(*, actor, dossier):
    return Payment.objects.restrict(actor, "view").filter(dossier=dossier).order_by("-created_at")


def succeeded_payment(dossier) -> Payment | None:
    return Payment.objects.filter(dossier=dossier, status=PaymentStatus.SUCCEEDED).first()
