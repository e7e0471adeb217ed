"""Search reads: scope first (``restrict``), then filters, then the text match."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db.models import F, Q
from django.urls import reverse
from django.utils.safestring import SafeString

from congvu.core.authz import as_actor

from .backends import get_backend
from .models import Kind, SearchDocument
from .paging import (
    MAX_OFFSET,
    NEXT,
    PREVIOUS,
    InvalidCursor,
    after_q,
    before_q,
    decode_with_offset,
    encode,
    fingerprint,
    key_pk,
    row_key,
)
from .ranking import MAX_SCORED_WORDS, ranked, score
from .text import highlight, highlight_terms, query_terms, search_fold

logger = logging.getLogger(__name__)

#: Rows scored per search at most (``_candidates``); setting ``SEARCH_CANDIDATES``.
CANDIDATES = 1000
#: Totals above this are estimated ("khoảng 12.000 kết quả"); ``SEARCH_EXACT_COUNT_UP_TO``.
EXACT_COUNT_UP_TO = 1000

FILTER_KEYS = (
    "kind",
    "type",
    "issuer",
    "date_from",
    "date_to",
    "register",
    "status",
    "secrecy",
)


def _apply_filters(qs, filters: dict):
    f = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("type"):
        qs = qs.filter(document_type_id=getattr(f["type"], "pk", f["type"]))
    if f.get("issuer"):
        # Each typed word begins a word of the issuer ("so noi" finds Sở Nội vụ, "inh" not
        # Vĩnh Long), as the node index's filter (``engines.tantivy.filter_queries``).
        for word in search_fold(f["issuer"]).split():
            qs = qs.filter(
                Q(issuer_folded__startswith=word) | Q(issuer_folded__contains=f" {word}")
            )
    if f.get("date_from"):
        qs = qs.filter(date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(date__lte=f["date_to"])
    if f.get("register"):
        qs = qs.filter(register_id=getattr(f["register"], "pk", f["register"]))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if "secrecy" in f:
        qs = qs.filter(secrecy=int(f["secrecy"]))
    return qs


def search_documents(*, actor, query: str = "", filters: dict | None = None):
    """Index rows the actor may see matching ``query`` and ``filters``, best first.

    Nothing without a query or a filter (the box is not a list of everything).
    """
    a = as_actor(actor)
    terms = query_terms(query)
    active = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    if not terms and not active:
        return SearchDocument.objects.none()
    qs = _apply_filters(SearchDocument.objects.restrict(a, "view"), active)
    if not terms:
        return qs.order_by("-date", "-pk")
    backend = get_backend()
    found = ranked(backend.match(qs, terms), query)
    if found.exists():
        return found
    # Only now: a fallback may query at once (the vocabulary's corrections).
    loose = backend.fallback(qs, terms, narrowed=not a.is_system_admin)
    return found if loose is None else loose


@dataclass(frozen=True)
class SearchHit:
    """One result: the index row, its link and the highlighted snippet (safe HTML)."""

    kind: str
    kind_label: str
    object_id: int
    number_notation: str
    subject: SafeString
    issuer: str
    date: datetime.date | None
    status: str
    status_label: str
    secrecy: int
    snippet: SafeString
    url: str


def status_choices() -> list[tuple[str, str]]:
    """Statuses of both kinds, for the filter (same key, one entry)."""
    from congvu.incoming.constants import Status as InStatus
    from congvu.outgoing.constants import Status as OutStatus

    seen: dict[str, str] = {}
    for value, label in [*InStatus.choices, *OutStatus.choices]:
        seen.setdefault(value, label)
    return list(seen.items())


def status_label(kind: str, status: str) -> str:
    from congvu.incoming.constants import Status as InStatus
    from congvu.outgoing.constants import Status as OutStatus

    enum = InStatus if kind == Kind.INCOMING else OutStatus
    try:
        return str(enum(status).label)
    except ValueError:
        return status


#: The columns :func:`to_hits` reads.
HIT_FIELDS = (
    "kind",
    "object_id",
    "number_notation",
    "subject",
    "issuer",
    "date",
    "status",
    "secrecy",
    "content",
)
_DETAIL = {Kind.INCOMING: "incoming:detail", Kind.OUTGOING: "outgoing:detail"}


def to_hits(rows, query: str) -> list[SearchHit]:
    terms = highlight_terms(query)
    return [
        SearchHit(
            kind=row.kind,
            kind_label=str(Kind(row.kind).label),
            object_id=row.object_id,
            number_notation=row.number_notation,
            subject=highlight(row.subject, terms, width=400),
            issuer=row.issuer,
            date=row.date,
            status=row.status,
            status_label=status_label(row.kind, row.status),
            secrecy=row.secrecy,
            snippet=highlight(row.content, terms),
            url=reverse(_DETAIL[row.kind], args=[row.object_id]),
        )
        for row in rows
    ]


def _settings() -> tuple[int, int]:
    from django.conf import settings

    return (
        getattr(settings, "SEARCH_CANDIDATES", CANDIDATES),
        getattr(settings, "SEARCH_EXACT_COUNT_UP_TO", EXACT_COUNT_UP_TO),
    )


def _candidates(backend, base, terms: list[str], query: str, bound: int) -> tuple[list, list]:
    """The ranked candidates: ``(sorted keys, ids)``, at most ``bound`` rows.

    For a query with more matches than ``bound`` (``search_page`` ranks fewer exactly).
    Taken tier by tier (``Backend.tiers``: phrase in số ký hiệu or trích yếu, every
    word there, every word in the ranked fields, any word there), newest first within
    a tier, until ``bound`` rows; only they are scored. A match outside every tier has
    no query word in its ranked fields, so its score is 0: the date-ordered rest after
    the candidates is then the exact order. When the tiers hold more than ``bound`` rows,
    the older rows of the loosest tier taken wait in the rest (by date), unscored.
    """
    words = search_fold(query).split()[:MAX_SCORED_WORDS]
    relevance = score(query)
    found: dict[int, tuple] = {}
    for tier in backend.tiers(base, words, terms):
        room = bound - len(found)
        if room <= 0:
            break
        # Tiers are nested (each holds the previous ones): ask for as many more as are known.
        # Scored in the same statement: the rows are read anyway, no second pass by id.
        newest = (
            tier.annotate(relevance=relevance)
            .order_by(F("date").desc(nulls_last=True), F("pk").desc())
            .values_list("pk", "relevance", "date")
        )
        for pk, points, day in newest[: len(found) + room]:
            if pk not in found:
                found[pk] = row_key(0, points, day, pk)
                if len(found) >= bound:
                    break
    return sorted(found.values()), list(found)


def _rest_keys(rest, exclude: list, key: tuple | None, direction: str, n: int) -> list:
    """Up to ``n`` keys of the date-ordered rest after (or, backwards, before) ``key``."""
    qs = get_backend().exclude(rest, exclude) if exclude else rest
    if direction == NEXT:
        if key is not None:
            qs = qs.filter(after_q(key))
        qs = qs.order_by(F("date").desc(nulls_last=True), F("pk").desc())
    else:
        qs = qs.filter(before_q(key)).order_by(F("date").asc(nulls_first=True), F("pk").asc())
    return [row_key(1, 0, d, pk) for pk, d in qs.values_list("pk", "date")[:n]]


def _page_keys(cands, rest, exclude, position, limit) -> tuple[list, bool, bool]:
    """The keys of one page and whether pages exist before and after it."""
    direction, key = position or (NEXT, None)
    if direction == NEXT:
        got = [k for k in cands if key is None or k > key][: limit + 1]
        if len(got) <= limit and rest is not None:
            after = key if key is not None and key[0] == 1 else None
            got += _rest_keys(rest, exclude, after, NEXT, limit + 1 - len(got))
        return got[:limit], key is not None, len(got) > limit
    got = []
    if key[0] == 1 and rest is not None:
        got = _rest_keys(rest, exclude, key, PREVIOUS, limit + 1)
    if len(got) <= limit:
        got += [k for k in reversed(cands) if k < key][: limit + 1 - len(got)]
    return list(reversed(got[:limit])), len(got) > limit, True


def _about(n: int) -> int:
    """Two significant digits: 12.345 → 12.000 (an estimate shows no false precision)."""
    digits = len(str(n))
    return round(n, -(digits - 2)) if digits > 2 else n


def _count(backend, base, matched, terms, *, more_than: int = 0) -> tuple[int, bool]:
    """``(total, is_estimate)``: exact up to the threshold, then the backend's estimate.

    ``more_than``: already known to be exceeded (no exact count needed up to there).
    """
    _bound, threshold = _settings()
    if more_than < threshold:
        exact = matched.order_by().values("pk")[: threshold + 1].count()
        if exact <= threshold:
            return exact, False
    estimate = backend.estimate(base, terms)
    if estimate is None:
        return matched.order_by().count(), False
    return _about(max(estimate, threshold + 1)), True


@dataclass(frozen=True)
class SearchPage:
    """One page of results: hits, the total (or its estimate) and the cursors around it."""

    hits: list[SearchHit]
    total: int
    count_is_estimate: bool = False
    next_cursor: str | None = None
    previous_cursor: str | None = None


def search_page(*, actor, query: str = "", filters: dict | None = None, limit=20, cursor=None):
    """One :class:`SearchPage` of ``query`` within the actor's scope.

    ``cursor``: a ``next_cursor``/``previous_cursor`` of an earlier page of the same
    query and filters (``paging.InvalidCursor`` otherwise). With the node's full-text
    index (``engines``, ADR 0006) the words are matched and ranked there and the
    page's rows read through ``restrict()``; otherwise by the database: never ranks
    every match, at most ``SEARCH_CANDIDATES`` rows are scored (``_candidates``), the
    others follow by date; the total is exact up to ``SEARCH_EXACT_COUNT_UP_TO``, then
    estimated.
    """
    a = as_actor(actor)
    terms = query_terms(query)
    active = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    fp = fingerprint(query, active)
    direction, key, offset = decode_with_offset(cursor, fp) if cursor else (NEXT, None, 0)
    position = (direction, key) if key is not None else None
    if not terms and not active:
        return SearchPage(hits=[], total=0)
    index = _engine() if terms else None
    if index is not None:
        page = _engine_page(index, a, query, active, fp, position, offset, limit)
        if page is not None:
            return page
    if key is not None and key[0] == 2:
        # A page of the full-text engine, which this node lacks now or which has
        # no answer for it: refused before the database does any work.
        raise InvalidCursor()
    backend = get_backend()
    bound, _threshold = _settings()
    base = _apply_filters(SearchDocument.objects.restrict(a, "view"), active)
    cands, exclude, rest, total, estimated = [], [], base, 0, False
    if not terms:
        total, estimated = _count(backend, base, rest, terms)
    elif index is None:
        # Few matches (most searches within a person's scope): score them all, in one
        # statement that stops after bound + 1 rows. That is the whole list, exactly ranked.
        rest = backend.match(base, terms)
        probe = rest.order_by().annotate(relevance=score(query))
        every = list(probe.values_list("pk", "relevance", "date")[: bound + 1])
        if len(every) <= bound:
            cands, rest, total = (
                sorted(row_key(0, p, d, pk) for pk, p, d in every),
                None,
                len(every),
            )
        else:
            total, estimated = _count(backend, base, rest, terms, more_than=bound)
            cands, exclude = _candidates(backend, base, terms, query, bound)
    else:
        rest = None  # the engine found nothing: only the typo fallback is left
    if terms and not total:
        loose = backend.fallback(base, terms, narrowed=not a.is_system_admin)
        if loose is not None:
            rows = loose.values_list("pk", "similarity", "date")[:bound]
            cands, rest = sorted(row_key(0, s, d, pk) for pk, s, d in rows), None
            total, estimated = len(cands), len(cands) >= bound
    keys, has_previous, has_next = _page_keys(cands, rest, exclude, position, limit)
    rows = SearchDocument.objects.only(*HIT_FIELDS).in_bulk([key_pk(k) for k in keys])
    return SearchPage(
        hits=to_hits([rows[key_pk(k)] for k in keys if key_pk(k) in rows], query),
        total=total,
        count_is_estimate=estimated,
        next_cursor=encode(keys[-1], NEXT, fp) if has_next and keys else None,
        previous_cursor=encode(keys[0], PREVIOUS, fp) if has_previous and keys else None,
    )


def _engine():
    """The node's full-text index, brought up to the last committed change first (a
    process of this node that is already doing so is not waited for)."""
    from .engines import sync

    index = sync.current()
    if index is not None and sync.behind():
        try:
            sync.sync()
        except Exception:
            # The search still answers from what the node has; the changes stay to apply.
            logger.exception("Applying search changes to the node's index failed")
    return index


def _hit_key(hit) -> tuple:
    return (2, -hit.score, int(hit.date == 0), -hit.date, -hit.row)


def _engine_page(index, actor, query, active, fp, position, offset, limit) -> SearchPage | None:
    """One page from the full-text index; None when it matches nothing (the typo fallback
    is the database's).

    Pages are cut by the cursor's key (score, date, row) like the database's, so a page
    never repeats a row; the engine reads them from the top, up to the cursor's offset
    plus a margin for rows that rose above it meanwhile (a new document, or scores
    moved by the words of documents added since). Like a web search engine it pages
    through the first ``paging.MAX_OFFSET`` (10,000) results; the count is exact.
    """
    direction, key = position or (NEXT, None)
    if key is not None and key[0] != 2:
        raise InvalidCursor()  # a page of the database match, before this node's index existed
    margin = limit + 20
    want = offset + margin if key is not None else limit + 1
    while True:
        hits, total = index.search(actor, query, active, limit=want)
        keys = [_hit_key(h) for h in hits]
        if direction == NEXT:
            got = [k for k in keys if key is None or k > key][: limit + 1]
            done = len(got) > limit
        else:
            got = [k for k in keys if k < key][-(limit + 1) :]
            done = key in keys  # every row above it was read
        if done or len(hits) < want or want >= MAX_OFFSET + margin:
            break
        want = min(want * 2, MAX_OFFSET + margin)
    if not total:
        return None
    if direction == NEXT:
        page, has_previous, has_next = got[:limit], key is not None, len(got) > limit
    else:
        page, has_previous, has_next = got[-limit:], len(got) > limit, True
    first = keys.index(page[0]) if page else 0
    rows = (
        SearchDocument.objects.restrict(actor, "view")
        .only(*HIT_FIELDS)
        .in_bulk([key_pk(k) for k in page])
    )
    return SearchPage(
        hits=to_hits([rows[key_pk(k)] for k in page if key_pk(k) in rows], query),
        total=total,
        next_cursor=(
            encode(page[-1], NEXT, fp, min(first + len(page), MAX_OFFSET))
            if has_next and page
            else None
        ),
        previous_cursor=(
            encode(page[0], PREVIOUS, fp, min(first, MAX_OFFSET)) if has_previous and page else None
        ),
    )


def search(*, actor, query: str = "", filters: dict | None = None, limit=20, cursor=None):
    """``(hits, total)`` of one page of results (:func:`search_page`)."""
    page = search_page(actor=actor, query=query, filters=filters, limit=limit, cursor=cursor)
    return page.hits, page.total
