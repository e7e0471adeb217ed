"""WSGI entry point (gunicorn/granian)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings.production")
application = get_wsgi_application()
