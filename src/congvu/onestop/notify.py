"""Notifications of the one-stop shop, sent after the transaction commits.

Citizens get an e-mail (if they gave an address) and an SMS at each change
they can see; officials get an in-app notification in "Việc của tôi" when a
step is assigned to them.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import sms

logger = logging.getLogger(__name__)


def _mail(subject: str, body: str, to: str) -> None:
    try:
        send_mail(subject, body, None, [to])
    except Exception:
        logger.exception("Dossier notice could not be mailed")


def citizen_text(dossier, message: str) -> str:
    return _("Hồ sơ %(code)s: %(message)s") % {"code": dossier.code, "message": message}


def notify_citizen(dossier, message: str) -> None:
    """E-mail and SMS the applicant once the current transaction commits."""
    text = citizen_text(dossier, message)
    phone, email = dossier.applicant_phone, dossier.applicant_email
    subject = _("[Một cửa] Hồ sơ %(code)s") % {"code": dossier.code}
    body = _(
        "%(text)s\n\nTra cứu hồ sơ bằng mã hồ sơ và số điện thoại đã đăng ký "
        "trên Cổng dịch vụ công."
    ) % {"text": text}

    def send() -> None:
        if email:
            _mail(subject, body, email)
        if phone:
            sms.send_sms(phone, text)

    transaction.on_commit(send)


def dossier_url(dossier) -> str:
    try:
        return reverse("onestop:detail", args=[dossier.pk])
    except NoReverseMatch:
        return ""


def notify_step_assigned(step, assignee) -> None:
    """An in-app notification to the official now holding ``step``."""
    if assignee is None:
        return
    from congvu.inbox.models import Notification

    dossier = step.dossier
    Notification.objects.create(
        user=assignee,
        kind="onestop_step",
        title=_("Hồ sơ %(code)s: bước “%(step)s” được giao cho bạn")
        % {"code": dossier.code, "step": step.name},
        body=dossier.procedure.name,
        url=dossier_url(dossier),
    )
