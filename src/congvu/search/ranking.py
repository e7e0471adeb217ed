"""How search results are ordered (issue 12): fields first, then phrase, marks, recency.

The text match (``backends.py``) decides *which* rows are found: every folded
query word somewhere in the document. The order is a score computed in SQL over
the short ranked columns of the index row only (never the body, never a
``tsvector``), so it costs a few string searches per match and reads nothing
that PostgreSQL keeps out of line:

- số ký hiệu typed exactly (folded): far above everything;
- the whole query as a phrase in the trích yếu or the số ký hiệu;
- each query word in the số ký hiệu, the trích yếu, then the issuer or signer
  (weights ``NUMBER`` > ``SUBJECT`` > ``PEOPLE``; the body adds nothing: every
  match has every word in it);
- each pair of adjacent query words adjacent in the trích yếu (proximity);
- each query word typed with marks found with the same marks (``head_exact``):
  "nhiễm" ranks "truyền nhiễm" above "nhiệm vụ";
- then the newest document, then the newest row.

The same SQL runs on SQLite and PostgreSQL (``INSTR`` or ``STRPOS``), so both
rank alike; ``tests/search/test_relevance.py`` measures it.
"""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import FloatField
from django.db.models.expressions import RawSQL

from .text import exact_terms, search_exact, search_fold

EXACT_NUMBER = 100.0
PHRASE = 10.0
NUMBER = 3.0
SUBJECT = 2.0
PEOPLE = 1.0
ADJACENT = 1.0
EXACT_MARKS = 1.5
#: Words of a query that are scored: the expression stays bounded whatever is typed.
MAX_SCORED_WORDS = 10


def ranked_columns(number_notation: str, subject: str, issuer: str, signer: str) -> dict:
    """The columns the score reads, from a document's own fields (also migration 0007)."""
    return {
        "number_folded": search_fold(number_notation or "")[:60],
        "subject_folded": search_fold(subject or ""),
        "signer_folded": search_fold(signer or "")[:255],
        "head_exact": search_exact(" ".join(p for p in (subject, issuer, signer) if p)),
    }


_TABLE = '"search_searchdocument"'


def _has(field: str) -> str:
    # Padded with spaces on both sides: whole words only ("an" is not in "ban").
    # INSTR (SQLite) and STRPOS (PostgreSQL) are the same function.
    find = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
    return f"{find}(' ' || {_TABLE}.\"{field}\" || ' ', %s) > 0"


def _case(tests: list[tuple[str, str]], weight: float) -> tuple[str, list[str]]:
    # The first test that holds gives ``weight`` (a word in the issuer or the signer
    # counts once).
    whens = " ".join(f"WHEN {_has(field)} THEN {weight}" for field, _ in tests)
    return f"CASE {whens} ELSE 0.0 END", [f" {words} " for _, words in tests]


@functools.lru_cache(maxsize=512)
def _score_sql(query: str, vendor: str) -> tuple[str, tuple]:
    words = search_fold(query).split()[:MAX_SCORED_WORDS]
    if not words:
        return "0.0", ()
    phrase = " ".join(words)
    parts = [
        (f'CASE WHEN {_TABLE}."number_folded" = %s THEN {EXACT_NUMBER} ELSE 0.0 END', [phrase])
    ]
    if len(words) > 1:
        parts.append(_case([("subject_folded", phrase), ("number_folded", phrase)], PHRASE))
    for word in dict.fromkeys(words):
        parts.append(_case([("number_folded", word)], NUMBER))
        parts.append(_case([("subject_folded", word)], SUBJECT))
        parts.append(_case([("issuer_folded", word), ("signer_folded", word)], PEOPLE))
    for pair in dict.fromkeys(f"{a} {b}" for a, b in zip(words, words[1:], strict=False)):
        parts.append(_case([("subject_folded", pair)], ADJACENT))
    for word in exact_terms(query)[:MAX_SCORED_WORDS]:
        parts.append(_case([("head_exact", word)], EXACT_MARKS))
    sql = "(" + " + ".join(sql for sql, _ in parts) + ")"
    return sql, tuple(p for _, params in parts for p in params)


def score(query: str):
    """The relevance of a row for ``query``, as an SQL expression (higher is better).

    Written as SQL text, kept per query (``_score_sql``): as a tree of Django
    expressions (Case, When, Concat, StrIndex per word and field) compiling it cost more
    than PostgreSQL spent running the search (issue 12, query latency).
    """
    sql, params = _score_sql(query, connection.vendor)
    return RawSQL(sql, params, output_field=FloatField())


def ranked(queryset, query: str):
    """``queryset`` ordered best first for ``query``."""
    return queryset.annotate(relevance=score(query)).order_by("-relevance", "-date", "-pk")
