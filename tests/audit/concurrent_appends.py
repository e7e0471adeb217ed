"""Child process for the concurrency test: threads append to the audit chain.

Run as ``python -m tests.audit.concurrent_appends THREADS PER_THREAD`` with
DATABASE_URL naming a fresh SQLite *file*; prints a JSON summary. The test
suite's in-memory SQLite database is shared-cache, where a second writer fails
at once ("database table is locked") instead of waiting, so the embedded
configuration (file, IMMEDIATE transactions, busy timeout) is proven here.
"""

import json
import os
import sys
import threading


def main(threads: int, per_thread: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings.dev")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from congvu.audit.models import AuditRecord
    from congvu.audit.selectors import verify_chain
    from congvu.audit.services import log_action, log_actions

    call_command("migrate", verbosity=0)
    connection.close()
    start = threading.Barrier(threads)
    errors: list[str] = []

    def append(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    if n % 2:  # half the threads append two records at once
                        log_actions(
                            {"actor": None, "action": f"congvu.test.thread{n}.step{i}"},
                            {"actor": None, "action": f"congvu.test.thread{n}.step{i}.more"},
                        )
                    else:
                        log_action(actor=None, action=f"congvu.test.thread{n}.step{i}")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=append, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {
        "vendor": connection.vendor,
        "errors": errors,
        "seqs": list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True)),
        "actions": AuditRecord.objects.values("action").distinct().count(),
        "problem": str(verify_chain() or ""),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
