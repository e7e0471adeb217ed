"""Clerks allocating numbers at once, each thread in its own connection and transactions."""

from __future__ import annotations

import threading


def allocate_concurrently(unit_id: int, threads: int, per_thread: int) -> dict:
    from django.db import connection, transaction

    from congvu.org.models import Unit
    from congvu.registry.constants import Direction
    from congvu.registry.models import IssuedNumber, Register
    from congvu.registry.services import number_allocate

    start = threading.Barrier(threads)
    errors: list[str] = []
    got: list[int] = []
    lock = threading.Lock()

    def clerk() -> None:
        try:
            unit = Unit.objects.get(pk=unit_id)
            start.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    issued = number_allocate(actor=None, unit=unit, direction=Direction.OUTGOING)
                with lock:
                    got.append(issued.number)
        except Exception as exc:  # reported by the test, from its own thread
            errors.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=clerk) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    registers = list(Register.objects.filter(unit_id=unit_id).values_list("last_number", flat=True))
    return {
        "vendor": connection.vendor,
        "errors": errors,
        "returned": sorted(got),
        "stored": list(
            IssuedNumber.objects.filter(register__unit_id=unit_id)
            .order_by("number")
            .values_list("number", flat=True)
        ),
        "registers": registers,
    }
