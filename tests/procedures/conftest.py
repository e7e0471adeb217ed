import datetime
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "data" / "tthc-sample.jsonl"
IMPORT_DAY = datetime.date(2026, 7, 1)


@pytest.fixture
def sample_lines():
    return SAMPLE.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def imported(db, sample_lines):
    from congvu.procedures.importer import import_lines

    return import_lines(sample_lines, effective_date=IMPORT_DAY)
