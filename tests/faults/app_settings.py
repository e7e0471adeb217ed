"""Settings of the gunicorn and Celery processes the fault tests start and kill.

The test settings, made production-like where faults behave differently:
DEBUG off (so the 503 handler answers), reused database connections with
health checks, and, when the test gives one, a real broker with a short
visibility timeout so a task of a killed worker comes back within seconds
(production keeps Kombu's one hour).
"""

import os

_broker = os.environ.get("CELERY_BROKER_URL", "")

from congvu.settings.test import *  # noqa: E402,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
CONGVU_PAYMENT_PROVIDER = "sandbox"
CONGVU_PAYMENT_SANDBOX_SECRET = "bi-mat-thu-nghiem"
CONGVU_SMS_PROVIDER = "memory"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
if _broker:
    CELERY_BROKER_URL = _broker
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
