"""Folding for search and highlighting of folded matches in the original text."""

from __future__ import annotations

import functools
import html
import re
import unicodedata

from django.utils.safestring import SafeString, mark_safe

from congvu.core.text import fold

_NON_WORD = re.compile(r"[^0-9a-z]+")


@functools.cache
def _marks() -> re.Pattern:
    """Every nonspacing mark (category Mn) of the Basic Multilingual Plane, as one class."""
    marks = (chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Mn")
    return re.compile("[" + "".join(re.escape(c) for c in marks) + "]+")


def _fold_run(text: str) -> str:
    """``search_fold`` of any text, the marks removed by one compiled pattern."""
    if text and max(text) > "\uffff":
        return " ".join(_NON_WORD.sub(" ", fold(text)).split())
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join(_NON_WORD.sub(" ", _marks().sub("", text).lower()).split())


#: Folded form of each whitespace-separated token seen (bounded): administrative text is
#: a small vocabulary of syllables, so a long text is mostly dictionary look-ups.
_TOKENS: dict[str, str] = {}
_TOKENS_MAX = 100_000


def _fold_token(token: str) -> str:
    folded = _fold_run(token)
    if len(_TOKENS) >= _TOKENS_MAX:
        _TOKENS.clear()
    _TOKENS[token] = folded
    return folded


def search_fold(text: str) -> str:
    """``fold`` plus punctuation as spaces: "Quyết định 12/QĐ-UBND" → "quyet dinh 12 qd ubnd".

    The same result as ``" ".join(_NON_WORD.sub(" ", fold(text)).split())`` (folding never
    joins or splits across whitespace), token by token through a table of the tokens
    already folded: every indexed document's full text goes through here, about 4,000
    tokens of a few hundred distinct syllables (issue 12, indexing throughput).
    """
    if not text:
        return ""
    words = text.split()
    folded = list(map(_TOKENS.get, words))  # C-speed look-ups; None where not seen yet
    if None in folded:
        folded = [
            f if f is not None else _fold_token(w) for w, f in zip(words, folded, strict=True)
        ]
    return " ".join(filter(None, folded))


#: PostgreSQL indexes no word longer than 2,047 bytes (``to_tsvector`` skips it,
#: ``array_to_tsvector`` refuses it); a folded word is ASCII, one byte a character.
_LONG_WORD = re.compile(r"(?<![0-9a-z])[0-9a-z]{2048,}")


def index_body(content: str) -> str:
    """The folded text of an index row (``SearchDocument.body``): ``search_fold`` without
    words too long to index (base64 or other noise of an extracted attachment)."""
    body = search_fold(content)
    # A word of 2,048 characters covers a whole aligned block of 1,024 without a space:
    # a few C-speed look-ups rule it out before any pattern runs over the text.
    blocks = range(0, len(body) - 1023, 1024)
    if any(" " not in body[i : i + 1024] for i in blocks) and _LONG_WORD.search(body):
        body = " ".join(_LONG_WORD.sub(" ", body).split())
    return body


_NON_WORD_EXACT = re.compile(r"[\W_]+")


def search_exact(text: str) -> str:
    """Lower case with the marks kept, punctuation as spaces: "Truyền nhiễm!" → "truyền nhiễm"."""
    return " ".join(_NON_WORD_EXACT.sub(" ", unicodedata.normalize("NFC", text).lower()).split())


def exact_terms(query: str) -> list[str]:
    """The distinct query words typed with marks (or đ), lower case: those whose folding loses
    something, so the exact form can rank above the other words that fold the same."""
    seen: list[str] = []
    for word in search_exact(query).split():
        if search_fold(word) != word and word not in seen:
            seen.append(word)
    return seen


def query_terms(query: str) -> list[str]:
    """The distinct folded words of a query, in order."""
    seen: list[str] = []
    for word in search_fold(query).split():
        if word not in seen:
            seen.append(word)
    return seen


def _fold_char(ch: str) -> str:
    # One character folded as ``core.text.fold`` does; only used to build ``_VARIANTS``.
    ch = "d" if ch in "đĐ" else ch
    decomposed = unicodedata.normalize("NFD", ch)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def _variants() -> dict[str, str]:
    """For each folded character, every character that folds to it (the folding table)."""
    table: dict[str, set[str]] = {}
    for code in [*range(0x30, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(code)
        folded = _fold_char(ch)
        if len(folded) == 1 and folded in "0123456789abcdefghijklmnopqrstuvwxyz":
            table.setdefault(folded, set()).add(ch)
    return {k: "".join(sorted(v)) for k, v in table.items()}


_VARIANTS = _variants()
#: A word starts here: no letter, digit or combining mark (text in NFD) just before.
_WORD_START = r"(?<![^\W_])(?<![\u0300-\u036f])"
#: A word ends here: no letter or digit just after (trailing marks are taken possessively).
_WORD_END = r"(?![^\W_])"


@functools.lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern:
    """Every whole word of the original text that folds to ``term`` (a folded word).

    Each folded letter is the class of the letters that fold to it (the folding table
    ``_VARIANTS``), each followed by any combining marks (text in NFD), so the search
    runs in C over the original text and nothing is folded per character. Whole words
    only: "dan" finds "dân", "Dân", "dan", never the "dan" of "danh" (issue 12).
    """
    parts = [f"[{re.escape(_VARIANTS.get(c, c))}][\u0300-\u036f]*+" for c in term]
    return re.compile(_WORD_START + "".join(parts) + _WORD_END)


@functools.lru_cache(maxsize=1024)
def _exact_pattern(word: str) -> re.Pattern:
    """Every whole word of the original text equal to ``word`` with its marks, any case,
    in composed (NFC) or decomposed (NFD) form: "nhiễm" finds "Nhiễm", not "nhiệm"."""
    parts = []
    for ch in unicodedata.normalize("NFC", word):
        forms = dict.fromkeys(
            [
                ch,
                unicodedata.normalize("NFD", ch),
                ch.upper(),
                unicodedata.normalize("NFD", ch.upper()),
            ]
        )
        parts.append("(?:" + "|".join(re.escape(f) for f in forms) + ")")
    return re.compile(_WORD_START + "".join(parts) + _WORD_END)


def highlight_terms(query: str) -> list[str]:
    """The words of ``query`` to highlight: lower case, marks kept, distinct.

    A word typed with marks highlights its exact form where the text has it and any
    form that folds like it otherwise (``highlight``); a word typed without marks, every
    form that folds to it.
    """
    seen: list[str] = []
    for word in search_exact(query).split():
        for piece in search_fold(word).split() if search_fold(word) == word else [word]:
            if piece not in seen:
                seen.append(piece)
    return seen


def _patterns(text: str, terms: list[str]) -> tuple[list[re.Pattern], int | None]:
    """The patterns to mark in ``text`` and where the first match starts (None: none).

    A term with marks whose exact form the text holds: its exact pattern; otherwise the
    folded whole-word pattern of each of its folds. Patterns the text lacks are dropped.
    """
    out: list[re.Pattern] = []
    first = None
    for term in terms:
        folded = search_fold(term).split()
        candidates = [_exact_pattern(term)] if folded != [term] else []
        for pattern in [*candidates, *(_term_pattern(f) for f in folded)]:
            m = pattern.search(text)
            if m is None:
                continue
            out.append(pattern)
            first = m.start() if first is None else min(first, m.start())
            if pattern in candidates:
                break  # the exact form is there: its folds are not marked
    return out, first


_NON_SPACE = re.compile(r"\S")
_SPACE = re.compile(r"\s")


def _squeeze(text: str) -> str:
    """Runs of white space as one space, none at the ends (as ``" ".join(text.split())``)."""
    return " ".join(text.split())


def _window(raw: str, first: int | None, width: int) -> tuple[str, int | None, bool]:
    """``(window, first, more)``: a squeezed piece of ``raw`` holding at least ``width // 3 + 1``
    characters before the first match (or the start of the text) and ``width + 1`` after
    it, ending at a space; the first match's index in it; whether text follows it.

    The window is a contiguous piece of ``_squeeze(raw)``, read from a raw slice that
    grows only when white space runs are long: no work on the rest of a long text.
    """
    if first is None:
        a, need_before, at = 0, 0, 0
    else:
        a, need_before, at = first, width // 3 + 1, first
    reach = 2 * width
    while True:
        lo = max(0, at - reach)
        before = _squeeze(raw[lo:at])
        if lo == 0 or len(before) >= need_before:
            break
        reach *= 2
    a = lo
    reach = 2 * width
    while True:
        b = min(len(raw), at + reach)
        space = _SPACE.search(raw, b)
        b = space.start() if space else len(raw)
        after = _squeeze(raw[at:b])
        if b == len(raw) or len(after) > width + 1:
            break
        reach *= 2
    joined = " " if before and after and at > a and raw[at - 1].isspace() else ""
    window = before + joined + after
    more = _NON_SPACE.search(raw, b) is not None
    return window, (len(before) + len(joined) if first is not None else None), more


# What Django's ``escape`` does to a str (the same five characters), without its lazy
# wrapper and SafeString per piece: a page of results escapes hundreds of pieces.
_escape = html.escape


def highlight(text: str, terms: list[str], width: int = 240) -> SafeString:
    """An HTML-escaped snippet of ``text`` around the first match, matches in ``<mark>``.

    ``terms``: ``highlight_terms(query)`` (or folded words, ``query_terms``). Whole words
    only, matched in the original text by compiled patterns (``_term_pattern``: case,
    marks and đ ignored; ``_exact_pattern``: a word typed with marks, when the text has
    it). The first match is found in C over the whole text; everything else (white space,
    the other matches, escaping) is done on a window of about ``3 × width`` characters
    around it, so the cost hardly grows with the length of the text (issue 12).
    """
    raw = text or ""
    patterns, first_raw = _patterns(raw, terms)
    text, first, more = _window(raw, first_raw, width)
    cut_lo = 0
    if first is not None:
        cut_lo = max(0, first - width // 3)
        if cut_lo:
            # Start at a word, never in the middle of one.
            cut_lo = min(
                first, text.find(" ", cut_lo - 1) + 1 if text[cut_lo - 1] != " " else cut_lo
            )
    hi = min(len(text), cut_lo + width)
    spans: list[tuple[int, int]] = []
    if first is not None:
        # Up to the end of the word at ``hi``: a cut word could look like a whole match.
        end = text.find(" ", hi)
        end = len(text) if end < 0 else end
        for pattern in patterns:
            spans.extend(m.span() for m in pattern.finditer(text, cut_lo, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, stop in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
        else:
            merged.append((start, stop))
    parts = ["…" if cut_lo > 0 else ""]
    cursor = cut_lo
    for start, stop in merged:
        if start >= hi:
            break
        stop = min(stop, hi)
        parts.append(_escape(text[cursor:start]))
        parts.append(f"<mark>{_escape(text[start:stop])}</mark>")
        cursor = stop
    parts.append(_escape(text[cursor:hi]))
    if hi < len(text) or more:
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
