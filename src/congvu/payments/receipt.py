"""The payment receipt (biên lai thu phí, lệ phí) as an A5 PDF, from the recorded payment."""

from __future__ import annotations

from django.utils import timezone

from congvu.core.pdf import render_pdf
from congvu.onestop.printing import text
from congvu.onestop.printing.desk import desk_issuer
from congvu.org.places import place_name

TEMPLATE = "payments/print/receipt.html"
STYLESHEET = "payments/print/receipt.css"


def receipt_pdf(payment) -> bytes:
    dossier = payment.dossier
    unit = payment.unit
    paid_at = timezone.localtime(payment.paid_at)
    # Issued at the reception desk: the same letterhead, place and date rule as Mẫu 01.
    issuer = desk_issuer(unit)
    context = {
        "title": f"Biên lai {payment.receipt_label}",
        "agency_parent": issuer.parent,
        "agency_name": issuer.name,
        "place": place_name(unit),
        "date": paid_at,
        "paid_time": text.time_and_date(paid_at),
        "payment": payment,
        "dossier": dossier,
        "paid_at": paid_at,
        "fees": payment.fees or [{"name": dossier.procedure.name, "amount": payment.amount}],
    }
    return render_pdf(TEMPLATE, context, stylesheets=[STYLESHEET])
