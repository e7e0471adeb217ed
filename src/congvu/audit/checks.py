"""Deployment checks of the audit trail (`congvu check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def anchor_key_check(app_configs, **kwargs):
    """The external anchors need their own key: without it they prove nothing in production."""
    key = getattr(settings, "CONGVU_AUDIT_ANCHOR_KEY", "")
    if not key:
        return [
            Warning(
                "AUDIT_ANCHOR_KEY is not set: audit anchors are signed with a key derived "
                "from SECRET_KEY.",
                hint="Set AUDIT_ANCHOR_KEY to at least 32 random characters, different from "
                "SECRET_KEY (docs/security.md).",
                id="congvu.audit.W001",
            )
        ]
    if key == settings.SECRET_KEY:
        return [
            Warning(
                "AUDIT_ANCHOR_KEY is the same as SECRET_KEY.",
                hint="Use a separate random key for the audit anchors.",
                id="congvu.audit.W002",
            )
        ]
    if len(key) < 32:
        return [
            Warning(
                "AUDIT_ANCHOR_KEY is shorter than 32 characters.",
                hint="Use at least 32 random characters.",
                id="congvu.audit.W003",
            )
        ]
    return []
