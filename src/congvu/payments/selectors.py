"""Reads of payments: what a dossier owes, and payments within an actor's scope."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .constants import PaymentStatus
from .models import Payment


def amount_due(dossier) -> tuple[int, list[dict]]:
    """Total in đồng and its breakdown.

    The total is what the desk asked for (``dossier.payment_amount``, set by
    ``dossier_request_payment``), else the fees scheduled for the dossier's
    procedure version. The breakdown lists those fees when they add up to the
    total, else the total as one line.
    """
    fees = [
        {"name": fee.name, "amount": int(fee.amount), "collected_at": fee.collected_at}
        for fee in dossier.procedure_version.fees.all().order_by("pk")
    ]
    scheduled = sum(f["amount"] for f in fees)
    requested = getattr(dossier, "payment_amount", None)
    if requested is None or requested == scheduled:
        return scheduled, fees
    return int(requested), [
        {"name": _("Phí, lệ phí"), "amount": int(requested), "collected_at": ""}
    ]


def payments_for_dossier(*, actor, dossier):
    return Payment.objects.restrict(actor, "view").filter(dossier=dossier).order_by("-created_at")


def succeeded_payment(dossier) -> Payment | None:
    return Payment.objects.filter(dossier=dossier, status=PaymentStatus.SUCCEEDED).first()
