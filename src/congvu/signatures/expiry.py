"""Daily notices of signing keys about to expire (job ``signing-key-expiry``).

Each unrevoked key whose certificate ends within a threshold (the warning
period, then 7 and 1 days) is announced once per threshold to its holder and
to the unit administrators of its unit, by e-mail after commit. The audit
record of the notice is also the marker that it was sent: a second run, or a
run on another worker, finds it and sends nothing (no table of its own).
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from congvu.audit.models import AuditRecord
from congvu.audit.services import log_action

from . import admin_selectors
from .models import SigningKey

NOTICE_ACTION = "congvu.signatures.signing_key.expiry_notice"
LATER_THRESHOLDS = (7, 1)
logger = logging.getLogger(__name__)


def thresholds() -> tuple[int, ...]:
    """The warning period (``CONGVU_SIGNING_KEY_WARNING_DAYS``), then 7 and 1 days, longest first."""
    first = admin_selectors.warning_days()
    return tuple(sorted({first, *(t for t in LATER_THRESHOLDS if t <= first)}, reverse=True))


def threshold_for(days_left: int) -> int | None:
    """The smallest threshold the key has reached, or None while it is further away."""
    reached = [t for t in thresholds() if days_left <= t]
    return min(reached) if reached else None


def _already_sent(key: SigningKey, threshold: int) -> bool:
    return AuditRecord.objects.filter(
        action=NOTICE_ACTION,
        object_type=SigningKey._meta.label_lower,
        object_id=str(key.pk),
        after__threshold=threshold,
    ).exists()


def _mail(subject: str, body: str, recipients: list[str]) -> None:
    # The notice is committed; a mail server failure must not undo it (nor stop the others).
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        logger.exception("Signing key expiry notice could not be mailed")


@transaction.atomic
def expiry_notice_send(key: SigningKey, *, now=None) -> int | None:
    """Announce ``key``'s coming expiry at its current threshold; the threshold, or None if not due."""
    now = now or timezone.now()
    # Only the key row is locked (the holder is on the nullable side of a join).
    key = (
        SigningKey.objects.select_for_update(of=("self",))
        .select_related("unit", "user")
        .get(pk=key.pk)
    )
    if key.revoked_at or key.not_after < now:
        return None
    # Calendar days in Vietnam time, as the banner counts them: both say the same "còn N ngày".
    days_left = admin_selectors.days_left(key.not_after, now=now)
    threshold = threshold_for(days_left)
    if threshold is None or _already_sent(key, threshold):
        return None
    people = admin_selectors.unit_administrators(key.unit)
    if key.user is not None and key.user.is_active:
        people = [key.user, *(p for p in people if p.pk != key.user_id)]
    holder = key.user.full_name or key.user.username if key.user else key.unit.name
    with override("vi"):
        subject = _("Chứng thư số của %(holder)s sắp hết hạn (còn %(days)s ngày)") % {
            "holder": holder,
            "days": days_left,
        }
        body = _(
            "Chứng thư số “%(subject)s” (số hiệu %(serial)s, do %(issuer)s cấp) hết hạn ngày "
            "%(until)s. Sau ngày đó văn bản cần chữ ký này không phát hành được.\n\n"
            "Đề nghị tổ chức cung cấp dịch vụ chứng thực gia hạn, rồi quản trị đơn vị đăng ký "
            "khóa mới tại: %(path)s"
        ) % {
            "subject": key.subject,
            "serial": key.serial,
            "issuer": key.issuer,
            "until": timezone.localtime(key.not_after).strftime("%d/%m/%Y"),
            "path": reverse("signatures:key_detail", args=[key.pk]),
        }
    log_action(
        actor=None,
        action=NOTICE_ACTION,
        obj=key,
        after={
            "threshold": threshold,
            "days_left": days_left,
            "recipients": [p.pk for p in people],
        },
        unit=key.unit,
    )
    recipients = sorted({p.email for p in people if p.email})
    if recipients:
        transaction.on_commit(lambda: _mail(subject, body, recipients))
    return threshold


def expiry_notices_send(*, now=None) -> int:
    """Send every due notice; returns how many keys were announced this run."""
    now = now or timezone.now()
    # A day more than the longest threshold: the days left count calendar days, so a key
    # ending late on the threshold's last day is already due (``threshold_for`` decides).
    horizon = now + datetime.timedelta(days=max(thresholds()) + 1)
    due = SigningKey.objects.filter(
        revoked_at__isnull=True, not_after__gte=now, not_after__lte=horizon
    ).order_by("not_after", "pk")
    sent = 0
    for key in due.only("pk").iterator():
        if expiry_notice_send(key, now=now) is not None:
            sent += 1
    return sent
