"""Vietnamese text: folding for accent-insensitive search, dictionary order for pick lists.

SQLite and FTS5 do not fold đ→d, so search keys are normalised in Python. Neither
SQLite nor a PostgreSQL without a Vietnamese collation sorts Vietnamese (they put
"Đ" after "Z"), so the choices of pick lists are sorted in Python too.
"""

import functools
import unicodedata

from django.forms.models import ModelChoiceIterator


def fold(text: str) -> str:
    """Lower-case, strip tone and vowel marks, and map đ→d: "Đặng Văn Thành" → "dang van thanh"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


# Vietnamese dictionary order (thứ tự chữ cái tiếng Việt): ă and â after a, đ after d, ê after e,
# ô and ơ after o, ư after u; the Latin letters Vietnamese does not use keep their place.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# The marks that make another letter (combined with the base before ranking it).
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve ă, circumflex â ê ô, horn ơ ư
# Tones, in dictionary order after the unmarked (ngang) one: huyền, hỏi, ngã, sắc, nặng.
_TONE = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Before every letter: spaces, digits and punctuation sort by code point below this.
_LETTER_BASE = 0x10000


@functools.lru_cache(maxsize=4096)
def _letter_and_tone(char: str) -> tuple[int, int]:
    # Per character, cached: normalising each character of each label was most of the
    # cost of the search page's pick lists (issue 12); the alphabet in use is small.
    parts = unicodedata.normalize("NFD", char)
    base = "".join(c for c in parts if c not in _TONE)
    letter = unicodedata.normalize("NFC", base)
    tone = max((_TONE[c] for c in parts if c in _TONE), default=0)
    if letter in _LETTER:
        return _LETTER_BASE + _LETTER[letter], tone
    # Another script or a letter with marks Vietnamese does not use: its base letter's
    # place if it has one, else its code point after the alphabet.
    plain = "".join(c for c in parts if unicodedata.category(c) != "Mn")
    rank = _LETTER.get(plain)
    if rank is not None:
        return _LETTER_BASE + rank, tone
    code = ord(char)
    return (code if code < 0x80 else _LETTER_BASE + len(_ALPHABET) + code), tone


def _letters_and_tones(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    pairs = [_letter_and_tone(char) for char in unicodedata.normalize("NFC", text).lower()]
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


@functools.lru_cache(maxsize=8192)
def vietnamese_sort_key(text: str) -> tuple:
    """A key that sorts Vietnamese names as a dictionary does: "Ấp" < "Bình" < "Điền" < "Đông" < "Zeta".

    Databases sort by code point (or a collation the deployment may lack), which puts "Đ"
    after "Z" and accented letters out of place, so pick lists are sorted in Python with
    this key. Letters first (ă, â, đ, ê, ô, ơ, ư are letters of their own), then the tones
    (ngang, huyền, hỏi, ngã, sắc, nặng), then case, so equal names keep a stable order.
    """
    text = " ".join((text or "").split())
    letters, tones = _letters_and_tones(text)
    return letters, tones, unicodedata.normalize("NFC", text)


def vietnamese_sorted(items, key=str) -> list:
    """``items`` in Vietnamese dictionary order of ``key(item)`` (the item's text by default)."""
    return sorted(items, key=lambda item: vietnamese_sort_key(str(key(item))))


def vietnamese_tree_sorted(items, *, path, name) -> list:
    """Items of a tree, each after its parent, siblings in Vietnamese order of ``name(item)``.

    ``path(item)`` is the materialised path of ids ("/1/5/9/", as ``org.Unit.path``). An
    ancestor not among ``items`` (outside the reader's scope) groups its descendants by id.
    """
    items = list(items)

    def ids(item) -> list[int]:
        return [int(part) for part in path(item).strip("/").split("/") if part]

    names = {ids(item)[-1]: vietnamese_sort_key(str(name(item))) for item in items if ids(item)}

    def key(item):
        return tuple((1, names[i], i) if i in names else (0, (), i) for i in ids(item))

    return sorted(items, key=key)


class VietnameseChoiceIterator(ModelChoiceIterator):
    """The choices of a ``ModelChoiceField`` in Vietnamese order of their labels.

    Set by :func:`vietnamese_order`. The queryset is read whole (pick lists are short)
    and sorted here instead of by the database; ``field.order_first(obj)``, when set, sorts
    before the label (a configured display order such as ``DocumentType.order``).
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        first = getattr(self.field, "order_first", None) or (lambda obj: 0)
        pairs = [(obj, self.choice(obj)) for obj in self.queryset]
        pairs.sort(key=lambda pair: (first(pair[0]), vietnamese_sort_key(str(pair[1][1]))))
        for _obj, choice in pairs:
            yield choice


def vietnamese_order(field, *, first=None):
    """Make the ``ModelChoiceField`` ``field`` list its choices in Vietnamese order; returns it.

    ``first(obj)``: an optional key that sorts before the label.
    """
    field.iterator = VietnameseChoiceIterator
    field.order_first = first
    field.widget.choices = field.choices  # the widget kept the iterator it was built with
    return field
