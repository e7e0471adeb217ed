"""Writes owned by the API: access tokens for integrations (mã truy cập)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from rest_framework.authtoken.models import Token

from congvu.accounts.constants import UserKind
from congvu.audit.services import log_action
from congvu.core.errors import ServiceError


@transaction.atomic
def api_token_issue(*, actor, user, reset: bool = False) -> tuple[Token, bool]:
    """Give ``user`` (an active official) an API token; return it and whether it is new.

    An existing token is kept unless ``reset``, which replaces it so the old
    key stops working at once. The audit record never holds the key itself.
    """
    if user.kind != UserKind.OFFICIAL or not user.is_active:
        raise ServiceError(
            _("Chỉ cấp mã truy cập API cho cán bộ đang hoạt động."),
            code="not_official",
            field="user",
        )
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and not reset:
        return token, False
    replaced = token is not None
    if replaced:
        token.delete()
    token = Token.objects.create(user=user)
    log_action(
        actor=actor,
        action="congvu.api.token.rotated" if replaced else "congvu.api.token.issued",
        obj=user,
        before={"has_token": replaced},
        after={"has_token": True, "created": token.created.isoformat()},
    )
    return token, True
