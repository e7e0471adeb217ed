"""Snippets (issue 12): whole words only, from a bounded window, no per-character folding."""

import json
import random
import re
import unicodedata
from pathlib import Path

from django.utils.html import escape

from congvu.search import text as search_text
from congvu.search.text import highlight, highlight_terms, query_terms

CORPUS = json.loads(
    (Path(__file__).parent / "corpus" / "documents.json").read_text(encoding="utf-8")
)


def _fold_char(ch):
    ch = "d" if ch in "đĐ" else ch
    decomposed = unicodedata.normalize("NFD", ch)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def _whole_text_highlight(text, terms, width=240):
    """The oracle: folds every character of ``text`` (with a map back to the original) and
    marks every whole folded word equal to a term; the same window rule as ``highlight``."""
    text = " ".join((text or "").split())
    folded, positions = [], []
    for i, ch in enumerate(text):
        for f in _fold_char(ch):
            folded.append(f)
            positions.append(i)
    folded = "".join(folded)
    spans = sorted(
        (positions[m.start()], positions[m.end() - 1] + 1)
        for term in terms
        for m in re.finditer(r"(?<![^\W_])" + re.escape(term) + r"(?![^\W_])", folded)
    )
    first = spans[0][0] if spans else None
    lo = 0
    if first is not None:
        lo = max(0, first - width // 3)
        while lo and text[lo - 1] != " ":
            lo += 1
        lo = min(lo, first)
    hi = min(len(text), lo + width)
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    parts, cursor = ["…" if lo > 0 else ""], lo
    for start, end in merged:
        if end <= lo or start >= hi:
            continue
        end = min(end, hi)
        parts += [escape(text[cursor:start]), f"<mark>{escape(text[start:end])}</mark>"]
        cursor = end
    parts.append(escape(text[cursor:hi]))
    if hi < len(text):
        parts.append("…")
    return "".join(parts)


def test_window_snippets_equal_whole_text_snippets():
    rng = random.Random(7)
    queries = [
        "truyen nhiem",
        "thi hanh an",
        "dat dai",
        "ngan sach",
        "xyz",
        "12",
        "nhiem vu",
        "dan",
    ]
    for entry in CORPUS:
        words = entry["body"].split()
        start = rng.randrange(len(words) - 3)
        for query in [*queries, " ".join(words[start : start + 3])]:
            terms = query_terms(query)
            for width in (240, 400):
                assert highlight(entry["body"], terms, width) == _whole_text_highlight(
                    entry["body"], terms, width
                ), (query, entry["number_notation"])


def test_window_snippets_equal_whole_text_snippets_with_long_white_space():
    """The window is read from the raw text: runs of spaces, tabs and line breaks of any
    length, before and after the match, give the same snippet as squeezing the whole text."""
    rng = random.Random(11)
    words = [
        "Ủy",
        "ban",
        "nhân",
        "dân",
        "xã",
        "Thạnh",
        "Phú",
        "danh",
        "sách",
        "hộ",
        "nghèo",
        "truyền",
        "nhiễm",
        "12/QĐ-UBND",
        # Markup characters: escaped exactly as Django's escape does, marks included.
        '<b>"dân"</b>',
        "A&B's",
    ]
    gaps = [" ", "  ", "\n", "\t \n", " " * 300, "\n" * 900, "\u00a0"]
    for _ in range(300):
        text = "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randint(0, 400)))
        text = rng.choice(["", "   ", "\n"]) + text
        for query in ("truyen nhiem", "qd", "dan", "ho ngheo", "khong co"):
            terms = query_terms(query)
            for width in (40, 240):
                assert highlight(text, terms, width) == _whole_text_highlight(text, terms, width)


def _marked(snippet) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", str(snippet))


def test_only_whole_syllables_are_highlighted():
    text = "Danh sách dân cư; DÂN số, Đan Phượng, bàn dân; Ủy ban nhân dân. Dang dở. Dân"
    assert _marked(highlight(text, highlight_terms("dan"))) == [
        "dân",
        "DÂN",
        "Đan",
        "dân",
        "dân",
        "Dân",
    ]
    assert _marked(highlight(text, highlight_terms("dân"))) == ["dân", "DÂN", "dân", "dân", "Dân"]
    assert _marked(highlight(text, highlight_terms("an"))) == []
    assert _marked(highlight(text, highlight_terms("danh"))) == ["Danh"]
    # Punctuation and digits end a word: "qd" is the QĐ of a số ký hiệu, not of "qđịnh".
    number = "Số 12/QĐ-UBND ngày 3/4; QĐ12 khác"
    assert _marked(highlight(number, highlight_terms("12 qd"))) == ["12", "QĐ"]


def test_word_with_marks_highlights_its_exact_form_when_the_text_has_it():
    text = "Phòng, chống bệnh truyền nhiễm; nhiệm vụ năm 2026; NHIỄM khuẩn"
    assert _marked(highlight(text, highlight_terms("nhiễm"))) == ["nhiễm", "NHIỄM"]
    assert _marked(highlight(text, highlight_terms("nhiệm"))) == ["nhiệm"]
    assert _marked(highlight(text, highlight_terms("nhiem"))) == ["nhiễm", "nhiệm", "NHIỄM"]
    # Only the folded form in the text (why it matched): that is what is shown.
    assert _marked(highlight("Giao nhiệm vụ", highlight_terms("nhiễm"))) == ["nhiệm"]


def test_no_part_of_a_word_cut_by_the_window_is_highlighted():
    # The snippet ends inside "danh": the visible "dan" is not a whole word of the text.
    text = "dân " + "x" * 232 + " danh sách"
    snippet = str(highlight(text, highlight_terms("dan"), width=240))
    assert _marked(snippet) == ["dân"] and snippet.endswith(" dan…")


def test_long_text_searches_only_a_window(monkeypatch):
    text = "Ủy ban nhân dân xã. " * 20_000 + "Phòng, chống bệnh truyền nhiễm. " + "Kết luận. " * 500
    searched = []
    real = search_text._term_pattern

    class Spy:
        def __init__(self, pattern):
            self.pattern = pattern

        def search(self, text, *args):
            return self.pattern.search(text, *args)

        def finditer(self, text, pos, endpos):
            searched.append(endpos - pos)
            return self.pattern.finditer(text, pos, endpos)

    monkeypatch.setattr(search_text, "_term_pattern", lambda term: Spy(real(term)))
    snippet = highlight(text, query_terms("truyen nhiem"))
    assert "<mark>truyền</mark> <mark>nhiễm</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert searched and max(searched) <= 2 * 240


def test_text_in_decomposed_form_is_found():
    text = unicodedata.normalize("NFD", "Về việc phòng, chống dịch bệnh truyền nhiễm, nhiệm vụ")
    assert _marked(highlight(text, highlight_terms("nhiễm"))) == [
        unicodedata.normalize("NFD", "nhiễm")
    ]
    assert len(_marked(highlight(text, highlight_terms("nhiem")))) == 2
    assert _marked(highlight(text, highlight_terms("hiem"))) == []


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
