"""The typo fallback on SQLite (issue 12): the vocabulary of the rows already indexed
(0011 filled it on PostgreSQL only) and an FTS5 trigram table over it, kept in step by
triggers (``migration_ops.create_word_trigrams``, ``fill_vocabulary``). No-op on
PostgreSQL, whose vocabulary has its trigram index since 0011.
"""

from django.db import migrations

from congvu.search.migration_ops import (
    VendorOnly,
    create_word_trigrams,
    drop_word_trigrams,
    fill_vocabulary,
)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0011_search_word"),
    ]

    operations = [
        VendorOnly("sqlite", migrations.RunPython(create_word_trigrams, drop_word_trigrams)),
        VendorOnly(
            "sqlite",
            migrations.RunPython(fill_vocabulary, migrations.RunPython.noop, elidable=True),
        ),
    ]
