"""PostgreSQL: store the text vector and the access tokens instead of computing per query.

``body_tsv`` is a generated column (not a model field: Django never loads it):
``to_tsvector('simple', body)`` plus the ``access`` tokens (``congvu.search.access``)
as lexemes, with a GIN index that replaces the expression index of 0002. Matching
no longer re-parses ``body``, ranking (``ts_rank``) reads the stored vector, and one
GIN scan narrows a search to the actor's documents. Existing rows get their tokens
first (``BACKFILL_SQL``). SQLite is untouched (FTS5).
"""

from django.db import migrations

from congvu.search.access import BACKFILL_SQL
from congvu.search.migration_ops import VendorOnly

FORWARD = """
ALTER TABLE search_searchdocument ADD COLUMN body_tsv tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig, COALESCE(body, ''))
    || array_to_tsvector(string_to_array(COALESCE(access, ''), ' '))
) STORED;
CREATE INDEX search_body_tsv_stored ON search_searchdocument USING gin (body_tsv);
DROP INDEX IF EXISTS search_body_tsv;
"""
BACKWARD = """
CREATE INDEX IF NOT EXISTS search_body_tsv ON search_searchdocument
    USING gin (to_tsvector('simple'::regconfig, COALESCE(body, '')));
ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS body_tsv;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_access_tokens"),
    ]

    operations = [
        VendorOnly("postgresql", migrations.RunSQL(BACKFILL_SQL, reverse_sql=migrations.RunSQL.noop)),
        VendorOnly("postgresql", migrations.RunSQL(FORWARD, reverse_sql=BACKWARD)),
    ]
