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


def overdue_step_notices(now=None) -> int:
    """One in-app notice a day to each official holding an overdue step (nhắc hồ sơ quá hạn).

    Idempotent per user and day (the Notification's ``kind``/``day`` constraint).
    """
    from django.db import IntegrityError
    from django.db.models import Count, F
    from django.utils import timezone

    from congvu.inbox.models import Notification

    from .constants import DossierStatus
    from .models import DossierStep

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    rows = (
        DossierStep.objects.filter(
            assignee__isnull=False,
            finished_at__isnull=True,
            due_at__lt=now,
            dossier__current_step=F("pk"),
            dossier__status__in=[DossierStatus.RECEIVED, DossierStatus.PROCESSING],
        )
        .values("assignee_id")
        .annotate(n=Count("pk"))
    )
    try:
        url = reverse("onestop:my_steps")
    except NoReverseMatch:
        url = ""
    sent = 0
    for row in rows:
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user_id=row["assignee_id"],
                    kind="onestop_overdue",
                    day=today,
                    title=_("%(n)s hồ sơ một cửa quá hạn ở bước bạn xử lý") % {"n": row["n"]},
                    url=url,
                )
        except IntegrityError:
            continue  # already told today
        sent += 1
    return sent
