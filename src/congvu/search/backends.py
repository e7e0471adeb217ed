"""Search backends: how the folded ``body`` of ``SearchDocument`` is indexed and matched.

- PostgreSQL: ``to_tsvector('simple', body)`` with a GIN index, queried with
  ``SearchQuery(..., search_type="plain", config="simple")`` and ranked; when
  that finds nothing, pg_trgm word similarity (typos) over a GIN trigram index.
- SQLite: an FTS5 table ``search_fts`` (rowid = ``SearchDocument.id``) over the
  same folded body (FTS5 does not fold đ, so folding happens in Python).
- Anything else: ``body`` contains every word (slow, correct).

The caller passes a queryset already narrowed by ``restrict()`` and the
filters; a backend only adds the text match and the order.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Value
from django.db.models.expressions import RawSQL


class Backend:
    """The portable fallback: every folded word must occur in ``body``."""

    def index(self, row) -> None:
        """Called after ``row`` was saved with its new ``body``."""

    def remove(self, row_id: int) -> None:
        """Called before the row ``row_id`` is deleted."""

    def reset(self) -> None:
        """Called before a full rebuild."""

    def match(self, queryset, terms: list[str]):
        for term in terms:
            queryset = queryset.filter(body__contains=term)
        return queryset.order_by("-date", "-pk")


class PostgresBackend(Backend):
    def match(self, queryset, terms: list[str]):
        from django.contrib.postgres.lookups import TrigramWordSimilar
        from django.contrib.postgres.search import (
            SearchQuery,
            SearchRank,
            SearchVector,
            TrigramWordSimilarity,
        )

        text = " ".join(terms)
        query = SearchQuery(text, search_type="plain", config="simple")
        vector = SearchVector("body", config="simple")
        found = (
            queryset.annotate(search=vector)
            .filter(search=query)
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", "-date", "-pk")
        )
        if found.exists():
            return found
        # ``body %> text`` (word similarity above pg_trgm.word_similarity_threshold) uses the
        # GIN trigram index; the lookup is used as an expression, so django.contrib.postgres
        # need not be installed.
        return (
            queryset.filter(TrigramWordSimilar(F("body"), Value(text)))
            .annotate(similarity=TrigramWordSimilarity(text, "body"))
            .order_by("-similarity", "-date", "-pk")
        )


class SQLiteBackend(Backend):
    table = "search_fts"

    def index(self, row) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid = %s", [row.pk])
            cursor.execute(
                f"INSERT INTO {self.table} (rowid, body) VALUES (%s, %s)", [row.pk, row.body]
            )

    def remove(self, row_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid = %s", [row_id])

    def reset(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")

    def match(self, queryset, terms: list[str]):
        # Each word quoted: FTS5 query syntax never comes from the user.
        expression = " ".join('"{}"'.format(term.replace('"', '""')) for term in terms)
        ids = RawSQL(f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s", [expression])
        return queryset.filter(pk__in=ids).order_by("-date", "-pk")


def get_backend() -> Backend:
    vendor = connection.vendor
    if vendor == "postgresql":
        return PostgresBackend()
    if vendor == "sqlite":
        return SQLiteBackend()
    return Backend()
