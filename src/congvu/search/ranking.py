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

The same expressions run on SQLite and PostgreSQL (``StrIndex`` is ``INSTR`` or
``STRPOS``), so both rank alike; ``tests/search/test_relevance.py`` measures it.
"""

from __future__ import annotations

from django.db.models import Case, F, FloatField, TextField, Value, When
from django.db.models.functions import Concat, StrIndex
from django.db.models.lookups import GreaterThan

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


def _contains(field: str, words: str, weight: float) -> When:
    # Padded with spaces on both sides: whole words only ("an" is not in "ban").
    padded = Concat(Value(" "), F(field), Value(" "), output_field=TextField())
    return When(GreaterThan(StrIndex(padded, Value(f" {words} ")), 0), then=Value(weight))


def _term(field: str, words: str, weight: float):
    return Case(_contains(field, words, weight), default=Value(0.0), output_field=FloatField())


def score(query: str):
    """The relevance of a row for ``query``, as an SQL expression (higher is better)."""
    words = search_fold(query).split()[:MAX_SCORED_WORDS]
    if not words:
        return Value(0.0, output_field=FloatField())
    phrase = " ".join(words)
    parts = [
        Case(
            When(number_folded=phrase, then=Value(EXACT_NUMBER)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    ]
    if len(words) > 1:
        parts.append(
            Case(
                _contains("subject_folded", phrase, PHRASE),
                _contains("number_folded", phrase, PHRASE),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    for word in dict.fromkeys(words):
        parts += [
            _term("number_folded", word, NUMBER),
            _term("subject_folded", word, SUBJECT),
            Case(
                _contains("issuer_folded", word, PEOPLE),
                _contains("signer_folded", word, PEOPLE),
                default=Value(0.0),
                output_field=FloatField(),
            ),
        ]
    for pair in dict.fromkeys(f"{a} {b}" for a, b in zip(words, words[1:], strict=False)):
        parts.append(_term("subject_folded", pair, ADJACENT))
    for word in exact_terms(query)[:MAX_SCORED_WORDS]:
        parts.append(_term("head_exact", word, EXACT_MARKS))
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def ranked(queryset, query: str):
    """``queryset`` ordered best first for ``query``."""
    return queryset.annotate(relevance=score(query)).order_by("-relevance", "-date", "-pk")
