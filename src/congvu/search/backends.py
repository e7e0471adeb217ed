"""Search backends: how the folded ``body`` of ``SearchDocument`` is indexed and matched.

- PostgreSQL: the stored column ``body_tsv`` (the folded body's words as lexemes,
  no positions, migration 0009) with a GIN index, matched with
  ``plainto_tsquery('simple', …)``; when that finds nothing (:meth:`Backend.fallback`),
  pg_trgm word similarity (typos) of the ranked fields over a GIN trigram index. The ranked fields have
  their own small vector ``head_tsv`` (migration 0008, weights A number, B trích yếu,
  C issuer and signer) for the candidate tiers (:meth:`Backend.tiers`).
- SQLite: an FTS5 table ``search_fts`` (rowid = ``SearchDocument.id``) over the
  same folded body (FTS5 does not fold đ, so folding happens in Python), and
  ``search_head_fts`` (number, subject, people) for the tiers. Its typo fallback
  corrects unknown words against the vocabulary (``SearchWord``) through the FTS5
  trigram table ``search_word_fts`` (migration 0012), then matches them exactly.
- Anything else: ``body`` contains every word (slow, correct).

The caller passes a queryset already narrowed by ``restrict()`` and the
filters; a backend only adds the text match. Relevance is ``ranking.py``'s, the
same on every vendor; which rows get ranked is ``selectors.py``'s.
"""

from __future__ import annotations

import json
import sqlite3

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from .ranking import score


class Backend:
    """The portable fallback: every folded word must occur in ``body``."""

    def index(self, row) -> None:
        """Called after ``row`` was saved with its new ``body``."""
        self.index_many([row])

    def index_many(self, rows) -> None:
        """Called after ``rows`` were saved with their new ``body``."""

    def remove(self, row_id: int) -> None:
        """Called before the row ``row_id`` is deleted."""

    def reset(self) -> None:
        """Called before a full rebuild."""

    def match(self, queryset, terms: list[str]):
        for term in terms:
            queryset = queryset.filter(body__contains=term)
        return queryset.order_by("-date", "-pk")

    def tiers(self, queryset, words: list[str], terms: list[str]) -> list:
        """The candidate tiers of a query, most relevant first (``selectors._candidates``).

        ``words``: the scored words in query order (``ranking.MAX_SCORED_WORDS``);
        ``terms``: every distinct query word. The tiers are: the words as a phrase in
        the số ký hiệu or trích yếu; every word in those two; every word in the ranked
        fields (số ký hiệu, trích yếu, issuer, signer); any word there and every word in
        the text. A row of a tier other than the last has every scored word in its ranked
        fields, which the body contains too, so only a query with more words than are
        scored needs the text matched there as well.
        """
        distinct = list(dict.fromkeys(words))
        specs = [("phrase", words)] if len(words) > 1 else []
        specs += [("number_subject", distinct), ("head", distinct)]
        out = []
        for kind, ws in specs:
            tier = self._head(queryset, kind, ws)
            out.append(self.match(tier, terms) if len(terms) > len(distinct) else tier)
        out.append(self.match(self._head(queryset, "any", distinct), terms))
        return out

    def _head(self, queryset, kind: str, words: list[str]):
        padded = {
            name: Concat(Value(" "), F(name), Value(" "), output_field=TextField())
            for name in ("number_folded", "subject_folded", "issuer_folded", "signer_folded")
        }
        queryset = queryset.alias(**{f"_pad_{k}": v for k, v in padded.items()})

        def has(word, fields):
            q = Q()
            for name in fields:
                q |= Q(**{f"_pad_{name}__contains": f" {word} "})
            return q

        ns = ("number_folded", "subject_folded")
        every = (*ns, "issuer_folded", "signer_folded")
        if kind == "phrase":
            return queryset.filter(has(" ".join(words), ns))
        conds = [has(w, ns if kind == "number_subject" else every) for w in words]
        combined = conds[0]
        for cond in conds[1:]:
            combined = combined | cond if kind == "any" else combined & cond
        return queryset.filter(combined)

    def exclude(self, queryset, ids: list[int]):
        """``queryset`` without the rows ``ids`` (the ranked candidates, up to thousands)."""
        return queryset.exclude(pk__in=ids)

    def estimate(self, queryset, terms: list[str]) -> int | None:
        """A cheap estimate of how many rows of ``queryset`` match ``terms``, or None."""
        return None

    def fallback(self, queryset, terms: list[str], *, narrowed: bool = False):
        """A looser match to use when :meth:`match` finds nothing, or None.

        ``narrowed``: ``queryset`` is already limited to few rows by an index (the
        actor's access tokens), so the loose match should be checked on those rows
        rather than looked up in its own, much less selective, index.
        """
        return None


