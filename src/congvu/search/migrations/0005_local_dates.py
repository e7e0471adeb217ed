"""Outgoing rows get the day of their issue in Việt Nam, not the UTC day (issue 11)."""

from django.db import migrations

from congvu.search.migration_ops import outgoing_dates_to_local


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_stored_tsvector"),
        ("outgoing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(outgoing_dates_to_local, migrations.RunPython.noop, elidable=True),
    ]
