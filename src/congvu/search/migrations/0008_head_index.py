"""A small index of the ranked fields, for bounded candidate sets (issue 12).

PostgreSQL: ``head_tsv``, a stored generated column (not a model field): the folded
số ký hiệu (weight A), trích yếu (B), issuer and signer (C) and the access tokens,
with a GIN index. It is a few hundred bytes per row, kept in the heap row, so a
search finds and orders its candidates without reading a body vector; the scope's
token match moves to it too (``policies._candidates``). A btree on
``(date DESC NULLS LAST, id DESC)`` serves the date-ordered rest and its keyset pages.
SQLite: an FTS5 table ``search_head_fts`` (number, subject, people) filled from the
existing rows (``migration_ops.fill_head_fts``), and a ``(date, id)`` index.
"""

from django.db import migrations

from congvu.search.migration_ops import VendorOnly, fill_head_fts

PG_FORWARD = """
ALTER TABLE search_searchdocument ADD COLUMN head_tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, COALESCE(number_folded, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, COALESCE(subject_folded, '')), 'B')
    || setweight(to_tsvector('simple'::regconfig,
                             COALESCE(issuer_folded, '') || ' ' || COALESCE(signer_folded, '')), 'C')
    || array_to_tsvector(string_to_array(COALESCE(access, ''), ' '))
) STORED;
CREATE INDEX search_head_tsv ON search_searchdocument USING gin (head_tsv);
CREATE INDEX search_date_id ON search_searchdocument (date DESC NULLS LAST, id DESC);
"""
PG_BACKWARD = """
DROP INDEX IF EXISTS search_date_id;
DROP INDEX IF EXISTS search_head_tsv;
ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS head_tsv;
"""
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_head_fts "
    "USING fts5(number, subject, people, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE INDEX IF NOT EXISTS search_date_id ON search_searchdocument (date, id)",
]
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS search_date_id",
    "DROP TABLE IF EXISTS search_head_fts",
]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_fill_ranked_columns"),
    ]

    operations = [
        VendorOnly("postgresql", migrations.RunSQL(PG_FORWARD, reverse_sql=PG_BACKWARD)),
        VendorOnly("sqlite", migrations.RunSQL(SQLITE_FORWARD, reverse_sql=SQLITE_BACKWARD)),
        VendorOnly(
            "sqlite", migrations.RunPython(fill_head_fts, migrations.RunPython.noop, elidable=True)
        ),
    ]
