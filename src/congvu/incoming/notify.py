"""Immediate notices for urgent documents (Art. 23(1), 24(2)): e-mail after commit.

The document also shows in the recipient's "Việc của tôi" at once; the
e-mail tells them to look now.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from congvu.accounts.models import Position

logger = logging.getLogger(__name__)


def _send(subject: str, body: str, recipients: list[str]) -> None:
    # The change has committed: a mail server failure must not turn it into an error page.
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        logger.exception("Urgent document notice could not be sent")


def unit_people(unit_id, roles) -> list:
    """Active officials holding one of ``roles`` in ``unit_id``."""
    positions = (
        Position.objects.active()
        .filter(unit_id=unit_id, role__in=list(roles), user__is_active=True)
        .select_related("user")
    )
    seen, users = set(), []
    for p in positions:
        if p.user_id not in seen:
            seen.add(p.user_id)
            users.append(p.user)
    return users


def notify_urgent(document, users, *, reason: str) -> None:
    """Mail ``users`` about the urgent ``document`` once the transaction commits."""
    if not document.is_urgent:
        return
    recipients = sorted({u.email for u in users if u is not None and u.email})
    if not recipients:
        return
    pk = document.pk
    urgency = document.get_urgency_display()
    subject = _("[%(urgency)s] Văn bản đến cần xử lý ngay") % {"urgency": urgency.upper()}
    # A Mật document's subject stays out of e-mail; only the link is sent.
    summary = document.number_notation if document.secrecy else str(document)
    body = _(
        "%(reason)s\n\n%(summary)s\n\nXem và xử lý tại: %(path)s\n"
        "Văn bản khẩn phải được xử lý ngay (Nghị định 30/2020/NĐ-CP, Điều 23, 24)."
    ) % {
        "reason": reason,
        "summary": summary,
        "path": reverse("incoming:detail", args=[pk]),
    }
    transaction.on_commit(lambda: _send(subject, body, recipients))
