"""Fixtures for the audit trail tests."""

from django.db import connection, transaction

import pytest

from congvu.audit.models import AuditRecord
from congvu.audit.services import log_action
from tests.factories import UnitFactory, UserFactory


def raw_sql(sql: str, params=()) -> None:
    """Write straight to the database, past the ORM's append-only guard."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def chain(db):
    """Five action records about one unit, appended in one transaction."""
    user = UserFactory(full_name="Trần Thị Văn Thư")
    unit = UnitFactory(name="Văn phòng HĐND và UBND")
    with transaction.atomic():
        records = [
            log_action(
                actor=user,
                action=f"congvu.org.unit.step{i}",
                obj=unit,
                before={"name": unit.name, "step": i},
                after={"name": f"{unit.name} ({i})", "step": i + 1},
                unit=unit,
            )
            for i in range(5)
        ]
    assert AuditRecord.objects.count() >= 5
    return records