#: The stored vector of the body's words and the access tokens (0004, 0009; not a model field).
_TSV = '"search_searchdocument"."body_tsv"'
_TSQUERY = "plainto_tsquery('simple'::regconfig, %s)"
#: The stored vector of the ranked fields and access tokens (migration 0008).
HEAD_TSV = '"search_searchdocument"."head_tsv"'
#: The ranked fields as one text, exactly the expression of the trigram index (0009).
HEAD_TEXT = (
    '("search_searchdocument"."number_folded" || \' \' || "search_searchdocument"."subject_folded"'
    ' || \' \' || "search_searchdocument"."issuer_folded"'
    ' || \' \' || "search_searchdocument"."signer_folded")'
)


def _tsquery_text(kind: str, words: list[str]) -> str:
    # Folded words are [0-9a-z]+ (search_fold): nothing to escape inside the quotes.
    if kind == "phrase":
        return " <-> ".join(f"'{w}':AB" for w in words)
    if kind == "number_subject":
        return " & ".join(f"'{w}':AB" for w in words)
    return (" | " if kind == "any" else " & ").join(f"'{w}'" for w in words)


#: The vocabulary of the ranked fields (``SearchWord``) from existing index rows; the
#: indexer adds the words of the rows it writes (``PostgresBackend.index_many``).
VOCABULARY_BACKFILL_SQL = (
    "INSERT INTO search_searchword (word) SELECT DISTINCT w FROM search_searchdocument, "
    "regexp_split_to_table(number_folded || ' ' || subject_folded || ' ' || issuer_folded"
    " || ' ' || signer_folded, ' +') AS w WHERE w ~ '^[a-z]{1,64}$' "
    "ON CONFLICT DO NOTHING"
)

#: Each query word as it is when the vocabulary knows it, else the most similar word of the
#: vocabulary (pg_trgm ``%``, over the trigram index of migration 0011), else itself.
#: A word with a digit is kept as typed (the vocabulary has letters only).
_CORRECT_SQL = """
SELECT CASE
  WHEN t.term ~ '[0-9]' THEN t.term
  WHEN EXISTS (SELECT 1 FROM search_searchword WHERE word = t.term) THEN t.term
  ELSE coalesce((SELECT w.word FROM search_searchword w WHERE w.word %% t.term
                 ORDER BY similarity(w.word, t.term) DESC, w.word LIMIT 1), t.term)
END
FROM unnest(%s::text[]) WITH ORDINALITY AS t(term, n) ORDER BY t.n
"""


def vocabulary(rows) -> list[str]:
    """The distinct words of the ranked fields of ``rows``, sorted (inserted in one order,
    concurrent indexers never deadlock on the vocabulary's key). Letters only: the numbers
    of số ký hiệu are unique per document and a typo in a number has no nearest word."""
    words = set()
    for r in rows:
        for text in (r.number_folded, r.subject_folded, r.issuer_folded, r.signer_folded):
            words.update(w for w in (text or "").split() if len(w) <= 64 and w.isalpha())
    return sorted(words)


