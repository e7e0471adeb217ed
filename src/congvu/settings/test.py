"""Test settings: fast hashing, in-memory e-mail, eager Celery.

DATABASE_URL selects PostgreSQL; without it the suite runs on SQLite.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("EMAIL_URL", "locmem://")
os.environ.pop("CELERY_BROKER_URL", None)
# Audit anchors of a test run never mix with a developer's var/ (created only when written).
os.environ.setdefault(
    "AUDIT_ANCHOR_DIR", os.path.join(tempfile.gettempdir(), f"congvu-test-anchors-{os.getpid()}")
)

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT = VAR_DIR / "test-static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["NAME"] = ":memory:"  # noqa: F405
    DATABASES["default"]["OPTIONS"].pop("init_command", None)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The suite and the API fuzzer send bursts; tests/api/test_throttling.py sets low rates itself.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None}}  # noqa: F405
# The local exchange hub is served in the tests (tests/hub) as a province would run it.
HUB_ENABLED = True
