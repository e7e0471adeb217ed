"""Vietnamese text folding for accent-insensitive search.

SQLite and FTS5 do not fold đ→d, so search keys are normalised in Python.
"""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip tone and vowel marks, and map đ→d: "Đặng Văn Thành" → "dang van thanh"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())