class PostgresBackend(Backend):
    def index_many(self, rows) -> None:
        # One statement; a word already there (the common case) costs an index probe.
        words = vocabulary(rows)
        if words:
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO search_searchword (word) SELECT unnest(%s::text[]) "
                    "ON CONFLICT DO NOTHING",
                    [words],
                )

    def correct(self, terms: list[str]) -> list[str]:
        """``terms`` with each word the vocabulary does not know replaced by its nearest."""
        with connection.cursor() as cursor:
            cursor.execute(_CORRECT_SQL, [terms])
            return [r[0] for r in cursor.fetchall()]

    def match(self, queryset, terms: list[str]):
        # The same tsquery as Django's SearchQuery(search_type="plain", config="simple"), over
        # the stored vector. No ts_rank: it read every matching vector (most of the table on
        # full texts); ``ranking.py`` orders by the short ranked columns instead.
        text = " ".join(terms)
        return queryset.filter(
            RawSQL(f"{_TSV} @@ {_TSQUERY}", [text], output_field=BooleanField())
        ).order_by("-date", "-pk")

    def _head(self, queryset, kind: str, words: list[str]):
        condition = f"{HEAD_TSV} @@ to_tsquery('simple'::regconfig, %s)"
        return queryset.filter(
            RawSQL(condition, [_tsquery_text(kind, words)], output_field=BooleanField())
        )

    def exclude(self, queryset, ids: list[int]):
        # One array parameter, not thousands of literals to compile and plan.
        return queryset.filter(
            RawSQL(
                'NOT ("search_searchdocument"."id" = ANY(%s))', [ids], output_field=BooleanField()
            )
        )

    def estimate(self, queryset, terms: list[str]) -> int | None:
        # The planner's row estimate of the match (statistics of body_tsv): no row is read.
        matched = self.match(queryset, terms) if terms else queryset
        plan = json.loads(matched.order_by().values("pk").explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])

    def fallback(self, queryset, terms: list[str], *, narrowed: bool = False):
        # Word similarity (pg_trgm, above pg_trgm.word_similarity_threshold) of the query
        # and the ranked fields only (HEAD_TEXT, a few hundred characters, GIN trigram index
        # of migration 0009): a typo in the số ký hiệu, trích yếu, issuer or signer. Never
        # the body: comparing whole attachment texts took seconds (issue 12). When the scope
        # already narrowed the rows, ``|| ''`` (not the indexed expression) makes PostgreSQL
        # test only those rows instead of looking the trigrams up in the whole index.
        #
        # Over the whole table (a system administrator, not narrowed) the trigrams of a
        # query of common syllables occur in most rows, so the index hands back a large
        # share of the table to recheck (0.4 s at 6,560 rows, issue 12). Instead, each
        # word the vocabulary does not know is corrected to its nearest word there, and
        # the corrected words are matched exactly in the ranked fields (``head_tsv``,
        # GIN): the cost follows the vocabulary and the matches, not the table.
        text = " ".join(terms)
        if not narrowed:
            corrected = self.correct(terms)
            if corrected == terms:  # nothing to correct: the exact match already failed
                queryset = queryset.none()
            else:
                queryset = self._head(queryset, "all", corrected)
            head = HEAD_TEXT
            return queryset.annotate(
                similarity=RawSQL(f"word_similarity(%s, {head})", [text], output_field=FloatField())
            ).order_by("-similarity", "-date", "-pk")
        head = HEAD_TEXT + " || ''"
        return (
            queryset.filter(RawSQL(f"%s <%% ({head})", [text], output_field=BooleanField()))
            .annotate(
                similarity=RawSQL(f"word_similarity(%s, {head})", [text], output_field=FloatField())
            )
            .order_by("-similarity", "-date", "-pk")
        )


#: pg_trgm's default ``pg_trgm.similarity_threshold``: ``%`` holds at this similarity or more.
SIMILARITY_THRESHOLD = 0.3


