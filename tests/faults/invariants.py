"""What must hold after any crash and restart: checked on the database and the storage."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

from django.core.files.storage import FileSystemStorage

from congvu.files.maintenance import orphan_blobs_sweep
from congvu.files.models import StoredFile
from congvu.registry.constants import NumberStatus
from congvu.registry.models import IssuedNumber, Register


def restart_sweep(media: Path) -> int:
    """What the periodic sweep does once its grace period is over, with no transaction open."""
    storage = FileSystemStorage(location=str(media))
    return orphan_blobs_sweep(older_than=datetime.timedelta(0), storage=storage)


def assert_files_consistent(media: Path) -> None:
    """Every file row has its blob, intact; every blob has its row."""
    rows = {f.storage_name: f for f in StoredFile.objects.all()}
    root = media / "files"
    blobs = (
        {p.relative_to(media).as_posix() for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )
    assert set(rows) - blobs == set(), "file rows without a blob"
    assert blobs - set(rows) == set(), "blobs without a file row"
    for name, row in rows.items():
        data = (media / name).read_bytes()
        assert len(data) == row.size, f"{name}: size differs from the row"
        assert hashlib.sha256(data).hexdigest() == row.sha256, f"{name}: checksum differs"


def assert_numbers_contiguous() -> None:
    """Per register: 1..last_number, each number once; a missing one only as a voiding record."""
    for register in Register.objects.all():
        numbers = list(
            IssuedNumber.objects.filter(register=register)
            .order_by("number")
            .values_list("number", "status", "void_reason")
        )
        assert [n for n, _, _ in numbers] == list(range(1, register.last_number + 1)), (
            f"register {register.pk} ({register.name}): numbers {numbers}, "
            f"last_number {register.last_number}"
        )
        for number, status, reason in numbers:
            assert status == NumberStatus.USED or reason, f"number {number} voided without reason"
