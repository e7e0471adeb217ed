"""Folding for search and highlighting of folded matches in the original text."""

from __future__ import annotations

import functools
import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from congvu.core.text import fold

_NON_WORD = re.compile(r"[^0-9a-z]+")


@functools.cache
def _marks() -> re.Pattern:
    """Every nonspacing mark (category Mn) of the Basic Multilingual Plane, as one class."""
    marks = (chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Mn")
    return re.compile("[" + "".join(re.escape(c) for c in marks) + "]+")


def search_fold(text: str) -> str:
    """``fold`` plus punctuation as spaces: "Quyết định 12/QĐ-UBND" → "quyet dinh 12 qd ubnd".

    The same result as ``" ".join(_NON_WORD.sub(" ", fold(text)).split())``, with the marks
    removed by one compiled pattern instead of a test per character in Python: every
    indexed document's full text goes through here (issue 12, indexing throughput).
    Text with characters beyond the BMP takes the per-character path.
    """
    text = text or ""
    if text and max(text) > "\uffff":
        return " ".join(_NON_WORD.sub(" ", fold(text)).split())
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join(_NON_WORD.sub(" ", _marks().sub("", text).lower()).split())


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


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    # Cached: a page of hits folds tens of thousands of characters from a small alphabet.
    ch = "d" if ch in "đĐ" else ch
    decomposed = unicodedata.normalize("NFD", ch)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The text folded char by char, and for each folded char the index of its source char."""
    out: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        for f in _fold_char(ch):
            out.append(f)
            positions.append(i)
    return "".join(out), positions


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


@functools.lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern:
    # Each folded letter as the class of the letters that fold to it, each optionally
    # followed by combining marks (text in NFD): the search runs in C over the original.
    parts = [f"[{re.escape(_VARIANTS.get(c, c))}][\u0300-\u036f]*" for c in term]
    return re.compile(r"(?<![^\W_])" + "".join(parts))


def _first_match(text: str, terms: list[str]) -> int | None:
    starts = [m.start() for t in terms if (m := _term_pattern(t).search(text))]
    return min(starts) if starts else None


def highlight(text: str, terms: list[str], width: int = 240) -> SafeString:
    """An HTML-escaped snippet of ``text`` around the first match, matches in ``<mark>``.

    Matching is on folded text (case, marks and đ ignored) at word starts. The first
    match is found in the original text with compiled patterns (``_term_pattern``);
    only a window of ``2 × width`` characters around it is folded in Python, so the
    cost does not grow with the length of the text (issue 12).
    """
    text = " ".join((text or "").split())
    first = _first_match(text, terms)
    cut_lo, cut_hi = 0, len(text)
    if first is not None and len(text) > 2 * width:
        cut_lo = max(0, first - width)
        if cut_lo:
            # Start at a word: a cut word could fold to a match before the first one.
            cut_lo = text.find(" ", cut_lo - 1) + 1 if text[cut_lo - 1] != " " else cut_lo
            cut_lo = min(cut_lo, first)
        cut_hi = min(len(text), first + 2 * width)
    elif first is None:
        cut_hi = min(len(text), width)
    window = text[cut_lo:cut_hi]
    folded, positions = _folded_with_map(window)
    spans: list[tuple[int, int]] = []
    for term in terms:
        for m in re.finditer(r"(?<![0-9a-z])" + re.escape(term), folded):
            start = positions[m.start()]
            end = positions[m.end() - 1] + 1
            spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    lo = max(0, merged[0][0] - width // 3) if merged else 0
    hi = min(len(window), lo + width)
    parts = ["…" if lo + cut_lo > 0 else ""]
    cursor = lo
    for start, end in merged:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        parts.append(escape(window[cursor:start]))
        parts.append(f"<mark>{escape(window[start:end])}</mark>")
        cursor = end
    parts.append(escape(window[cursor:hi]))
    if hi + cut_lo < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
