"""A full disk while storing a file: a clear error, no row, no partial blob."""

import errno

from django.core.files.storage import FileSystemStorage

import pytest

from congvu.audit.models import AuditRecord
from congvu.files.models import StoredFile
from congvu.files.services import StorageFull, file_store
from tests.factories import PositionFactory, UnitFactory

from . import builders as b


def _fill_then_fail(code):
    real_save = FileSystemStorage._save

    def save(self, name, content):
        # Write part of the file, then fail as the kernel does when the disk fills up.
        real_save(self, name, b.upload("x.bin", b"%PDF-1.4 partial"))
        assert self.size(name) > 0
        raise OSError(code, "No space left on device")

    return save


@pytest.mark.django_db
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG, errno.EDQUOT])
def test_full_disk_refuses_the_file_and_leaves_nothing(code, monkeypatch, _tmp_storage):
    monkeypatch.setattr(FileSystemStorage, "_save", _fill_then_fail(code))
    actor = PositionFactory(role="system_admin").user
    with pytest.raises(StorageFull) as caught:
        file_store(actor=actor, upload=b.upload("a.pdf", b.pdf_bytes()), owner=UnitFactory())
    error = caught.value
    assert (error.code, error.status) == ("storage_full", 507)
    assert "Kho lưu trữ tệp đã đầy" in error.message
    assert [e.field for e in error.errors] == ["file"]
    assert not StoredFile.objects.exists()
    assert not AuditRecord.objects.filter(action="congvu.files.storedfile.create").exists()
    assert [p for p in _tmp_storage.rglob("*") if p.is_file()] == []


@pytest.mark.django_db
def test_other_write_errors_still_clean_up_and_propagate(monkeypatch, _tmp_storage):
    monkeypatch.setattr(FileSystemStorage, "_save", _fill_then_fail(errno.EIO))
    actor = PositionFactory(role="system_admin").user
    with pytest.raises(OSError) as caught:
        file_store(actor=actor, upload=b.upload("a.pdf", b.pdf_bytes()), owner=UnitFactory())
    assert not isinstance(caught.value, StorageFull)
    assert [p for p in _tmp_storage.rglob("*") if p.is_file()] == []
