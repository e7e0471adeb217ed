"""Writes owned by the API: access tokens for integrations (mã truy cập)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from congvu.accounts.constants import UserKind
from congvu.audit.services import log_action
from congvu.core.errors import ServiceError

from .models import PREFIX_LENGTH, ApiToken, key_digest, new_key


@transaction.atomic
def api_token_issue(*, actor, user, reset: bool = False) -> tuple[ApiToken, str]:
    """Give ``user`` (an active official) an API token; return it and its key.

    The key is returned only here: the database keeps its SHA-256 digest, so a
    key that is lost cannot be shown again and is replaced with ``reset``,
    which makes the old key stop working at once. Without ``reset`` an
    existing token is refused (``token_exists``). The audit record never holds
    the key.
    """
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
    token = ApiToken.objects.create(user=user, digest=key_digest(key), prefix=key[:PREFIX_LENGTH])
    log_action(
        actor=actor,
        action="congvu.api.token.rotated" if replaced else "congvu.api.token.issued",
        obj=user,
        before={"has_token": replaced},
        after={"has_token": True, "created": token.created.isoformat()},
    )
    return token, key
