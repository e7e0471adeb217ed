"""Settings of the Celery worker started by the production-path test.

The test settings plus the broker: congvu.settings.test drops
CELERY_BROKER_URL so a developer's environment never makes the suite send
real messages, but this worker must consume them.
"""

import os

_broker = os.environ["CELERY_BROKER_URL"]

from congvu.settings.test import *  # noqa: E402,F403

CELERY_BROKER_URL = _broker
CELERY_TASK_ALWAYS_EAGER = False
