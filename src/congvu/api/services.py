"""Writes owned by the API: access tokens for integrations (mã truy cập)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.constants import UserKind
from congvu.audit.services import log_action
from congvu.core.errors import ServiceError

from .models import PREFIX_LENGTH, ApiToken, default_days, key_digest, new_key

# A token outliving five years is a forgotten one.
MAX_DAYS = 5 * 366


@transaction.atomic
def api_token_issue(
    *,
    actor,
    user,
    reset: bool = False,
    scope: str = ApiToken.Scope.READ_WRITE,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """Give ``user`` (an active official) an API token; return it and its key.

    The key is returned only here: the database keeps its SHA-256 digest, so a
    key that is lost cannot be shown again and is replaced with ``reset``,
    which makes the old key stop working at once. Without ``reset`` an
    existing token is refused (``token_exists``). The token lasts ``days``
    (default ``API_TOKEN_DAYS``) and may only read with ``scope="read"``.
    The audit record never holds the key.
    """
    if scope not in ApiToken.Scope.values:
        raise ServiceError(
            _("Phạm vi: chỉ nhận read (chỉ đọc) hoặc read_write (đọc và ghi)."),
            code="invalid_scope",
            field="scope",
        )
    days = default_days() if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise ServiceError(
            _("Số ngày hiệu lực: phải từ 1 đến %(max)s.") % {"max": MAX_DAYS},
            code="invalid_days",
            field="days",
        )
    if user.kind != UserKind.OFFICIAL or not user.is_active:
        raise ServiceError(
            _("Chỉ cấp mã truy cập API cho cán bộ đang hoạt động."),
            code="not_official",
            field="user",
        )
    token = ApiToken.objects.select_for_update().filter(user=user).first()
    if token is not None and not reset:
        raise ServiceError(
            _("Tài khoản đã có mã truy cập API; dùng --reset để cấp mã mới."),
            code="token_exists",
            field="user",
        )
    replaced = token is not None
    if replaced:
        token.delete()
    key = new_key()
    token = ApiToken.objects.create(
        user=user,
        digest=key_digest(key),
        prefix=key[:PREFIX_LENGTH],
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    log_action(
        actor=actor,
        action="congvu.api.token.rotated" if replaced else "congvu.api.token.issued",
        obj=user,
        before={"has_token": replaced},
        after={
            "has_token": True,
            "created": token.created.isoformat(),
            "scope": token.scope,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, key
