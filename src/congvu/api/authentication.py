"""Token authentication against hashed keys (``Authorization: Token <key>``)."""

from __future__ import annotations

import hmac

from django.utils.translation import gettext_lazy as _

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken, key_digest


class HashedTokenAuthentication(TokenAuthentication):
    """DRF's ``Token`` header, checked against the stored SHA-256 digest of the key.

    The presented key is hashed and looked up by its digest; the final
    comparison is constant-time so the answer time says nothing about how much
    of a digest matched.
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
        return (token.user, token)
