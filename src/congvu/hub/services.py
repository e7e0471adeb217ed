"""Writes of the exchange hub: register agencies, accept, lease and acknowledge packages.

Every package is saved to storage before its rows are committed; a rollback
deletes the blob, so the hub never keeps a row without its bytes nor bytes
without a row. Sending the same (sender, message id) again changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
import uuid

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.audit.services import log_action
from congvu.core.errors import ServiceError
from congvu.core.transactions import on_rollback

from .models import HubAgency, HubMessage, PackageKind

AGENCY_CODE = re.compile(r"^[0-9A-Z.]{13}$")
MESSAGE_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,100}$")
MAX_RECIPIENTS = 200


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class HubError(ServiceError):
    """The hub refused a request; ``status`` is the HTTP answer."""


def _error(message: str, code: str, status: int = 400, field: str | None = None) -> HubError:
    error = HubError(message, code=code, field=field)
    error.status = status
    return error


@transaction.atomic
def hub_agency_add(*, code: str, name: str) -> tuple[HubAgency, str]:
    """Connect an agency to the hub; returns it with its token (shown once, stored hashed)."""
    code = (code or "").strip().upper()
    if not AGENCY_CODE.match(code):
        raise _error(
            _(
                "Mã định danh: cần đúng 13 ký tự (chữ số, chữ in hoa, dấu chấm), ví dụ 000.00.31.H57."
            ),
            "agency_code_invalid",
            field="code",
        )
    if not (name or "").strip():
        raise _error(_("Tên cơ quan: không được để trống."), "required", field="name")
    if HubAgency.objects.filter(code=code).exists():
        raise _error(_("Mã định danh: cơ quan này đã kết nối trục."), "agency_exists", 409, "code")
    token = secrets.token_urlsafe(32)
    agency = HubAgency.objects.create(
        code=code, name=name.strip(), token_digest=token_digest(token)
    )
    log_action(actor=None, action="congvu.hub.agency.added", obj=agency, after={"code": code})
    return agency, token


def hub_agency_authenticate(token: str) -> HubAgency:
    """The active agency holding ``token``; a constant-time final comparison."""
    digest = token_digest(token or "")
    agency = HubAgency.objects.filter(token_digest=digest, is_active=True).first()
    if agency is None or not hmac.compare_digest(agency.token_digest, digest):
        raise _error(_("Mã truy cập trục không đúng hoặc đã bị thu hồi."), "hub_unauthorized", 401)
    return agency


def _recipients(codes: list[str]) -> list[HubAgency]:
    codes = [c.strip().upper() for c in codes if c.strip()]
    if not codes:
        raise _error(_("Nơi nhận: cần ít nhất một mã định danh."), "recipients_missing", field="to")
    if len(codes) > MAX_RECIPIENTS:
        raise _error(_("Nơi nhận: quá nhiều mã định danh."), "recipients_too_many", field="to")
    found = {a.code: a for a in HubAgency.objects.filter(code__in=codes, is_active=True)}
    unknown = [c for c in dict.fromkeys(codes) if c not in found]
    if unknown:
        raise _error(
            _("Nơi nhận: mã định danh chưa kết nối trục: %(codes)s.")
            % {"codes": ", ".join(unknown)},
            "recipient_unknown",
            field="to",
        )
    return [found[c] for c in dict.fromkeys(codes)]


def hub_package_send(
    *, sender: HubAgency, content, size: int, sha256: str, message_id: str, to: list[str], kind: str
) -> tuple[list[HubMessage], bool]:
    """Accept one package for every recipient in ``to``; returns (rows, was_duplicate).

    ``content`` is a file object positioned at its start, already read once by
    the caller to count ``size`` and hash ``sha256``. The same message id sent
    again with the same bytes returns the rows it made the first time; with
    other bytes it is refused (``message_id_reused``) and nothing changes.
    """
    if not MESSAGE_ID.match(message_id or ""):
        raise _error(
            _("Mã gói tin: 1–100 ký tự chữ, số hoặc . _ : @ -."),
            "message_id_invalid",
            field="message_id",
        )
    if kind not in PackageKind.values:
        raise _error(_("Loại gói tin: chỉ nhận edoc hoặc status."), "kind_invalid", field="kind")
    if size == 0:
        raise _error(_("Nội dung gói tin: trống."), "content_empty", field="content")
    recipients = _recipients(to)
    existing = list(
        HubMessage.objects.filter(sender=sender, message_id=message_id).select_related("recipient")
    )
    if existing:
        return _repeat(existing, sha256, recipients), True
    try:
        with transaction.atomic():
            name = f"hub/{timezone.localtime():%Y/%m}/{uuid.uuid4().hex}.bin"
            name = default_storage.save(name, File(content))
            on_rollback(lambda: default_storage.delete(name))
            rows = HubMessage.objects.bulk_create(
                [
                    HubMessage(
                        sender=sender,
                        recipient=recipient,
                        message_id=message_id,
                        kind=kind,
                        blob_name=name,
                        size=size,
                        sha256=sha256,
                    )
                    for recipient in recipients
                ]
            )
            log_action(
                actor=None,
                action="congvu.hub.package.accepted",
                obj=rows[0],
                after={
                    "from": sender.code,
                    "to": [r.code for r in recipients],
                    "message_id": message_id,
                    "sha256": sha256,
                },
            )
            return rows, False
    except IntegrityError:
        # Two retries of one send raced; the first one's rows stand.
        existing = list(
            HubMessage.objects.filter(sender=sender, message_id=message_id).select_related(
                "recipient"
            )
        )
        return _repeat(existing, sha256, recipients), True


def _repeat(existing: list[HubMessage], sha256: str, recipients: list[HubAgency]):
    if any(m.sha256 != sha256 for m in existing) or {m.recipient_id for m in existing} != {
        r.pk for r in recipients
    }:
        raise _error(
            _("Mã gói tin: đã dùng cho một gói tin khác; hãy dùng mã mới."),
            "message_id_reused",
            409,
            "message_id",
        )
    return existing


def hub_packages_lease(*, recipient: HubAgency, limit: int = 20) -> list[HubMessage]:
    """Lease up to ``limit`` unacknowledged packages for ``recipient``, oldest first.

    A leased package is not offered again until its lease ends; one that is
    never acknowledged comes back then. Two fetchers of one agency never get
    the same package at once.
    """
    limit = max(1, min(int(limit), 100))
    now = timezone.now()
    lease = datetime.timedelta(seconds=settings.HUB_LEASE_SECONDS)
    with transaction.atomic():
        pending = (
            HubMessage.objects.filter(recipient=recipient, acknowledged_at__isnull=True)
            .exclude(leased_until__gt=now)
            .order_by("created_at", "id")
            .select_related("sender")
        )
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        rows = list(pending[:limit])
        for row in rows:
            row.leased_until = now + lease
            row.fetch_count += 1
        HubMessage.objects.bulk_update(rows, ["leased_until", "fetch_count"])
    return rows


@transaction.atomic
def hub_package_acknowledge(*, recipient: HubAgency, message: HubMessage) -> HubMessage:
    """The recipient has stored the package: never offer it again (idempotent)."""
    message = HubMessage.objects.select_for_update().get(pk=message.pk)
    if message.recipient_id != recipient.pk:
        raise _error(_("Không tìm thấy gói tin."), "not_found", 404)
    if message.acknowledged_at is None:
        message.acknowledged_at = timezone.now()
        message.save(update_fields=["acknowledged_at"])
        log_action(
            actor=None,
            action="congvu.hub.package.acknowledged",
            obj=message,
            after={"by": recipient.code, "message_id": message.message_id},
        )
    return message
