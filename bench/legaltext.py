"""Long synthetic attachment texts (văn bản đính kèm) for the full-text search bench (issue 12).

The texts must make a search engine work as hard as real gazette documents do:
tens of thousands of characters each, most syllables shared by most documents
(ủy ban, nhân dân, thực hiện, quy định …), a long tail of rarer ones, and the
document's own title repeated in its body. They are built from text the project
ships: the sentences of the synthetic relevance corpus
(``tests/search/corpus/documents.json``, written from the sentence patterns of
real văn bản hành chính), the national procedure sample (``tthc-sample.jsonl``, the
public text of the national public service portal) and the vocabulary of
``bench.vocab``. A syllable
bigram model of those sentences generates new sentences with the same syllable
frequencies; documents are then laid out like a decision or an official letter
(quốc hiệu, số ký hiệu, trích yếu, căn cứ, Điều, khoản, điểm, nơi nhận).

Speed: generating 20,000 characters per document syllable by syllable in
Python would take milliseconds each, too slow for a million documents. The
model instead writes a pool of paragraphs once per seed (a few seconds), each
kept with its folded form (``congvu.search.text.search_fold``); a document
draws its paragraphs from the pool and adds its own header, title phrases,
article numbers and references, so the folded body costs a join, not a fold.
Deterministic: the same seed gives the same pool and the same documents.
"""

from __future__ import annotations

import json
import random
from functools import lru_cache
from pathlib import Path

from bench import vocab

CORPUS = Path(__file__).resolve().parents[1] / "tests/search/corpus/documents.json"
#: The national procedure sample shipped as package data (public text of the national
#: public service portal): real administrative Vietnamese, for the syllable frequencies.
PROCEDURES = Path(__file__).resolve().parents[1] / "src/congvu/procedures/data/tthc-sample.jsonl"
#: Paragraphs in the pool; a 20,000-character document draws about 40 of them.
POOL = 12_000
#: Sentence length bounds (syllables) of the bigram model.
MIN_WORDS, MAX_WORDS = 8, 48
START = "<s>"


def _fold(text: str) -> str:
    from congvu.search.text import search_fold

    return search_fold(text)


def _split(text: str) -> list[list[str]]:
    out = []
    for line in text.splitlines():
        line = line.strip().lstrip("-+•* ").strip()
        if len(line) < 30 or line.isupper():
            continue
        for part in line.replace("; ", ";\n").replace(". ", ".\n").splitlines():
            words = part.split()
            if words and words[0].startswith("Điều") and len(words) > 2:
                words = words[2:]  # "Điều 3." is the layout's, not the model's
            if len(words) >= 5:
                out.append(words)
    return out


def _sentences() -> list[list[str]]:
    """The shipped corpus' sentences as lists of words (punctuation stays on its word)."""
    docs = json.loads(CORPUS.read_text(encoding="utf-8"))
    out = []
    for doc in docs:
        out.extend(_split(doc["body"]))
    for line in PROCEDURES.read_text(encoding="utf-8").splitlines():
        for value in json.loads(line).values():
            if isinstance(value, str) and len(value) > 40:
                out.extend(_split(value))
    for topic in vocab.TOPICS:
        for action in vocab.ACTIONS:
            out.append(f"{action} {topic} theo kế hoạch được giao.".split())
    return out


@lru_cache(maxsize=1)
def model() -> dict[str, list[str]]:
    """Word → its successors, each as often as it follows the word in the corpus."""
    chain: dict[str, list[str]] = {}
    for words in _sentences():
        prev = START
        for w in words:
            chain.setdefault(prev, []).append(w)
            prev = w
    return chain


def sentence(rng: random.Random, chain: dict[str, list[str]]) -> str:
    words: list[str] = []
    word = START
    while len(words) < MAX_WORDS:
        successors = chain.get(word)
        if not successors:
            break
        word = rng.choice(successors)
        words.append(word)
        if word[-1] in ".;:" and len(words) >= MIN_WORDS:
            break
    text = " ".join(words)
    if text and text[-1] not in ".;:":
        text = text.rstrip(",") + "."
    return text[0].upper() + text[1:] if text else text


def phrase(rng: random.Random, chain: dict[str, list[str]], low: int, high: int) -> str:
    """A run of ``low``–``high`` words from the model, without end punctuation."""
    words: list[str] = []
    word = rng.choice(chain[START])
    target = rng.randint(low, high)
    while len(words) < target:
        clean = word.strip(".;:,")
        if clean:
            words.append(clean if words else clean.lower())
        if word[-1] in ".;:":
            word = rng.choice(chain[START])
            continue
        successors = chain.get(word) or chain[START]
        word = rng.choice(successors)
    return " ".join(words)


