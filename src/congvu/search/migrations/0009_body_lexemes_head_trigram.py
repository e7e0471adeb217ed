"""PostgreSQL: the body vector without positions, the typo fallback on the ranked fields.

``body_tsv`` becomes the folded body's distinct words as lexemes
(``array_to_tsvector``; ``body`` is already folded, one space between words) plus the
access tokens. Nothing reads its positions (phrases are matched in ``head_tsv``), and
``to_tsvector`` spent about 5 ms parsing each 20,000-character body with the full
parser: indexing a document got about six times cheaper in PostgreSQL, and the
vector a match reads about four times smaller (issue 12). Words of 2,048 characters
and more, which ``array_to_tsvector`` refuses, are removed from existing bodies first
(``text.index_body`` keeps them out of new ones; ``to_tsvector`` skipped them too).

The trigram index on the whole ``body`` (the typo fallback) is replaced by one on the
ranked fields (số ký hiệu, trích yếu, issuer, signer): maintaining it cost about a
third of each indexing, and the fallback compared whole attachment texts.

The long text columns are compressed with lz4 instead of pglz where the server has it
(new values only): writing a row's ~45 KB of text and vector cost about a third less.
"""

from django.db import migrations

from congvu.search.migration_ops import VendorOnly

#: The text of the ranked fields that the typo fallback compares (``backends.HEAD_TEXT``).
HEAD_TEXT = "(number_folded || ' ' || subject_folded || ' ' || issuer_folded || ' ' || signer_folded)"

#: A folded word of 2,048 characters or more (a PostgreSQL bound is at most 255).
LONG_WORD = "([0-9a-z]{128}){16}[0-9a-z]*"

FORWARD = f"""
UPDATE search_searchdocument SET body = regexp_replace(body, '{LONG_WORD}', '', 'g')
    WHERE body ~ '{LONG_WORD}';
DROP INDEX IF EXISTS search_body_trgm;
ALTER TABLE search_searchdocument DROP COLUMN body_tsv;
ALTER TABLE search_searchdocument ADD COLUMN body_tsv tsvector GENERATED ALWAYS AS (
    array_to_tsvector(array_remove(string_to_array(COALESCE(body, ''), ' '), ''))
    || array_to_tsvector(array_remove(string_to_array(COALESCE(access, ''), ' '), ''))
) STORED;
CREATE INDEX search_body_tsv_stored ON search_searchdocument USING gin (body_tsv);
CREATE INDEX search_head_trgm ON search_searchdocument USING gin ({HEAD_TEXT} gin_trgm_ops);
DO $$ BEGIN
    ALTER TABLE search_searchdocument ALTER COLUMN content SET COMPRESSION lz4,
        ALTER COLUMN body SET COMPRESSION lz4, ALTER COLUMN body_tsv SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;  -- a server built without lz4 keeps pglz
END $$;
"""
BACKWARD = """
DROP INDEX IF EXISTS search_head_trgm;
ALTER TABLE search_searchdocument DROP COLUMN body_tsv;
ALTER TABLE search_searchdocument ADD COLUMN body_tsv tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig, COALESCE(body, ''))
    || array_to_tsvector(string_to_array(COALESCE(access, ''), ' '))
) STORED;
CREATE INDEX search_body_tsv_stored ON search_searchdocument USING gin (body_tsv);
CREATE INDEX search_body_trgm ON search_searchdocument USING gin (body gin_trgm_ops);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0008_head_index"),
    ]

    operations = [
        VendorOnly("postgresql", migrations.RunSQL(FORWARD, reverse_sql=BACKWARD)),
    ]
