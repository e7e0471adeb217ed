"""Snippets from a bounded window (issue 12): the same output as folding the whole text."""

import json
import random
import re
from pathlib import Path

from django.utils.html import escape

from congvu.search import text as search_text
from congvu.search.text import _folded_with_map, highlight, query_terms

CORPUS = json.loads(
    (Path(__file__).parent / "corpus" / "documents.json").read_text(encoding="utf-8")
)


def _whole_text_highlight(text, terms, width=240):
    """The former algorithm, kept as the oracle: folds every character of ``text``."""
    text = " ".join((text or "").split())
    folded, positions = _folded_with_map(text)
    spans = sorted(
        (positions[m.start()], positions[m.end() - 1] + 1)
        for term in terms
        for m in re.finditer(r"(?<![0-9a-z])" + re.escape(term), folded)
    )
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    lo = max(0, merged[0][0] - width // 3) if merged else 0
    hi = min(len(text), lo + width)
    parts, cursor = ["…" if lo > 0 else ""], lo
    for start, end in merged:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        parts += [escape(text[cursor:start]), f"<mark>{escape(text[start:end])}</mark>"]
        cursor = end
    parts.append(escape(text[cursor:hi]))
    if hi < len(text):
        parts.append("…")
    return "".join(parts)


def test_window_snippets_equal_whole_text_snippets():
    rng = random.Random(7)
    queries = ["truyền nhiễm", "thi hanh an", "ĐẤT ĐAI", "ngân sách", "xyz", "12", "nhiệm vụ"]
    for entry in CORPUS:
        words = entry["body"].split()
        start = rng.randrange(len(words) - 3)
        for query in [*queries, " ".join(words[start : start + 3])]:
            terms = query_terms(query)
            for width in (240, 400):
                assert highlight(entry["body"], terms, width) == _whole_text_highlight(
                    entry["body"], terms, width
                ), (query, entry["number_notation"])


def test_long_text_folds_only_a_window(monkeypatch):
    text = "Ủy ban nhân dân xã. " * 20_000 + "Phòng, chống bệnh truyền nhiễm. " + "Kết luận. " * 500
    folded_lengths = []
    real = search_text._folded_with_map

    def spy(window):
        folded_lengths.append(len(window))
        return real(window)

    monkeypatch.setattr(search_text, "_folded_with_map", spy)
    snippet = highlight(text, query_terms("truyen nhiem"))
    assert "<mark>truyền</mark> <mark>nhiễm</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert folded_lengths and max(folded_lengths) <= 3 * 240


def test_text_in_decomposed_form_is_found():
    import unicodedata

    text = unicodedata.normalize("NFD", "Về việc phòng, chống dịch bệnh truyền nhiễm")
    assert "<mark>" in highlight(text, query_terms("nhiễm"))


def test_search_fold_equals_fold_then_word_characters():
    """The fast fold (one pattern for the marks) gives exactly ``core.text.fold`` + the
    word filter, on the corpus and on random text mixing marks, letters of other scripts,
    đ, and characters that lower-case into a mark (İ)."""
    from congvu.core.text import fold
    from congvu.search.text import search_fold

    def reference(text):
        return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())

    corpus = json.loads((Path(__file__).parent / "corpus" / "documents.json").read_text("utf-8"))
    for entry in corpus:
        for key in ("number_notation", "subject", "issuer", "signer", "body"):
            assert search_fold(entry[key]) == reference(entry[key])
    rng = random.Random(12)
    pool = [chr(c) for c in range(0x20, 0x3000)] + list("đĐİıẞﬁ𝐀😀") + ["\u0301", "a"] * 50
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert search_fold(text) == reference(text), repr(text)
