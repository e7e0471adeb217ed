"""A migration operation that runs another operation on one database vendor only.

The search index needs vendor-specific DDL: PostgreSQL extensions
(``unaccent``, ``pg_trgm``) and GIN indexes, or an SQLite FTS5 table. Wrapped
in :class:`VendorOnly`, each statement is a no-op on the other vendor, so one
migration history serves both.
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation


def in_batches(rows, size: int = 2000):
    """The rows of ``rows`` (a queryset) in lists of ``size``, read ``size`` at a time."""
    batch = []
    for row in rows.iterator(chunk_size=size):
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class VendorOnly(Operation):
    """Run ``operation`` only when the migrating connection's vendor is ``vendor``."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, vendor: str, operation: Operation):
        self.vendor = vendor
        self.operation = operation

    def _applies(self, schema_editor) -> bool:
        return schema_editor.connection.vendor == self.vendor

    def state_forwards(self, app_label, state):
        self.operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self._applies(schema_editor):
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self._applies(schema_editor):
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (only on {self.vendor})"


def outgoing_dates_to_local(apps, schema_editor) -> int:
    """Data migration 0005: the ``date`` of outgoing rows as the day in Việt Nam.

    Rows written before the fix took the UTC day of ``issued_at`` (or
    ``created_at``), one day early for anything issued between 00:00 and 07:00.
    Only rows whose day differs are written; returns how many.
    """
    from django.utils import timezone

    search_document = apps.get_model("search", "SearchDocument")
    outgoing = apps.get_model("outgoing", "OutgoingDocument")
    days = {
        pk: timezone.localdate(issued_at or created_at)
        for pk, issued_at, created_at in outgoing.objects.values_list(
            "pk", "issued_at", "created_at"
        ).iterator(chunk_size=2000)
        if issued_at or created_at
    }
    rows = search_document.objects.filter(kind="outgoing").values_list("pk", "object_id", "date")
    fixes = [
        search_document(pk=pk, date=days.get(object_id))
        for pk, object_id, day in rows.iterator(chunk_size=2000)
        if days.get(object_id) != day
    ]
    search_document.objects.bulk_update(fixes, ["date"], batch_size=1000)
    return len(fixes)


def fill_ranked_columns(apps, schema_editor) -> int:
    """Data migration 0007: the ranked columns of rows indexed before they existed.

    Computed in Python (the folding is Python's, ``search.text``) from the row's own
    số ký hiệu, trích yếu and issuer and the document's signer, in chunks; only rows
    whose values differ are written, so a second run writes nothing. Returns how many.
    """
    from congvu.search.ranking import ranked_columns

    search_document = apps.get_model("search", "SearchDocument")
    incoming = apps.get_model("incoming", "IncomingDocument")
    outgoing = apps.get_model("outgoing", "OutgoingDocument")
    columns = ["number_folded", "subject_folded", "signer_folded", "head_exact"]
    rows = search_document.objects.order_by("pk").only(
        "kind", "object_id", "number_notation", "subject", "issuer", *columns
    )
    fixed, count = [], 0

    def flush(batch):
        nonlocal count
        signers = {
            ("incoming", pk): name
            for pk, name in incoming.objects.filter(
                pk__in=[r.object_id for r in batch if r.kind == "incoming"]
            ).values_list("pk", "signer_name")
        }
        signers.update(
            (("outgoing", pk), name or "")
            for pk, name in outgoing.objects.filter(
                pk__in=[r.object_id for r in batch if r.kind == "outgoing"]
            ).values_list("pk", "signer__full_name")
        )
        for row in batch:
            signer = signers.get((row.kind, row.object_id), "")
            values = ranked_columns(row.number_notation, row.subject, row.issuer, signer)
            if any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                fixed.append(row)
        search_document.objects.bulk_update(fixed, columns, batch_size=1000)
        count += len(fixed)
        fixed.clear()

    for batch in in_batches(rows):
        flush(batch)
    return count


#: SQLite: the head table's row of an index row (``backends.SQLiteBackend.index``).
HEAD_FTS_FILL = """
INSERT INTO search_head_fts (rowid, number, subject, people)
SELECT id, number_folded, subject_folded, issuer_folded || ' ' || signer_folded
FROM search_searchdocument
"""


def fill_head_fts(apps, schema_editor) -> int:
    """Data migration 0008 (SQLite): the head table of every existing row; returns how many.

    Rebuilt from scratch, so a second run gives the same table.
    """
    connection = schema_editor.connection if schema_editor else None
    if connection is None:
        from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_head_fts")
        cursor.execute(HEAD_FTS_FILL)
        return cursor.rowcount


#: SQLite (migration 0012): the vocabulary's trigram table (``SQLiteBackend.word_table``),
#: the words already there, and triggers that keep it in step with ``search_searchword``
#: (INSERT OR IGNORE of a known word fires nothing). The app never removes a word; the
#: delete trigger (a scan of the table) keeps a manual cleanup consistent.
WORD_FTS_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_word_fts USING fts5(word, tokenize = 'trigram')",
    "DELETE FROM search_word_fts",
    "INSERT INTO search_word_fts (word) SELECT '  ' || word || ' ' FROM search_searchword",
    "CREATE TRIGGER IF NOT EXISTS search_word_fts_insert AFTER INSERT ON search_searchword "
    "BEGIN INSERT INTO search_word_fts (word) VALUES ('  ' || new.word || ' '); END",
    "CREATE TRIGGER IF NOT EXISTS search_word_fts_delete AFTER DELETE ON search_searchword "
    "BEGIN DELETE FROM search_word_fts WHERE word = '  ' || old.word || ' '; END",
]
WORD_FTS_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_word_fts_delete",
    "DROP TRIGGER IF EXISTS search_word_fts_insert",
    "DROP TABLE IF EXISTS search_word_fts",
]


def create_word_trigrams(apps, schema_editor) -> bool:
    """Migration 0012 (SQLite): :data:`WORD_FTS_FORWARD`, if this SQLite has FTS5's trigram
    tokenizer (3.34); without it the typo fallback is off (``backends.HAS_TRIGRAMS``).
    Returns whether the table was made."""
    from congvu.search.backends import HAS_TRIGRAMS

    if not HAS_TRIGRAMS:
        return False
    with schema_editor.connection.cursor() as cursor:
        for statement in WORD_FTS_FORWARD:
            cursor.execute(statement)
    return True


def drop_word_trigrams(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in WORD_FTS_BACKWARD:
            cursor.execute(statement)


def fill_vocabulary(apps, schema_editor) -> int:
    """Data migration 0012 (SQLite): the vocabulary of the rows indexed before the indexer
    wrote it (``backends.vocabulary``, the indexer's own words). Returns how many words
    were added; a second run adds none."""
    from congvu.search.backends import vocabulary

    connection = schema_editor.connection if schema_editor else None
    if connection is None:
        from django.db import connection
    search_document = apps.get_model("search", "SearchDocument")
    rows = search_document.objects.order_by("pk").only(
        "number_folded", "subject_folded", "issuer_folded", "signer_folded"
    )
    added = 0

    def flush(batch):
        nonlocal added
        with connection.cursor() as cursor:
            # rowcount: the words inserted, not those ignored (nor the triggers' rows).
            cursor.executemany(
                "INSERT OR IGNORE INTO search_searchword (word) VALUES (%s)",
                [(w,) for w in vocabulary(batch)],
            )
            added += max(cursor.rowcount, 0)

    for batch in in_batches(rows):
        flush(batch)
    return added
