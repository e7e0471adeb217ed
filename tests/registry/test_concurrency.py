"""Many clerks at once: numbers never repeat and never skip (Art. 15(1))."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

import pytest

from tests.factories import UnitFactory

from .workers import allocate_concurrently

THREADS, PER_THREAD = 8, 25
ROOT = Path(__file__).resolve().parents[2]


def allocations_in_child_on_sqlite_file(tmp_path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "congvu.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'congvu.sqlite3'}",
        "CONGVU_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.registry.concurrent_numbers", str(THREADS), str(PER_THREAD)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_concurrent_clerks_get_exactly_one_to_n(tmp_path):
    if connection.vendor == "sqlite":
        # The suite's in-memory SQLite is shared-cache: a second writer fails at
        # once rather than waiting. Embedded mode runs on a SQLite file with
        # IMMEDIATE transactions, so prove that configuration in a child process.
        result = allocations_in_child_on_sqlite_file(tmp_path)
        assert result["vendor"] == "sqlite"
    else:
        # Each thread has its own connection; they queue on the register's row lock.
        unit = UnitFactory(short_name="UBND")
        result = allocate_concurrently(unit.pk, THREADS, PER_THREAD)
        assert result["vendor"] == "postgresql"

    expected = list(range(1, THREADS * PER_THREAD + 1))
    assert result["errors"] == []
    assert result["returned"] == expected
    assert result["stored"] == expected
    assert result["registers"] == [THREADS * PER_THREAD]
