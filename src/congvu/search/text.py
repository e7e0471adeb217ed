"""Folding for search and highlighting of folded matches in the original text."""

from __future__ import annotations

import functools
import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from congvu.core.text import fold

_NON_WORD = re.compile(r"[^0-9a-z]+")


def search_fold(text: str) -> str:
    """``fold`` plus punctuation as spaces: "Quyết định 12/QĐ-UBND" → "quyet dinh 12 qd ubnd"."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


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


def highlight(text: str, terms: list[str], width: int = 240) -> SafeString:
    """An HTML-escaped snippet of ``text`` around the first match, matches in ``<mark>``.

    Matching is on folded text (case, marks and đ ignored) at word starts.
    """
    text = " ".join((text or "").split())
    folded, positions = _folded_with_map(text)
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
    if merged:
        first = merged[0][0]
        lo = max(0, first - width // 3)
    else:
        lo = 0
    hi = min(len(text), lo + width)
    parts = ["…" if lo > 0 else ""]
    cursor = lo
    for start, end in merged:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    parts.append(escape(text[cursor:hi]))
    if hi < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
