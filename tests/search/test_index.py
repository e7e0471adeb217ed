"""Index upkeep: after-commit receivers, removal, reindex command, vendor-only migration."""

import io
from types import SimpleNamespace
from unittest import mock

from django.core.management import call_command
from django.db import connection, transaction

import pytest

from congvu.search.migration_ops import VendorOnly
from congvu.search.models import SearchDocument
from tests.incoming.factories import IncomingDocumentFactory
from tests.outgoing.factories import OutgoingDocumentFactory

pytestmark = pytest.mark.django_db


def test_saving_indexes_after_commit(commune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = IncomingDocumentFactory(unit=commune.unit, subject="Kế hoạch tiêm chủng mở rộng")
        assert not SearchDocument.objects.filter(object_id=doc.pk).exists()
    row = SearchDocument.objects.get(kind="incoming", object_id=doc.pk)
    assert "ke hoach tiem chung mo rong" in row.body

    with django_capture_on_commit_callbacks(execute=True):
        doc.subject = "Kế hoạch phòng dịch sốt xuất huyết"
        doc.save()
    row.refresh_from_db()
    assert "sot xuat huyet" in row.body and "tiem chung" not in row.body

    with django_capture_on_commit_callbacks(execute=True):
        doc.delete()
    assert not SearchDocument.objects.filter(kind="incoming", object_id=doc.pk).exists()


def test_rolled_back_change_is_not_indexed(commune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                OutgoingDocumentFactory(unit=commune.unit)
                raise RuntimeError
        except RuntimeError:
            pass
    assert not SearchDocument.objects.exists()


def test_reindex_command(commune):
    IncomingDocumentFactory(unit=commune.unit)
    OutgoingDocumentFactory(unit=commune.unit)
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert "2" in out.getvalue()
    assert SearchDocument.objects.count() == 2


def test_vendor_only_operation_skips_other_vendors():
    inner = mock.Mock()
    op = VendorOnly("postgresql", inner)
    editor = SimpleNamespace(connection=SimpleNamespace(vendor="sqlite"))
    op.database_forwards("search", editor, None, None)
    op.database_backwards("search", editor, None, None)
    inner.database_forwards.assert_not_called()
    inner.database_backwards.assert_not_called()
    editor.connection.vendor = "postgresql"
    op.database_forwards("search", editor, None, None)
    inner.database_forwards.assert_called_once()


def test_migration_created_the_vendor_index():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT extname FROM pg_extension WHERE extname IN ('unaccent', 'pg_trgm')"
            )
            assert {r[0] for r in cursor.fetchall()} == {"unaccent", "pg_trgm"}
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'search_searchdocument'"
            )
            names = {r[0] for r in cursor.fetchall()}
            assert {"search_body_tsv_stored", "search_body_trgm"} <= names
            cursor.execute(
                "SELECT is_generated FROM information_schema.columns "
                "WHERE table_name = 'search_searchdocument' AND column_name = 'body_tsv'"
            )
            assert cursor.fetchone() == ("ALWAYS",)
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'search_fts'")
            assert cursor.fetchone() is not None
