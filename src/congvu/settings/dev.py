"""Developer settings: DEBUG on, SQLite under var/, console e-mail, eager tasks."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "dev-insecure-secret-key-do-not-use-in-production")

from .base import *  # noqa: E402,F403

VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
