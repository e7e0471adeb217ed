"""Settings of the benchmark server: the demo settings (DEBUG off) plus a minimal floor view."""

from congvu.settings.demo import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
