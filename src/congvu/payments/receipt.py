"""The payment receipt (biên lai thu phí, lệ phí) as an A5 PDF, from the recorded payment."""

from __future__ import annotations

from django.utils import timezone

from congvu.core.pdf import render_pdf

TEMPLATE = "payments/print/receipt.html"
STYLESHEET = "payments/print/receipt.css"


def receipt_pdf(payment) -> bytes:
    dossier = payment.dossier
    unit = payment.unit
    paid_at = timezone.localtime(payment.paid_at)
    context = {
        "title": f"Biên lai {payment.receipt_label}",
        "agency_parent": unit.parent.name if unit.parent_id else "",
        "agency_name": unit.name,
        "payment": payment,
        "dossier": dossier,
        "paid_at": paid_at,
        "fees": payment.fees or [{"name": dossier.procedure.name, "amount": payment.amount}],
    }
    return render_pdf(TEMPLATE, context, stylesheets=[STYLESHEET])