def trigrams(word: str) -> set[str]:
    """The trigrams of one folded word as pg_trgm counts them: padded with two spaces in
    front and one behind ("ke" → "  k", " ke", "ke ")."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity``: shared trigrams over the trigrams of either word."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb)


def _fts_phrase(word: str) -> str:
    # Each word quoted: FTS5 query syntax never comes from the user.
    return '"{}"'.format(word.replace('"', '""'))


#: FTS5's trigram tokenizer (SQLite 3.34): without it, no typo fallback (migration 0012
#: creates no ``search_word_fts`` then).
HAS_TRIGRAMS = sqlite3.sqlite_version_info >= (3, 34, 0)


class SQLiteBackend(Backend):
    table = "search_fts"
    head_table = "search_head_fts"
    #: The vocabulary padded as pg_trgm pads a word ("  ke "), trigram-tokenized: filled by
    #: triggers on ``search_searchword`` (migration 0012), so INSERT OR IGNORE of a known
    #: word adds nothing.
    word_table = "search_word_fts"

    def index_many(self, rows) -> None:
        ids = [r.pk for r in rows]
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT OR IGNORE INTO search_searchword (word) VALUES (%s)",
                [(w,) for w in vocabulary(rows)],
            )
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid IN ({marks})", ids)
            cursor.executemany(
                f"INSERT INTO {self.table} (rowid, body) VALUES (%s, %s)",
                [(r.pk, r.body) for r in rows],
            )
            cursor.execute(f"DELETE FROM {self.head_table} WHERE rowid IN ({marks})", ids)
            cursor.executemany(
                f"INSERT INTO {self.head_table} (rowid, number, subject, people) "
                "VALUES (%s, %s, %s, %s)",
                [
                    (
                        r.pk,
                        r.number_folded,
                        r.subject_folded,
                        f"{r.issuer_folded} {r.signer_folded}",
                    )
                    for r in rows
                ],
            )

    def remove(self, row_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid = %s", [row_id])
            cursor.execute(f"DELETE FROM {self.head_table} WHERE rowid = %s", [row_id])

    def reset(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")
            cursor.execute(f"DELETE FROM {self.head_table}")

    def _body_ids(self, terms: list[str]) -> RawSQL:
        expression = " ".join(_fts_phrase(t) for t in terms)
        return RawSQL(f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s", [expression])

    def match(self, queryset, terms: list[str]):
        return queryset.filter(pk__in=self._body_ids(terms)).order_by("-date", "-pk")

    def _head(self, queryset, kind: str, words: list[str]):
        if kind == "phrase":
            expression = "{number subject} : " + _fts_phrase(" ".join(words))
        elif kind == "number_subject":
            expression = "{number subject} : (" + " AND ".join(map(_fts_phrase, words)) + ")"
        else:
            expression = (" OR " if kind == "any" else " AND ").join(map(_fts_phrase, words))
        sql = f"SELECT rowid FROM {self.head_table} WHERE {self.head_table} MATCH %s"
        return queryset.filter(pk__in=RawSQL(sql, [expression]))

    def _nearest(self, cursor, term: str) -> str | None:
        """The vocabulary word most similar to ``term`` (pg_trgm ``%``), or None.

        Candidates come from the trigram table, not a scan of the vocabulary. A word
        similar enough shares at least 0.3 of the query word's trigrams (similarity ≤
        shared / the query word's trigrams), so from 4 trigrams on (3 letters) it shares
        at least two, one of them not the first ("  k", every word starting with k): that
        one is left out of the lookup. The candidates are scored exactly in Python.
        """
        wanted = sorted(trigrams(term))
        if len(wanted) >= 4:
            wanted.remove(f"  {term[0]}")
        expression = " OR ".join(_fts_phrase(t) for t in wanted)
        cursor.execute(
            f"SELECT word FROM {self.word_table} WHERE {self.word_table} MATCH %s", [expression]
        )
        best, best_similarity = None, SIMILARITY_THRESHOLD
        for word in sorted(r[0].strip() for r in cursor.fetchall()):
            value = similarity(term, word)
            if value > best_similarity or (value == best_similarity and best is None):
                best, best_similarity = word, value
        return best

    def correct(self, terms: list[str]) -> list[str]:
        """``terms`` with each word the vocabulary does not know replaced by its nearest
        (``PostgresBackend.correct``: a word with a digit is kept, so is a word with no
        near word)."""
        out = []
        with connection.cursor() as cursor:
            for term in terms:
                if any(c.isdigit() for c in term):
                    out.append(term)
                    continue
                cursor.execute("SELECT 1 FROM search_searchword WHERE word = %s", [term])
                known = cursor.fetchone() is not None
                out.append(term if known else self._nearest(cursor, term) or term)
        return out

    def fallback(self, queryset, terms: list[str], *, narrowed: bool = False):
        # The corrected words matched exactly in the ranked fields (search_head_fts), in or
        # out of a scope: SQLite serves a small installation, whose vocabulary lookup and
        # head match cost less than comparing every row in scope. Ordered by the exact
        # search's score of the corrected query, as if it had been typed that way.
        if not HAS_TRIGRAMS:
            return None
        corrected = self.correct(terms)
        # Nothing to correct: the exact match already failed.
        found = queryset.none() if corrected == terms else self._head(queryset, "all", corrected)
        return found.annotate(similarity=score(" ".join(corrected))).order_by(
            "-similarity", "-date", "-pk"
        )

    #: Rows of the text match whose scope is checked to estimate the scoped count.
    SAMPLE = 500

    def estimate(self, queryset, terms: list[str]) -> int | None:
        if not terms:
            return None  # filters only: SQLite counts them exactly
        # Every text match from the FTS index alone (row ids only), then the scope and the
        # filters checked on an even sample of them: matches × the share in scope.
        sql, params = self._body_ids(terms).sql, self._body_ids(terms).params
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [r[0] for r in cursor.fetchall()]
        if not ids:
            return 0
        step = max(1, len(ids) // self.SAMPLE)
        sample = ids[::step]
        inside = queryset.filter(pk__in=sample).count()
        return round(len(ids) * inside / len(sample))


def get_backend() -> Backend:
    vendor = connection.vendor
    if vendor == "postgresql":
        return PostgresBackend()
    if vendor == "sqlite":
        return SQLiteBackend()
    return Backend()
