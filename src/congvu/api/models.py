"""API access tokens (mã truy cập API) kept as SHA-256 digests, never in clear."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Visible part of a key kept in clear so an administrator can tell keys apart;
# the rest (256 bits of randomness in all) is known only to the holder.
PREFIX_LENGTH = 8


def new_key() -> str:
    """A fresh key: 43 URL-safe characters from ``secrets`` (256 bits)."""
    return secrets.token_urlsafe(32)


def default_days() -> int:
    """Days a new token lasts unless told otherwise (``API_TOKEN_DAYS``, default 90)."""
    return int(getattr(settings, "CONGVU_API_TOKEN_DAYS", 90))


def default_expiry() -> datetime.datetime:
    """Expiry of a token issued now; also what tokens issued before expiry existed received."""
    return timezone.now() + datetime.timedelta(days=default_days())


def key_digest(key: str) -> str:
    """SHA-256 hex digest of ``key``; the key is random enough that no salt or stretching is needed."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class ApiToken(models.Model):
    """Mã truy cập API of an integration account: one per official.

    Only the SHA-256 digest of the key is stored, so a copy of the database
    gives no working credential; the key itself is shown once, when issued.
    A token stops working at ``expires_at``; a ``read`` token may only read
    (GET, HEAD, OPTIONS), whatever its holder's roles allow.
    """

    class Scope(models.TextChoices):
        """What a token may do (phạm vi của mã truy cập)."""

        READ = "read", _("Chỉ đọc")
        READ_WRITE = "read_write", _("Đọc và ghi")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_token",
        verbose_name=_("tài khoản"),
    )
    digest = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True)
    prefix = models.CharField(_("tiền tố"), max_length=PREFIX_LENGTH)
    created = models.DateTimeField(_("thời điểm cấp"), auto_now_add=True)
    # Tokens issued before scopes existed could write: they keep read_write.
    scope = models.CharField(
        _("phạm vi"), max_length=16, choices=Scope.choices, default=Scope.READ_WRITE
    )
    expires_at = models.DateTimeField(_("hết hạn lúc"), default=default_expiry)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def allows(self, method: str) -> bool:
        """Whether this token may send a request with HTTP ``method``."""
        return self.scope == self.Scope.READ_WRITE or method in ("GET", "HEAD", "OPTIONS")
