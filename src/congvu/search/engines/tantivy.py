"""The full-text index of one node, in tantivy (ADR 0006, option B).

One directory per node (``SEARCH_INDEX_DIR``): ``current`` is a symlink to the live
index directory (``index-<time>``), switched atomically by a rebuild
(``engines.sync.rebuild``). Each index directory holds, beside tantivy's files,
``congvu-position.json``: how far this index has followed ``SearchChange``
(``engines.sync``).

What is indexed is the ``SearchDocument`` row, already folded by
``congvu.search.text.search_fold`` (lower case, marks dropped, đ → d), so the index
and the PostgreSQL/SQLite match see the same words; tantivy's analyser only splits
them. The trích yếu is indexed once more with its marks (``subject_x``), so a word
typed with marks ranks "nhiễm" above "nhiệm".

Queries are built as query objects, never parsed from the text typed: a user
cannot write tantivy syntax. The scope (:func:`scope_query`) restates
``congvu.search.policies`` over the row's access tokens, kind and secrecy, so the
count never includes a document the person may not open; the page's rows are then
read through ``restrict()`` all the same (``selectors``).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import tantivy

from ..ranking import EXACT_MARKS, EXACT_NUMBER, MAX_SCORED_WORDS, NUMBER, PEOPLE, PHRASE, SUBJECT
from ..text import exact_terms, search_exact, search_fold

CURRENT = "current"
POSITION = "congvu-position.json"
#: Stored in each index's position file: a change of the schema needs a rebuild.
SCHEMA_VERSION = 1

#: Each query word must occur in the body (which holds every part of the document, as the
#: database match; weight 1); the ranked fields add their weight (``ranking.py``'s order).
RANKED_BOOSTS = (("number", NUMBER), ("subject", SUBJECT), ("people", PEOPLE))


def _schema():
    b = tantivy.SchemaBuilder()
    b.add_text_field("key", stored=True, tokenizer_name="raw")
    b.add_text_field("kind", tokenizer_name="raw", index_option="basic")
    b.add_text_field("number_raw", tokenizer_name="raw", index_option="basic")
    b.add_text_field("number", tokenizer_name="vi")
    b.add_text_field("subject", tokenizer_name="vi")
    b.add_text_field("subject_x", tokenizer_name="vi")
    b.add_text_field("people", tokenizer_name="vi", index_option="freq")
    b.add_text_field("issuer", tokenizer_name="vi", index_option="basic")
    # No positions in the body: phrases are scored on the trích yếu (as ranking.py does).
    b.add_text_field("body", tokenizer_name="vi", index_option="freq")
    b.add_text_field("access", tokenizer_name="raw", index_option="basic")
    b.add_text_field("status", tokenizer_name="raw", index_option="basic")
    b.add_integer_field("row", stored=True)
    b.add_integer_field("date", stored=True, indexed=True, fast=True)
    b.add_integer_field("secrecy", indexed=True, fast=True)
    b.add_integer_field("doc_type", indexed=True)
    b.add_integer_field("register", indexed=True)
    return b.build()


SCHEMA = _schema()


def _register_tokenizers(index) -> None:
    # The text is folded (or lower-cased, subject_x) before it reaches tantivy: splitting
    # on what is not a letter or digit is all that is left to do.
    analyser = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(
        tantivy.Filter.lowercase()
    )
    index.register_tokenizer("vi", analyser.build())


def _ordinal(day: datetime.date | None) -> int:
    return day.toordinal() if day else 0


def key_of(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


def document(row) -> tantivy.Document:
    """The tantivy document of a ``SearchDocument`` row."""
    doc = tantivy.Document()
    doc.add_text("key", key_of(row.kind, row.object_id))
    doc.add_text("kind", row.kind)
    doc.add_text("number_raw", row.number_folded)
    doc.add_text("number", row.number_folded)
    doc.add_text("subject", row.subject_folded)
    doc.add_text("subject_x", search_exact(row.subject or ""))
    doc.add_text("people", f"{row.issuer_folded} {row.signer_folded}")
    doc.add_text("issuer", row.issuer_folded)
    doc.add_text("body", row.body)
    for token in (row.access or "").split():
        doc.add_text("access", token)
    doc.add_text("status", row.status or "")
    doc.add_integer("row", row.pk)
    doc.add_integer("date", _ordinal(row.date))
    doc.add_integer("secrecy", row.secrecy)
    doc.add_integer("doc_type", row.document_type_id or 0)
    doc.add_integer("register", row.register_id or 0)
    return doc


def _q_term(field: str, value) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, field, value)


def _q_terms(field: str, values) -> tantivy.Query:
    values = sorted(values)
    if not values:
        return tantivy.Query.empty_query()
    return tantivy.Query.term_set_query(SCHEMA, field, values)


def _q_range(field: str, low=None, high=None) -> tantivy.Query:
    return tantivy.Query.range_query(SCHEMA, field, tantivy.FieldType.Integer, low, high)


def _all(*queries) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def _any(*queries) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def scope_query(actor) -> tantivy.Query | None:
    """The documents ``actor`` may open, as a filter; None: nothing at all.

    ``policies.py``'s rule word for word, over the row's tokens (``access.py``: ``~d``
    the document's unit, ``~u`` a person named on it, ``~m`` a unit assigned to it),
    its kind and its secrecy. ``tests/search/test_tantivy.py`` checks it gives the same
    documents as ``restrict()`` for every role.
    """
    from congvu.incoming.policies import desk_unit_ids
    from congvu.outgoing.policies import UNIT_WIDE_ROLES, units_with

    from ..policies import _INCOMING_MAX_SECRECY

    if not actor.is_official:
        return None
    incoming, outgoing = _q_term("kind", "incoming"), _q_term("kind", "outgoing")
    max_in = min(actor.clearance, _INCOMING_MAX_SECRECY)
    if actor.is_system_admin:
        return _any(_all(incoming, _q_range("secrecy", high=max_in)), outgoing)
    desk, admin = desk_unit_ids(actor), set(actor.admin_unit_ids)
    units = lambda ids: _q_terms("access", {f"~d{u}" for u in ids})  # noqa: E731
    me = _q_term("access", f"~u{actor.user_id}")
    assigned = _any(me, _q_terms("access", {f"~m{u}" for u in actor.unit_ids}))
    rules = [
        _all(incoming, _q_term("secrecy", 0), units(desk | admin)),
        _all(incoming, _q_range("secrecy", high=max_in), assigned),
        _all(
            outgoing,
            _q_range("secrecy", high=actor.clearance),
            units(units_with(actor, UNIT_WIDE_ROLES) | admin),
        ),
        _all(outgoing, me),
    ]
    if max_in >= 1:
        rules.append(_all(incoming, _q_term("secrecy", 1), units(desk)))
    return _any(*rules)


def filter_queries(filters: dict) -> list[tantivy.Query]:
    """``selectors._apply_filters`` as tantivy filters."""
    out = []
    f = filters
    if f.get("kind"):
        out.append(_q_term("kind", str(f["kind"])))
    if f.get("type"):
        out.append(_q_term("doc_type", int(getattr(f["type"], "pk", f["type"]))))
    if f.get("issuer"):
        # Each typed word begins a word of the issuer, as the database's filter. A folded
        # word is [0-9a-z] only: nothing to escape in the pattern.
        out += [
            tantivy.Query.regex_query(SCHEMA, "issuer", f"{w}.*")
            for w in search_fold(f["issuer"]).split()
        ]
    if f.get("date_from") or f.get("date_to"):
        low = _ordinal(f.get("date_from")) or None
        high = _ordinal(f.get("date_to")) or None
        # A document without a date (0) is outside any date range, as in SQL.
        out.append(_q_range("date", max(low or 1, 1), high))
    if f.get("register"):
        out.append(_q_term("register", int(getattr(f["register"], "pk", f["register"]))))
    if f.get("status"):
        out.append(_q_term("status", str(f["status"])))
    if "secrecy" in f:
        out.append(_q_term("secrecy", int(f["secrecy"])))
    return out


def text_query(query: str) -> tantivy.Query | None:
    """Every folded word somewhere in the document; weights, phrase and marks as boosts."""
    words = search_fold(query).split()
    terms = list(dict.fromkeys(words))
    if not terms:
        return None
    # Every word in the body (which holds every part of the row, as the database's match
    # requires); the ranked fields only add their score where they hold it. The same
    # scores as a required "any field" per word, but the body's posting lists alone drive
    # the intersection, skipping to the scope's documents instead of walking a union of
    # four lists per word (2–3 times faster on mid-frequency words).
    clauses = [(tantivy.Occur.Must, _q_term("body", w)) for w in terms]
    clauses += [
        (tantivy.Occur.Should, tantivy.Query.boost_query(_q_term(f, w), b))
        for w in terms
        for f, b in RANKED_BOOSTS
    ]
    scored = words[:MAX_SCORED_WORDS]
    phrase = " ".join(scored)
    boosts = [tantivy.Query.boost_query(_q_term("number_raw", phrase), EXACT_NUMBER)]
    if len(scored) > 1:
        boosts.append(
            tantivy.Query.boost_query(tantivy.Query.phrase_query(SCHEMA, "subject", scored), PHRASE)
        )
    boosts += [
        tantivy.Query.boost_query(_q_term("subject_x", w), EXACT_MARKS)
        for w in exact_terms(query)[:MAX_SCORED_WORDS]
    ]
    clauses += [(tantivy.Occur.Should, q) for q in boosts]
    return tantivy.Query.boolean_query(clauses)


@dataclass(frozen=True)
class Hit:
    """One match: its score, its date (ordinal, 0 for none) and its index row's id."""

    score: float
    date: int
    row: int


class TantivyIndex:
    """One index directory, opened for reading and for writing (one writer at a time,
    ``engines.sync``)."""

    def __init__(self, path: Path, *, create: bool = False):
        self.path = Path(path)
        if create:
            self.path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(SCHEMA, path=str(self.path), reuse=not create)
        _register_tokenizers(self.index)
        self._seen = None

    # Position ---------------------------------------------------------------------------
    def read_position(self) -> dict:
        try:
            data = json.loads((self.path / POSITION).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"applied": 0, "missing": {}, "schema": SCHEMA_VERSION}
        data["missing"] = {int(k): v for k, v in data.get("missing", {}).items()}
        return data

    def write_position(self, state: dict) -> None:
        tmp = self.path / f".{POSITION}.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(
            json.dumps({**state, "schema": SCHEMA_VERSION}, sort_keys=True), encoding="utf-8"
        )
        os.replace(tmp, self.path / POSITION)

    # Writing ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writer(self, heap: int):
        """A writer whose work is committed at the end of the block, or rolled back."""
        writer = self.index.writer(heap_size=heap, num_threads=1)
        try:
            yield writer
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            # Merges finish before the writer (and the node's lock) is let go.
            writer.wait_merging_threads()
            self._seen = None

    def apply(self, keys, rows, *, heap: int = 50_000_000) -> None:
        """Replace the documents ``keys`` (``(kind, object_id)``) by ``rows`` (those still
        indexed), in one commit. Applying the same change twice gives the same index."""
        with self._writer(heap) as writer:
            for kind, object_id in keys:
                writer.delete_documents_by_term("key", key_of(kind, object_id))
            for row in rows:
                writer.add_document(document(row))

    def bulk(self, rows, *, heap: int = 256_000_000, every: int = 100_000) -> int:
        """Add ``rows`` (an iterable, a fresh index: nothing is deleted) with one writer,
        committing every ``every`` documents; returns how many."""
        n = 0
        with self._writer(heap) as writer:
            for row in rows:
                writer.add_document(document(row))
                n += 1
                if n % every == 0:
                    writer.commit()
        return n

    # Reading ----------------------------------------------------------------------------
    def _fresh_searcher(self):
        # Reload only when a commit happened since (the position file is written after it).
        try:
            stamp = (self.path / POSITION).stat().st_mtime_ns
        except FileNotFoundError:
            stamp = None
        if stamp != self._seen:
            self.index.reload()
            self._seen = stamp
        return self.index.searcher()

    def search(self, actor, query: str, filters: dict, *, limit: int) -> tuple[list[Hit], int]:
        """The best ``limit`` hits (score, then newest, then newest row) and the count."""
        text = text_query(query)
        scope = scope_query(actor)
        if text is None or scope is None:
            return [], 0
        quiet = [tantivy.Query.const_score_query(q, 0.0) for q in [scope, *filter_queries(filters)]]
        full = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, text)] + [(tantivy.Occur.Must, q) for q in quiet]
        )
        searcher = self._fresh_searcher()
        result = searcher.search(full, limit=limit, count=True)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            hits.append(Hit(float(score), int(doc["date"][0]), int(doc["row"][0])))
        hits.sort(key=lambda h: (-h.score, -h.date, -h.row))
        return hits, result.count

    def count(self) -> int:
        return self._fresh_searcher().num_docs