class Pool:
    """Paragraphs (text and folded text) of one seed, drawn by the documents."""

    def __init__(self, seed: int, size: int = POOL):
        rng = random.Random(f"{seed}:legaltext")
        chain = model()
        self.chain = chain
        self.texts: list[str] = []
        for _ in range(size):
            n = rng.choice((1, 2, 2, 3, 3, 3, 4, 5))
            self.texts.append(" ".join(sentence(rng, chain) for _ in range(n)))
        self.folded = [_fold(t) for t in self.texts]
        self.bases = [
            _fold(b)
            for b in (
                "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
                "Luật Ban hành văn bản quy phạm pháp luật",
                "Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ",
            )
        ]

    def title(self, rng: random.Random, base: str) -> str:
        """A trích yếu: the generator's own (type, topic, place, year) made specific."""
        return f"{base} {phrase(rng, self.chain, 3, 7)}"

    def document(
        self,
        rng: random.Random,
        *,
        number: str,
        subject: str,
        issuer: str,
        signer: str,
        type_name: str,
        year: int,
        chars: int,
    ) -> tuple[str, str]:
        """``(text, search_fold(text))`` of one attachment of about ``chars`` characters."""
        texts, folded = self.texts, self.folded
        n = len(texts)
        head = (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            f"{issuer.upper()}\nSố: {number}\n{type_name.upper()}\n{subject}"
        )
        out, fout = [head], [_fold(head)]
        size = len(head)
        for _ in range(rng.randint(2, 5)):
            ref = (
                f"Căn cứ Văn bản số {rng.randint(1, 3500)}/{rng.choice(vocab.DEPARTMENT_CODES)} "
                f"ngày {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year - rng.randint(0, 3)} "
                f"của {rng.choice(vocab.EXTERNAL_ISSUERS)[0]} về việc {rng.choice(vocab.ACTIONS)} "
                f"{rng.choice(vocab.TOPICS)};"
            )
            out.append(ref)
            fout.append(_fold(ref))
            size += len(ref)
        # The body states its own subject again (Điều 1) and cites it further down.
        article = 1
        lead = f"Điều 1. {subject}."
        out.append(lead)
        fout.append(_fold(lead))
        size += len(lead)
        while size < chars:
            if rng.random() < 0.12:
                article += 1
                heading = f"Điều {article}."
                out.append(heading)
                fout.append(f"dieu {article}")
            k = rng.randrange(n)
            if rng.random() < 0.3:
                mark = f"{rng.randint(1, 9)}. "
                out.append(mark + texts[k])
                fout.append(f"{mark[:-2]} {folded[k]}")
            else:
                out.append(texts[k])
                fout.append(folded[k])
            size += len(texts[k]) + 1
        tail = f"Nơi nhận:\n- Như Điều {article};\n- Lưu: VT.\n{signer}"
        out.append(tail)
        fout.append(_fold(tail))
        return "\n".join(out), " ".join(fout)


def _title_words(subject: str) -> list[str]:
    words = subject.split()
    for prefix in ("V/v", "Về", "việc"):
        if words and words[0] == prefix:
            words = words[1:]
    return words


def _query(words: list[str], marks: bool) -> str:
    query = " ".join(w.strip(",.;:") for w in words)
    return query if marks else _fold(query)


def title_query(rng: random.Random, subject: str, *, marks: bool) -> str:
    """A query a user would type for a document they know: 4–7 words of its title."""
    words = _title_words(subject)
    if len(words) > 7:
        start = rng.randint(0, len(words) - 7)
        words = words[start : start + rng.randint(4, 7)]
    return _query(words, marks)


def title_windows(subject: str, *, marks: bool) -> list[str]:
    """Every query of 4–7 consecutive words of the title, shortest first (in order).

    What a user tries when the words they first typed are shared by many titles: other
    words of the same title, until a few words single it out.
    """
    words = _title_words(subject)
    if len(words) <= 7:
        return [_query(words, marks)]
    return [
        _query(words[start : start + size], marks)
        for size in range(4, 8)
        for start in range(len(words) - size + 1)
    ]


class TitleIndex:
    """How many of a set of titles contain a query as whole words (folded)."""

    def __init__(self, subjects: list[str]):
        self.titles = [f" {_fold(s)} " for s in subjects]
        self.words: dict[str, set[int]] = {}
        for i, title in enumerate(self.titles):
            for word in title.split():
                self.words.setdefault(word, set()).add(i)

    def shared_by(self, query: str) -> int:
        """The titles that contain ``query``: only those holding each of its words are read."""
        folded = _fold(query)
        words = folded.split()
        if not words:
            return len(self.titles)
        sets = sorted((self.words.get(w, set()) for w in set(words)), key=len)
        candidates = set.intersection(*sets)
        needle = f" {folded} "
        return sum(needle in self.titles[i] for i in candidates)
