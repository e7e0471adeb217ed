"""Helpers that read configuration from environment variables.

Every variable congvu reads is listed in docs/configuration.md.
"""

import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def parse_email_url(url: str) -> dict:
    """Turn EMAIL_URL into Django's MAILERS setting (the default mailer).

    Accepted: ``console://``, ``locmem://``, ``file:///path``,
    ``smtp://user:pass@host:587?tls=1`` and ``smtps://…`` (implicit TLS).
    """
    parsed = urlparse(url)
    scheme = parsed.scheme
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not one of {sorted(backends)}")
    options: dict = {}
    if scheme == "file":
        options["file_path"] = parsed.path
    if scheme in ("smtp", "smtps"):
        query = parse_qs(parsed.query)
        options.update(
            host=parsed.hostname or "localhost",
            port=parsed.port or (465 if scheme == "smtps" else 25),
            username=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            use_ssl=scheme == "smtps",
            use_tls=query.get("tls", ["0"])[0].lower() in TRUE,
            timeout=int(query.get("timeout", ["20"])[0]),
        )
    return {"default": {"BACKEND": backends[scheme], "OPTIONS": options}}
