"""Backup and restore of a whole installation (sao lưu, phục hồi): database rows and files.

A backup is a directory:

- ``database.jsonl.gz``: every row of every model, one JSON object per line
  (Django's serialised form), read inside one snapshot so rows agree with
  each other;
- ``files/<storage name>``: every stored file's blob, checked against the
  SHA-256 recorded for it while it is copied;
- ``manifest.json``: format, time, database vendor, applied migrations, row
  counts per model, and the SHA-256 and size of every file above.

The format is database-neutral on purpose: a backup taken on PostgreSQL
restores on SQLite and back (a commune can move from the embedded default to
a server). ``pg_dump`` is faster for very large databases and stays the
operator's tool for those (docs/deploy.md); this one is the portable,
verifiable one that a test can round-trip.

Restore refuses to start unless every checksum in the manifest matches and
the target holds no data of its own, and it writes the rows in one
transaction: it either restores everything or nothing.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from .errors import ServiceError

FORMAT = "congvu-backup/1"
DATABASE_FILE = "database.jsonl.gz"
MANIFEST_FILE = "manifest.json"
FILES_DIR = "files"
CHUNK = 1024 * 1024

# Rows not worth restoring: sessions end with the backup, and the search index is
# derived data that restore rebuilds from the documents (``search_reindex``).
SKIPPED_MODELS = {
    "sessions.session",
    "search.searchdocument",
    # Where each node stood in the old installation: its index is rebuilt after a restore.
    "search.searchchange",
    "search.searchindexnode",
}
# Tables that ``migrate`` fills by itself; an "empty" installation may hold them.
SEEDED_MODELS = {
    "contenttypes.contenttype",
    "auth.permission",
    "registry.documenttype",
    "audit.chainhead",
}


# Where the blobs come from. The files app registers its stored files when it
# is ready, because core knows no app above it (docs/architecture.md, "Layers").
# A source returns, in a stable order, objects with ``pk``, ``storage_name``,
# ``original_name``, ``sha256`` and ``size``.
_blob_sources: list[Callable[[], Iterable]] = []


def register_blobs(source: Callable[[], Iterable]) -> None:
    """Add a source of stored blobs that every backup copies and checks."""
    if source not in _blob_sources:
        _blob_sources.append(source)


@dataclass
class BackupReport:
    """What a backup or restore did."""

    rows: Counter = field(default_factory=Counter)
    files: int = 0
    bytes: int = 0

    @property
    def row_total(self) -> int:
        return sum(self.rows.values())


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a restore must give back every microsecond
    (the audit chain hashes them)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _models():
    """Every concrete, managed model, parents before children (loaddata defers FKs anyway)."""
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed or opts.label_lower in SKIPPED_MODELS:
            continue
        yield model


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _migration_state() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _snapshot_transaction():
    """A transaction in which every read sees the same moment."""
    atomic = transaction.atomic()
    atomic.__enter__()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    return atomic


def backup(directory: str | os.PathLike) -> BackupReport:
    """Write a backup of this installation into ``directory`` (new, or empty)."""
    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise ServiceError(
            _("Thư mục sao lưu phải trống hoặc chưa tồn tại."),
            code="backup_dir_not_empty",
            field="directory",
        )
    (target / FILES_DIR).mkdir(parents=True, exist_ok=True)
    report = BackupReport()
    files: list[dict] = []
    atomic = _snapshot_transaction()
    try:
        with gzip.open(target / DATABASE_FILE, "wt", encoding="utf-8") as out:
            for model in _models():
                queryset = model._base_manager.order_by("pk")
                for obj in queryset.iterator(chunk_size=2000):
                    out.write(serializers.serialize("json", [obj], cls=ExactJSONEncoder).strip())
                    out.write("\n")
                    report.rows[model._meta.label_lower] += 1
        for stored in (blob for source in _blob_sources for blob in source()):
            files.append(_copy_out(stored, target / FILES_DIR))
            report.files += 1
            report.bytes += stored.size
        migrations = _migration_state()
    finally:
        atomic.__exit__(None, None, None)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database_vendor": connection.vendor,
        "migrations": migrations,
        "rows": dict(sorted(report.rows.items())),
        "database": {
            "name": DATABASE_FILE,
            "sha256": _sha256_file(target / DATABASE_FILE),
            "size": (target / DATABASE_FILE).stat().st_size,
        },
        "files": files,
    }
    (target / MANIFEST_FILE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return report


def _copy_out(stored, files_dir: Path) -> dict:
    digest = hashlib.sha256()
    destination = files_dir / stored.storage_name
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = default_storage.open(stored.storage_name, "rb")
    except FileNotFoundError as exc:
        raise ServiceError(
            _("Thiếu nội dung tệp %(name)s (mã %(pk)s) trong kho lưu trữ.")
            % {"name": stored.original_name, "pk": stored.pk},
            code="blob_missing",
            field="files",
        ) from exc
    with source, destination.open("wb") as out:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != stored.sha256:
        raise ServiceError(
            _("Tệp %(name)s (mã %(pk)s) không khớp mã băm đã ghi: dữ liệu lưu trữ đã bị hỏng.")
            % {"name": stored.original_name, "pk": stored.pk},
            code="checksum_mismatch",
            field="files",
        )
    return {"name": stored.storage_name, "sha256": stored.sha256, "size": stored.size}


def read_manifest(directory: str | os.PathLike) -> dict:
    """The manifest of a backup, after checking every checksum in it."""
    source = Path(directory)
    try:
        manifest = json.loads((source / MANIFEST_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ServiceError(
            _("Không tìm thấy tệp manifest.json trong thư mục sao lưu."),
            code="manifest_missing",
            field="directory",
        ) from exc
    except ValueError as exc:
        raise ServiceError(
            _("Tệp manifest.json không đọc được."), code="manifest_invalid", field="directory"
        ) from exc
    if manifest.get("format") != FORMAT:
        raise ServiceError(
            _("Định dạng bản sao lưu không được hỗ trợ."), code="format_unsupported", field="format"
        )
    entries = [manifest["database"], *manifest["files"]]
    for entry in entries:
        is_db = entry is manifest["database"]
        path = source / entry["name"] if is_db else source / FILES_DIR / entry["name"]
        if not path.resolve().is_relative_to(source.resolve()):
            raise ServiceError(
                _("Tên tệp trong manifest không hợp lệ: %(name)s") % {"name": entry["name"]},
                code="manifest_invalid",
                field="files",
            )
        if not path.is_file() or _sha256_file(path) != entry["sha256"]:
            raise ServiceError(
                _("Tệp %(name)s trong bản sao lưu bị thiếu hoặc sai mã băm.")
                % {"name": entry["name"]},
                code="checksum_mismatch",
                field="files",
            )
    return manifest


def _installation_is_empty() -> bool:
    for model in _models():
        if model._meta.label_lower in SEEDED_MODELS or model._meta.auto_created:
            continue
        if model._base_manager.exists():
            return False
    return True


def restore(directory: str | os.PathLike) -> BackupReport:
    """Restore a backup into this (migrated, empty) installation and verify it."""
    source = Path(directory)
    manifest = read_manifest(source)
    current = _migration_state()
    if manifest["migrations"] != current:
        differing = sorted(
            app
            for app in set(manifest["migrations"]) | set(current)
            if manifest["migrations"].get(app) != current.get(app)
        )
        raise ServiceError(
            _(
                "Bản sao lưu được tạo với phiên bản cơ sở dữ liệu khác (%(apps)s); hãy cài đúng "
                "phiên bản congvu rồi chạy migrate trước khi phục hồi."
            )
            % {"apps": ", ".join(differing)},
            code="migrations_differ",
            field="migrations",
        )
    if not _installation_is_empty():
        raise ServiceError(
            _("Cơ sở dữ liệu đích đã có dữ liệu; chỉ phục hồi vào bản cài đặt trống."),
            code="target_not_empty",
            field="database",
        )
    report = BackupReport()
    written: list[str] = []
    try:
        with transaction.atomic():
            _clear_seeded()
            _load_rows(source / DATABASE_FILE, report)
            _reset_sequences()
            for entry in manifest["files"]:
                if _copy_in(source / FILES_DIR / entry["name"], entry):
                    written.append(entry["name"])
                report.files += 1
                report.bytes += entry["size"]
            if dict(report.rows) != manifest["rows"]:
                raise ServiceError(
                    _("Số bản ghi đã phục hồi không khớp với manifest."),
                    code="row_count_mismatch",
                    field="database",
                )
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    _rebuild_derived()
    return report


def _clear_seeded() -> None:
    # migrate seeded these with its own ids; the backup's ids are the ones rows point at.
    for label in SEEDED_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        model._base_manager.all()._raw_delete(using=connection.alias)


def _load_rows(path: Path, report: BackupReport) -> None:
    with connection.constraint_checks_disabled(), gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            for deserialized in serializers.deserialize("json", line):
                deserialized.save()
                report.rows[deserialized.object._meta.label_lower] += 1
    connection.check_constraints()


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(_models()))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _copy_in(path: Path, entry: dict) -> bool:
    """Put one blob back under its storage name; False when an identical one is there."""
    name = entry["name"]
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as existing:
            digest = hashlib.sha256()
            for chunk in iter(lambda: existing.read(CHUNK), b""):
                digest.update(chunk)
        if digest.hexdigest() == entry["sha256"]:
            return False
        raise ServiceError(
            _("Kho lưu trữ đã có tệp %(name)s với nội dung khác.") % {"name": name},
            code="storage_conflict",
            field="files",
        )
    with path.open("rb") as fh:
        saved = default_storage.save(name, File(fh, name=name))
    if saved != name:
        default_storage.delete(saved)
        raise ServiceError(
            _("Không ghi được tệp %(name)s vào kho lưu trữ.") % {"name": name},
            code="storage_conflict",
            field="files",
        )
    return True


def _rebuild_derived() -> None:
    """Indexes that live outside the model tables (the SQLite full-text table)."""
    call_command("search_reindex", verbosity=0)
