"""Child process for the numbering concurrency test on a SQLite file.

Run as ``python -m tests.registry.concurrent_numbers THREADS PER_THREAD`` with
DATABASE_URL naming a fresh SQLite *file*; prints a JSON summary. The suite's
in-memory SQLite is shared-cache, where a second writer fails at once instead
of waiting, so the embedded configuration (file, IMMEDIATE transactions, busy
timeout) is proven here; on PostgreSQL the test runs the same workers in-process.
"""

import json
import os
import sys


def main(threads: int, per_thread: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings.dev")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from congvu.org.models import Unit

    from .workers import allocate_concurrently

    call_command("migrate", verbosity=0)
    unit = Unit.objects.create(kind="commune", name="Ủy ban nhân dân xã Đua", short_name="UBND")
    connection.close()
    return allocate_concurrently(unit.pk, threads, per_thread)


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
