"""Legal bases (căn cứ pháp lý): pairs of document name and number."""

from __future__ import annotations

import re

from congvu.core.text import fold

from .base import NO_INFO, Flag

# --- Legal bases ----------------------------------------------------------------------------

LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# Document numbers (số ký hiệu): 123/2015/NĐ-CP, 66.7/2025/NQ-CP, 60/2014/QH13, 29/2026/QĐ-TTg.
_DOC_NUMBER = re.compile(
    r"\d{1,4}(?:\.\d+)?/\d{4}/(?:[A-ZĐ]*QH\d{2}|(?:TTg|[A-ZĐ]+)(?:-(?:TTg|[A-ZĐ]+))*)"
)
# How the name of a legal document starts, folded: the column after a number
# ends there even when the number's last capital is glued to it ("…TT-BTCSửa đổi").
_NAME_STARTS = (
    "sua doi",
    "nghi dinh",
    "nghi quyet",
    "thong tu",
    "quyet dinh",
    "huong dan",
    "van ban",
    "ban hanh",
    "bo luat",
    "luat",
    "phap lenh",
    "chi thi",
    "quy dinh",
    "cong van",
    "ve ",
)


_NAME_INITIALS = set("SsNnTtQqHhVvBbLlPpCc")
_BARE_TYPES = {
    "thong tu",
    "thong tu so",
    "nghi dinh",
    "nghi dinh so",
    "nghi quyet",
    "nghi quyet so",
    "quyet dinh",
    "quyet dinh so",
    "luat",
    "luat so",
}
_YEAR = re.compile(r"(?:19|20)\d\d")


def _pair_end(text: str, match) -> int | None:
    """Where the number column of a (name, number) pair ends, or None if ``match`` is inside a name."""
    start, end = match.span()
    number = match.group(0)
    last_segment = start + max(number.rfind("-"), number.rfind("/")) + 1
    # The next name may be glued to the number, even its first capital ("…TT-BTCSửa đổi",
    # "…NĐ-CPTHÔNG TƯ"): cut where a document name starts.
    for cut in range(end, last_segment, -1):
        if cut < end and not text[cut].isupper():
            continue
        if text[cut : cut + 1] in _NAME_INITIALS and fold(text[cut : cut + 12]).startswith(
            _NAME_STARTS
        ):
            return cut
    after = text[end : end + 2]
    if not after:
        return end
    if after[0].isupper():
        return end
    if after[0] == " " and fold(text[end + 1 : end + 13]).startswith(_NAME_STARTS):
        return end
    return None


def _number_start(text: str, start: int, lower_bound: int) -> int:
    """Move a number's start past a year glued before it ("Luật Cư trú 202068/2020/QH14")."""
    run_start = start
    while run_start > lower_bound and text[run_start - 1].isdigit():
        run_start -= 1
    digits = text[run_start : text.index("/", start)]
    if len(digits) >= 5 and _YEAR.fullmatch(digits[:4]):
        return run_start + 4
    return start


def parse_legal_bases(raw: str, flags: set[str]) -> list[dict]:
    text = (raw or "").strip()
    if not text or text == NO_INFO:
        return []
    if text.startswith(LEGAL_HEADER):
        text = text[len(LEGAL_HEADER) :]
    bases: list[dict] = []
    pos = 0
    for match in _DOC_NUMBER.finditer(text):
        if match.start() < pos:
            continue
        end = _pair_end(text, match)
        if end is None:
            continue
        start = _number_start(text, match.start(), pos)
        name = " ".join(text[pos:start].split()).rstrip(" .;,")
        if not name or (len(name) < 16 and fold(name) in _BARE_TYPES):
            # "Thông tư số 66/2023/TT-BCA Sửa đổi…": the number belongs to the name.
            continue
        bases.append({"name": name, "number": text[start:end]})
        pos = end
    tail = text[pos:].strip()
    if not bases:
        flags.add(Flag.LEGAL_BASES_UNPARSED)
        return [{"name": " ".join(text.split()), "number": ""}]
    if tail:
        flags.add(Flag.LEGAL_BASES_TRAILING_TEXT)
        bases.append({"name": " ".join(tail.split()), "number": ""})
    return bases
