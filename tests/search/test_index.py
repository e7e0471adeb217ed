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
            assert {"search_body_tsv_stored", "search_head_trgm"} <= names
            # The typo fallback no longer indexes whole attachment texts (issue 12).
            assert "search_body_trgm" not in names
            cursor.execute(
                "SELECT is_generated FROM information_schema.columns "
                "WHERE table_name = 'search_searchdocument' AND column_name = 'body_tsv'"
            )
            assert cursor.fetchone() == ("ALWAYS",)
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'search_fts'")
            assert cursor.fetchone() is not None


def _row_values(row):
    return {
        f: getattr(row, f)
        for f in ("content", "body", "access", "subject_folded", "head_exact", "date", "status")
    }


def _round_trips(captured) -> int:
    # SQLite's FTS tables are written in-process with executemany (one entry per row).
    return sum("_fts" not in q["sql"] for q in captured)


def test_batch_indexing_equals_one_by_one_in_constant_queries(commune):
    from django.test.utils import CaptureQueriesContext

    from congvu.search.services import search_index_update, search_index_update_many
    from tests.incoming.factories import AssignmentFactory
    from tests.search.factories import TextFileFactory

    docs = [IncomingDocumentFactory(unit=commune.unit) for _ in range(7)]
    for i, doc in enumerate(docs):
        TextFileFactory(owner=doc, text=f"Phụ lục {i}: danh sách hộ nghèo " * 50)
        TextFileFactory(owner=doc, text=f"Phụ lục {i}: danh sách hộ nghèo " * 50)  # same text
        TextFileFactory(owner=doc, text=f"Biên bản họp số {i}")
    AssignmentFactory(document=docs[0], user=commune.specialist)
    AssignmentFactory(document=docs[5], unit=commune.office, user=None)
    outgoing = [OutgoingDocumentFactory(unit=commune.unit) for _ in range(3)]
    expected = {}
    for kind, group in (("incoming", docs), ("outgoing", outgoing)):
        for doc in group:
            expected[(kind, doc.pk)] = _row_values(search_index_update(kind, doc.pk))
    SearchDocument.objects.all().delete()
    pks = [d.pk for d in docs]
    gone = pks[-1]
    SearchDocument.objects.create(kind="incoming", object_id=gone)
    docs[-1].delete()
    del expected[("incoming", gone)]
    with CaptureQueriesContext(connection) as two:
        assert search_index_update_many("incoming", pks[:2]) == 2
    with CaptureQueriesContext(connection) as more:
        assert search_index_update_many("incoming", pks[2:]) == 4
    # Documents, attachment texts, tokens, one upsert: the same whatever the batch size
    # (the batch with a gone document also removes its row and announces the removal to
    # the nodes' indexes, a fixed number of statements).
    assert _round_trips(more.captured_queries) <= _round_trips(two.captured_queries) + 5
    assert search_index_update_many("outgoing", [d.pk for d in outgoing]) == 3
    rows = {(r.kind, r.object_id): _row_values(r) for r in SearchDocument.objects.all()}
    assert rows == expected
    assert f"~u{commune.specialist.pk}" in rows[("incoming", docs[0].pk)]["access"]
    assert f"~m{commune.office.pk}" in rows[("incoming", docs[5].pk)]["access"]


def test_words_too_long_to_index_are_left_out(commune):
    from congvu.search.selectors import search
    from congvu.search.services import search_index_update
    from tests.search.factories import TextFileFactory

    doc = IncomingDocumentFactory(unit=commune.unit, subject="Báo cáo tổng hợp")
    TextFileFactory(owner=doc, text="Ảnh quét " + "A" * 3000 + " hộ nghèo vùng cao")
    row = search_index_update("incoming", doc)  # PostgreSQL refused such a word outright
    assert "a" * 2048 not in row.body and "anh quet ho ngheo vung cao" in row.body
    hits, total = search(actor=commune.leader, query="ho ngheo vung cao")
    assert [h.object_id for h in hits] == [doc.pk]


class _Rows:
    """A queryset's ``iterator`` over a range (what ``in_batches`` reads)."""

    def __init__(self, n):
        self.n = n

    def iterator(self, chunk_size):
        return iter(range(self.n))


@pytest.mark.parametrize("n", [0, 1, 4, 5, 11])
def test_the_data_migrations_batches_hold_every_row_once_and_none_empty(n):
    from congvu.search.migration_ops import in_batches

    batches = list(in_batches(_Rows(n), size=5))
    assert [row for batch in batches for row in batch] == list(range(n))
    assert all(0 < len(batch) <= 5 for batch in batches)
