"""Search backends: how the folded ``body`` of ``SearchDocument`` is indexed and matched.

- PostgreSQL: the stored ``to_tsvector('simple', body)`` column ``body_tsv``
  (migration 0004) with a GIN index, matched with ``plainto_tsquery('simple', …)``;
  when that finds nothing (:meth:`Backend.fallback`),
  pg_trgm word similarity (typos) over a GIN trigram index.
- SQLite: an FTS5 table ``search_fts`` (rowid = ``SearchDocument.id``) over the
  same folded body (FTS5 does not fold đ, so folding happens in Python).
- Anything else: ``body`` contains every word (slow, correct).

The caller passes a queryset already narrowed by ``restrict()`` and the
filters; a backend only adds the text match (and a default order, newest
first). Relevance is ``ranking.py``'s, the same on every vendor.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, F, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat


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

    def fallback(self, queryset, terms: list[str], *, narrowed: bool = False):
        """A looser match to use when :meth:`match` finds nothing, or None.

        ``narrowed``: ``queryset`` is already limited to few rows by an index (the
        actor's access tokens), so the loose match should be checked on those rows
        rather than looked up in its own, much less selective, index.
        """
        return None


#: The stored ``to_tsvector('simple', body)`` of migration 0004 (not a model field).
_TSV = '"search_searchdocument"."body_tsv"'
_TSQUERY = "plainto_tsquery('simple'::regconfig, %s)"


class PostgresBackend(Backend):
    def match(self, queryset, terms: list[str]):
        # The same tsquery as Django's SearchQuery(search_type="plain", config="simple"), over
        # the stored vector. No ts_rank: it read every matching vector (most of the table on
        # full texts); ``ranking.py`` orders by the short ranked columns instead.
        text = " ".join(terms)
        return queryset.filter(
            RawSQL(f"{_TSV} @@ {_TSQUERY}", [text], output_field=BooleanField())
        ).order_by("-date", "-pk")

    def fallback(self, queryset, terms: list[str], *, narrowed: bool = False):
        from django.contrib.postgres.lookups import TrigramWordSimilar
        from django.contrib.postgres.search import TrigramWordSimilarity

        # ``body %> text`` (word similarity above pg_trgm.word_similarity_threshold) uses the
        # GIN trigram index; the lookup is used as an expression, so django.contrib.postgres
        # need not be installed. A few words match a quarter of the table in that index
        # (seconds), so when the scope already narrowed the rows, ``body || ''`` (the same
        # text, not the indexed expression) makes PostgreSQL test only those rows.
        text = " ".join(terms)
        body = Concat(F("body"), Value(""), output_field=TextField()) if narrowed else F("body")
        return (
            queryset.filter(TrigramWordSimilar(body, Value(text)))
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
