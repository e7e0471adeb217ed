"""Production settings: refuse to start with a default secret, DEBUG on or no shared cache."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env_bool, env_int

_KNOWN_DEFAULTS = ("dev-insecure", "test-secret-key", "change-me", "changeme")
if not SECRET_KEY or len(SECRET_KEY) < 40 or SECRET_KEY.startswith(_KNOWN_DEFAULTS):  # noqa: F405
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 40 characters in production."
    )
if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production.")
# Rate limits (API throttles, mails on request, citizens' look-ups) count in the cache;
# a per-process memory cache would give each worker its own count.
if not REDIS_URL:  # noqa: F405
    raise ImproperlyConfigured(
        "REDIS_URL must be set in production: rate limits are counted in the shared cache."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
