"""Token authentication against hashed keys (``Authorization: Token <key>``)."""

from __future__ import annotations

import hmac

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken, key_digest


class HashedTokenAuthentication(TokenAuthentication):
    """DRF's ``Token`` header, checked against the stored SHA-256 digest of the key.

    The presented key is hashed and looked up by its digest; the final
    comparison is constant-time so the answer time says nothing about how much
    of a digest matched. An expired token is refused with its own code
    (``token_expired``, 401); a read-only token sending a write is refused
    here (``token_read_only``, 403), before any view runs, so no view can
    forget the check. A view that computes without writing (a parser, say)
    opts in with ``allows_read_tokens = True``; the default is refusal.
    """

    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key):
        digest = key_digest(key)
        token = ApiToken.objects.select_related("user").filter(digest=digest).first()
        if token is None or not hmac.compare_digest(token.digest, digest):
            raise exceptions.AuthenticationFailed(_("Mã truy cập không đúng."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Tài khoản đã bị khóa."))
        if token.is_expired():
            when = formats.date_format(timezone.localtime(token.expires_at), "d/m/Y H:i")
            raise exceptions.AuthenticationFailed(
                _("Mã truy cập đã hết hạn lúc %(when)s; hãy đề nghị cấp mã mới.") % {"when": when},
                code="token_expired",
            )
        return (token.user, token)

    def authenticate(self, request):
        found = super().authenticate(request)
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if getattr(view, "allows_read_tokens", False):
            return found
        if found is not None and not found[1].allows(request.method):
            raise exceptions.PermissionDenied(
                _("Mã truy cập này chỉ được đọc dữ liệu (phạm vi read)."),
                code="token_read_only",
            )
        return found
