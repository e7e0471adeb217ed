"""Rows indexed before 0006 get their ranked columns (issue 12); new rows are written with them."""

from django.db import migrations

from congvu.search.migration_ops import fill_ranked_columns


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_ranked_columns"),
        ("incoming", "0001_initial"),
        ("outgoing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(fill_ranked_columns, migrations.RunPython.noop, elidable=True),
    ]
