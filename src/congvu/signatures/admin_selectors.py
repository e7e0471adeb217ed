"""Reads of the key administration pages: keys with their status, holders, history, expiry.

Every key list starts from ``SigningKey.objects.restrict(actor, "view")``: a
unit administrator sees the keys of the units they administer (their
subtree), a holder their own keys, a system administrator every key.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import Role, UserKind
from congvu.accounts.models import Position, User
from congvu.audit.models import AuditRecord
from congvu.core.authz import as_actor
from congvu.org.models import Unit

from .models import SigningKey

ACTIVE, EXPIRING, EXPIRED, REVOKED, NOT_YET = "active", "expiring", "expired", "revoked", "not_yet"
STATUS_LABELS = {
    ACTIVE: _("Đang dùng"),
    EXPIRING: _("Sắp hết hạn"),
    EXPIRED: _("Đã hết hạn"),
    REVOKED: _("Đã thu hồi"),
    NOT_YET: _("Chưa có hiệu lực"),
}
#: The audit action of every record about a key (register, revoke, expiry notice, signature).
KEY_ACTIONS_PREFIX = "congvu.signatures.signing_key."


def warning_days() -> int:
    """How many days before its end a key counts as expiring (``CONGVU_SIGNING_KEY_WARNING_DAYS``)."""
    return int(getattr(settings, "CONGVU_SIGNING_KEY_WARNING_DAYS", 30))


def key_status(key: SigningKey, *, now=None, within_days: int | None = None) -> str:
    now = now or timezone.now()
    within = warning_days() if within_days is None else within_days
    if key.revoked_at:
        return REVOKED
    if key.not_after < now:
        return EXPIRED
    if key.not_before > now:
        return NOT_YET
    if key.not_after <= now + datetime.timedelta(days=within):
        return EXPIRING
    return ACTIVE


def _status_q(status: str, now, within: int) -> Q:
    soon = now + datetime.timedelta(days=within)
    live = Q(revoked_at__isnull=True)
    return {
        REVOKED: Q(revoked_at__isnull=False),
        EXPIRED: live & Q(not_after__lt=now),
        EXPIRING: live & Q(not_after__gte=now, not_after__lte=soon, not_before__lte=now),
        ACTIVE: live & Q(not_after__gt=soon, not_before__lte=now),
        NOT_YET: live & Q(not_before__gt=now),
    }[status]


def keys_for(actor, *, status: str = "", unit_id: int | None = None, mine: bool = False):
    """The keys the actor may see, newest first, each with ``status`` set."""
    now = timezone.now()
    keys = SigningKey.objects.restrict(actor, "view").select_related("unit", "user")
    if mine:
        keys = keys.filter(user_id=as_actor(actor).user_id)
    if status in STATUS_LABELS:
        keys = keys.filter(_status_q(status, now, warning_days()))
    if unit_id:
        keys = keys.filter(unit_id=unit_id)
    keys = list(keys.defer("pkcs12", "image", "certificate_der")[:500])
    for key in keys:
        key.status = key_status(key, now=now)
        key.status_label = STATUS_LABELS[key.status]
    return keys


def key_for_detail(actor, pk: int) -> SigningKey:
    """One key the actor may see (404 otherwise), with its status."""
    key = get_object_or_404(
        SigningKey.objects.restrict(actor, "view").select_related("unit", "user", "created_by"),
        pk=pk,
    )
    key.status = key_status(key)
    key.status_label = STATUS_LABELS[key.status]
    return key


def key_for_change(actor, pk: int) -> SigningKey:
    """A key the actor administers (404 otherwise: a holder reads his key but does not revoke it)."""
    return get_object_or_404(
        SigningKey.objects.restrict(actor, "change").select_related("unit", "user"), pk=pk
    )


def key_history(key: SigningKey, *, limit: int = 200):
    """The audit records about ``key``: registration, revocation, expiry notices, signatures.

    Whoever may see the key may see its history (the records hold no more
    than the key row itself), so this reads by the key, not through the audit
    trail's own scope (which shows a holder only what he did himself).
    """
    return (
        AuditRecord.objects.filter(
            object_type=SigningKey._meta.label_lower,
            object_id=str(key.pk),
            action__startswith=KEY_ACTIONS_PREFIX,
        )
        .select_related("actor")
        .order_by("-seq")[:limit]
    )


def manageable_units(actor):
    """The open units whose keys the actor may register: all for a system administrator."""
    actor = as_actor(actor)
    today = timezone.localdate()
    units = Unit.objects.filter(valid_from__lte=today).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    if not actor.is_system_admin:
        units = units.filter(pk__in=actor.admin_unit_ids)
    return units.order_by("path")


def unit_officials(unit_id: int | None):
    """Active officials holding an active position in the unit (the possible key holders)."""
    if not unit_id:
        return User.objects.none()
    holders = Position.objects.active().filter(unit_id=unit_id).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True, kind=UserKind.OFFICIAL).order_by(
        "full_name", "pk"
    )


def unit_administrators(unit: Unit) -> list:
    """Active unit administrators of ``unit`` or of a unit above it (its subtree is theirs)."""
    ancestor_ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    positions = (
        Position.objects.active()
        .filter(role=Role.UNIT_ADMIN, unit_id__in=ancestor_ids or [unit.pk], user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    seen, users = set(), []
    for position in positions:
        if position.user_id not in seen:
            seen.add(position.user_id)
            users.append(position.user)
    return users


def banner_keys(actor, *, limit: int = 5) -> list:
    """Unrevoked keys the actor holds or administers that end within the warning period."""
    actor = as_actor(actor)
    if not actor.is_official:
        return []
    now = timezone.now()
    keys = (
        SigningKey.objects.restrict(actor, "view")
        .filter(_status_q(EXPIRING, now, warning_days()))
        .select_related("unit", "user")
        .defer("pkcs12", "image", "certificate_der")
        .order_by("not_after", "pk")[:limit]
    )
    result = []
    for key in keys:
        key.days_left = days_left(key.not_after, now=now)
        result.append(key)
    return result


#: The banner prints the end date in Vietnam time; the days left count the same calendar.
BANNER_ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def days_left(not_after, *, now=None) -> int:
    """Calendar days from today to the end date, both in Asia/Ho_Chi_Minh (0 on the last day).

    A difference of instants truncated to whole days is one short whenever the
    end's time of day is earlier than now's (the banner said "còn 1 ngày" for
    a key ending the day after tomorrow at 00:30, read at 23:30).
    """
    now = now or timezone.now()
    end = not_after.astimezone(BANNER_ZONE).date()
    return max(0, (end - now.astimezone(BANNER_ZONE).date()).days)


def key_registration_facts(key: SigningKey) -> dict:
    """What the registration's audit record says of the certificate: trust, a name accepted as it was."""
    record = (
        AuditRecord.objects.filter(
            object_type=SigningKey._meta.label_lower,
            object_id=str(key.pk),
            action=KEY_ACTIONS_PREFIX + "register",
        )
        .order_by("seq")
        .first()
    )
    return dict(record.after or {}) if record is not None else {}
