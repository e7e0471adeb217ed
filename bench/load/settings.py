"""Settings of the load-test processes: the demo settings (DEBUG off) with a real broker.

DATABASE_URL names the load database (``congvu_load`` by default, see
bench/load/run.py). With CELERY_BROKER_URL set, work is queued to the Celery
worker the runner starts instead of running inside the request.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/congvu_load")

from congvu.settings.demo import *  # noqa: E402,F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Its own collected static files (run.py collects them), as a deployment has.
STATIC_ROOT = VAR_DIR / "load" / "static"  # noqa: F405
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
