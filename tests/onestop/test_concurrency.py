"""Many citizens and desks at once: dossier codes and book numbers never repeat nor skip."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

from django.db import connection

import pytest

from congvu.onestop.codes import parse_code
from congvu.onestop.models import Dossier, DossierCounter
from congvu.procedures.models import Procedure, ProcedureField, ProcedureVersion
from tests.factories import UnitFactory

from .conftest import at

THREADS, PER_THREAD = 8, 6


def run_concurrently(fn, threads: int) -> list[str]:
    start = threading.Barrier(threads)
    errors: list[str] = []

    def worker(i: int) -> None:
        try:
            start.wait()
            for j in range(PER_THREAD):
                fn(i, j)
        except Exception as exc:  # reported by the test
            errors.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_and_receptions_number_one_to_n():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proven on PostgreSQL (SQLite serialises every writer)")
    from congvu.accounts.constants import Role
    from congvu.onestop import services
    from tests.factories import PositionFactory

    unit = UnitFactory(commune=True, code="000.09.31.H57")
    officer = PositionFactory(unit=unit, role=Role.ONESTOP_OFFICER).user
    field = ProcedureField.objects.create(name="Chứng thực")
    procedure = Procedure.objects.create(code="2.000815", field=field, name="Chứng thực bản sao")
    ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        valid_from=datetime.date(2025, 7, 1),
        name=procedure.name,
        online_level="full",
        duration_value=Decimal("1"),
    )
    applicant = {"name": "Lê Văn C", "phone": "0912000111"}

    def online(i, j):
        services.dossier_submit_online(
            actor=None,
            procedure=procedure,
            receiving_unit=unit,
            applicant=applicant,
            papers=[],
            when=at(3, 2, 9),
        )

    def walk_in(i, j):
        services.dossier_register_direct(
            actor=officer,
            procedure=procedure,
            receiving_unit=unit,
            channel="direct",
            applicant=applicant,
            papers=[],
            when=at(3, 2, 10),
        )

    errors = run_concurrently(lambda i, j: (online if i % 2 else walk_in)(i, j), THREADS)
    assert errors == []
    total = THREADS * PER_THREAD
    numbers = sorted(parse_code(c).number for c in Dossier.objects.values_list("code", flat=True))
    assert numbers == list(range(1, total + 1))
    books = sorted(Dossier.objects.exclude(book_number=None).values_list("book_number", flat=True))
    assert books == list(range(1, total // 2 + 1))
    assert DossierCounter.objects.get(unit=unit, key="code:260302").last == total
