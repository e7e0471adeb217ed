"""Rate limits are shared by every app process in production (issue 11).

Limits counted in the cache (API throttles, mails on request, citizens'
look-ups) need the shared cache: the production settings refuse to start
without ``REDIS_URL`` and then use Redis. Login lock-outs are database rows,
shared whatever the cache.
"""

import os
import subprocess
import sys

from django.conf import settings

import pytest

from congvu.accounts import throttle
from congvu.accounts.models import LoginThrottle

GOOD_SECRET = "a-random-production-secret-with-more-than-forty-characters-0123"
PRINT_CACHE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default'].get('LOCATION'))"
)


def _production(**env) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DEBUG")}
    full.update(
        DJANGO_SETTINGS_MODULE="congvu.settings.production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="congvu.example.vn",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", PRINT_CACHE], env=full, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_the_shared_cache():
    result = _production()
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_production_counts_in_redis():
    result = _production(REDIS_URL="redis://cache.congvu.internal:6379/2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.congvu.internal:6379/2",
    ]


@pytest.mark.django_db
def test_login_lock_outs_are_database_rows_not_cache_entries():
    from django.core.cache import cache

    throttle.login_failure_record(username="ai-do", ip="203.0.113.5", portal=True)
    cache.clear()  # another process's empty cache sees the same counts
    keys = set(LoginThrottle.objects.values_list("key", flat=True))
    assert keys == {"user:ai-do", "portal-ip:203.0.113.5"}
    assert settings.PORTAL_LOGIN_IP_MAX_FAILURES > settings.LOGIN_MAX_FAILURES
