"""A migration operation that runs another operation on one database vendor only.

The search index needs vendor-specific DDL: PostgreSQL extensions
(``unaccent``, ``pg_trgm``) and GIN indexes, or an SQLite FTS5 table. Wrapped
in :class:`VendorOnly`, each statement is a no-op on the other vendor, so one
migration history serves both.
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation


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
