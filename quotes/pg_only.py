"""A migration operation that runs its SQL on PostgreSQL and does nothing elsewhere."""

from __future__ import annotations

from typing import Any

from django.db import migrations


class PostgresOnly(migrations.RunSQL):
    """RunSQL for PostgreSQL-only features (extensions, GIN indexes); a no-op on SQLite."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *args)
