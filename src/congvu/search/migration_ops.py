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
