"""Celery application.

In embedded mode (no CELERY_BROKER_URL) tasks run eagerly in-process and the
periodic jobs run through `congvu run_periodic` (see docs/configuration.md).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings.dev")

app = Celery("congvu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Current in every thread, so app code reaches it as ``celery.current_app``
# without importing this module (apps do not import the composition roots).
app.set_default()
