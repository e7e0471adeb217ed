"""congvu backup / restore: a demo installation round-trips exactly, and bad backups are refused."""

import gzip
import hashlib
import io
import json

from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

import pytest

from congvu.audit.models import AuditRecord
from congvu.core import backup as backup_module
from congvu.files.models import StoredFile
from congvu.files.services import file_store
from congvu.incoming.models import IncomingDocument
from congvu.org.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


def _storage(location):
    return {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def everything() -> dict[str, list]:
    """Every row of every backed-up model, serialised, by model."""
    rows = {}
    for model in backup_module._models():
        queryset = model._base_manager.order_by("pk")
        rows[model._meta.label_lower] = json.loads(
            serializers.serialize("json", queryset, cls=backup_module.ExactJSONEncoder)
        )
    return rows


def blobs() -> dict[str, str]:
    result = {}
    for stored in StoredFile.objects.all():
        with default_storage.open(stored.storage_name, "rb") as fh:
            result[stored.storage_name] = hashlib.sha256(fh.read()).hexdigest()
    return result


def wipe():
    """Turn this database into a fresh, migrated, empty installation."""
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0, run_syncdb=False)


def test_demo_installation_round_trips(tmp_path):
    with override_settings(STORAGES=_storage(tmp_path / "media-a")):
        call_command("load_demo", stdout=io.StringIO())
        unit = Unit.objects.get(admin_code="w:29182")
        document = IncomingDocument.objects.filter(unit=unit).first()
        file_store(actor=None, upload=ContentFile(_png(), name="ban-quet.png"), owner=document)
        before_rows = everything()
        before_blobs = blobs()
        assert before_rows["incoming.incomingdocument"]
        assert before_rows["audit.auditrecord"]
        out = io.StringIO()
        call_command("backup", str(tmp_path / "bk"), stdout=out)
        assert "Đã sao lưu" in out.getvalue()

    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["rows"]["incoming.incomingdocument"] == len(
        before_rows["incoming.incomingdocument"]
    )
    assert {f["name"] for f in manifest["files"]} == set(before_blobs)

    wipe()
    assert not IncomingDocument.objects.exists()
    with override_settings(STORAGES=_storage(tmp_path / "media-b")):
        out = io.StringIO()
        call_command("restore", str(tmp_path / "bk"), stdout=out)
        assert "Nhật ký toàn vẹn" in out.getvalue()
        assert everything() == before_rows
        assert blobs() == before_blobs
        # The restored installation keeps working: new rows get fresh ids.
        unit = Unit.objects.get(admin_code="w:29182")
        clone = Unit.objects.create(kind=unit.kind, name="Đơn vị thử sau phục hồi", parent=unit)
        assert clone.pk > max(row["pk"] for row in before_rows["org.unit"])
        call_command("audit_verify", stdout=io.StringIO())


@pytest.fixture
def small_backup(tmp_path, settings):
    """A backup of a small installation with one stored file."""
    settings.STORAGES = _storage(tmp_path / "media")
    from tests.incoming.factories import IncomingDocumentFactory

    document = IncomingDocumentFactory()
    file_store(
        actor=None,
        upload=ContentFile(_png(), name="trang-1.png"),
        owner=document,
    )
    call_command("backup", str(tmp_path / "bk"), stdout=io.StringIO())
    return tmp_path / "bk"


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"\x00\xff\xff\xff"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_backup_refuses_a_directory_with_content(tmp_path):
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="backup_dir_not_empty"):
        call_command("backup", str(tmp_path / "bk"), stdout=io.StringIO())


def test_restore_refuses_a_non_empty_installation(small_backup):
    rows = AuditRecord.objects.count()
    with pytest.raises(CommandError, match="target_not_empty"):
        call_command("restore", str(small_backup), stdout=io.StringIO())
    assert AuditRecord.objects.count() == rows


def test_restore_refuses_a_tampered_file_before_writing_anything(small_backup, tmp_path, settings):
    stored = next(p for p in (small_backup / "files").rglob("*") if p.is_file())
    stored.write_bytes(stored.read_bytes() + b"tampered")
    wipe()
    settings.STORAGES = _storage(tmp_path / "fresh")
    with pytest.raises(CommandError, match="checksum_mismatch"):
        call_command("restore", str(small_backup), stdout=io.StringIO())
    assert not IncomingDocument.objects.exists()
    assert not (tmp_path / "fresh").exists() or not any((tmp_path / "fresh").rglob("*.*"))


def test_restore_refuses_a_tampered_database_dump(small_backup):
    dump = small_backup / "database.jsonl.gz"
    lines = gzip.decompress(dump.read_bytes()).decode().splitlines()
    dump.write_bytes(gzip.compress("\n".join(lines[:-1]).encode()))
    wipe()
    with pytest.raises(CommandError, match="checksum_mismatch"):
        call_command("restore", str(small_backup), stdout=io.StringIO())
    assert not apps.get_model("org", "Unit").objects.exists()


def test_restore_refuses_a_missing_manifest(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="manifest_missing"):
        call_command("restore", str(tmp_path / "empty"), stdout=io.StringIO())
