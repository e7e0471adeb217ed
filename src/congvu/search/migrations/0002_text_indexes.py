"""Full-text indexes of the search body, per database vendor.

PostgreSQL: the ``unaccent`` and ``pg_trgm`` extensions, a GIN index on
``to_tsvector('simple', body)`` (the same expression as Django's
``SearchVector("body", config="simple")``) and a GIN trigram index on ``body``.
SQLite: an FTS5 table ``search_fts`` whose rowid is ``SearchDocument.id``.
Each operation is a no-op on the other vendor (``VendorOnly``).
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

from congvu.search.migration_ops import VendorOnly

PG_INDEXES = """
CREATE INDEX search_body_tsv ON search_searchdocument
    USING gin (to_tsvector('simple'::regconfig, COALESCE(body, '')));
CREATE INDEX search_body_trgm ON search_searchdocument USING gin (body gin_trgm_ops);
"""
PG_INDEXES_DROP = """
DROP INDEX IF EXISTS search_body_trgm;
DROP INDEX IF EXISTS search_body_tsv;
"""
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts "
    "USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')"
)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        VendorOnly("postgresql", UnaccentExtension()),
        VendorOnly("postgresql", TrigramExtension()),
        VendorOnly("postgresql", migrations.RunSQL(PG_INDEXES, reverse_sql=PG_INDEXES_DROP)),
        VendorOnly(
            "sqlite", migrations.RunSQL(SQLITE_FTS, reverse_sql="DROP TABLE IF EXISTS search_fts")
        ),
    ]
