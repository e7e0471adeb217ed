"""How the letterhead of a printed paper is written (Decree 30/2020, Appendix I).

Pure text rules, shared by every PDF that carries the Appendix I header
(issued documents, one-stop forms, receipts):

- the date of the place/date line: days below 10 and the months January and
  February take a leading zero, no other month does ("ngày 05 tháng 3 năm
  2026", "ngày 15 tháng 01 năm 2026", "ngày 07 tháng 12 năm 2026");
- the agency lines: each printed line is a whole phrase that must not wrap,
  split where Appendix I splits it ("ỦY BAN NHÂN DÂN" / "XÃ THẠNH PHÚ"); the
  line of the parent agency (cơ quan chủ quản) may abbreviate "Ủy ban nhân
  dân" to "UBND" so that it fits on one line.
"""

from __future__ import annotations

import datetime
import re

BLANK = "…"

#: Words that start the name of an administrative division inside an agency name.
DIVISION_WORDS = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "tỉnh",
    "huyện",
    "quận",
    "phường",
    "xã",
)

#: Collective bodies of local government, with the abbreviation Appendix I allows.
COLLECTIVE_BODIES = {
    "ủy ban nhân dân": "UBND",
    "uỷ ban nhân dân": "UBND",
    "hội đồng nhân dân": "HĐND",
}
_ABBREVIATED = {"ubnd": "Ủy ban nhân dân", "hđnd": "Hội đồng nhân dân"}

#: Longest agency line, in characters, that fits the left column (A4 at 12.5 pt, A5 at 10 pt, upper case).
LINE_BUDGET = 22

_DIVISION_RE = re.compile(
    r"\s(?=(?:" + "|".join(re.escape(w) for w in DIVISION_WORDS) + r")\s)", re.IGNORECASE
)
_BODY_RE = re.compile(
    r"^(?P<body>" + "|".join(re.escape(b) for b in (*COLLECTIVE_BODIES, *_ABBREVIATED)) + r")\s+",
    re.IGNORECASE,
)


def _padded(value: int, *, pad: bool) -> str:
    return f"{value:02d}" if pad else str(value)


def date_words(value: datetime.date | None) -> str:
    """``ngày 05 tháng 3 năm 2026``; dotted blanks when the date is unknown."""
    if value is None:
        return f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    day = _padded(value.day, pad=value.day < 10)
    month = _padded(value.month, pad=value.month <= 2)
    return f"ngày {day} tháng {month} năm {value.year}"


def place_date(place: str, value: datetime.date | None) -> str:
    """The place/date line (Appendix I box 4): ``Thạnh Phú, ngày 05 tháng 3 năm 2026``."""
    words = date_words(value)
    return f"{place}, {words}" if place else words[:1].upper() + words[1:]


def collective_body(name: str) -> str:
    """``Ủy ban nhân dân xã Thạnh Phú`` (or ``UBND xã …``) → ``Ủy ban nhân dân``; else ""."""
    match = _BODY_RE.match((name or "").strip())
    if not match:
        return ""
    body = match.group("body")
    return _ABBREVIATED.get(body.lower(), body[:1].upper() + body[1:].lower())


def _wrap(words: list[str], budget: int) -> list[str]:
    """Fewest lines within the budget, balanced ("Trung tâm Phục vụ" / "hành chính công").

    A word longer than the budget stays whole on its own line.
    """
    greedy: list[str] = []
    for word in words:
        if greedy and len(greedy[-1]) + 1 + len(word) <= budget:
            greedy[-1] += " " + word
        else:
            greedy.append(word)
    count = len(greedy)

    def best(start: int, lines: int) -> tuple[int, list[str]] | None:
        if lines == 1:
            line = " ".join(words[start:])
            return len(line), [line]
        found = None
        for end in range(start + 1, len(words) - lines + 2):
            line = " ".join(words[start:end])
            rest = best(end, lines - 1)
            if rest is None:
                continue
            width = max(len(line), rest[0])
            if found is None or width < found[0]:
                found = (width, [line, *rest[1]])
        return found

    balanced = best(0, count) if 1 < count <= len(words) else None
    return balanced[1] if balanced and balanced[0] <= max(budget, *map(len, greedy)) else greedy


def _split(name: str, budget: int) -> list[str]:
    """One line when it fits; else break before the division, then between words."""
    if len(name) <= budget:
        return [name]
    parts = _DIVISION_RE.split(name)
    if len(parts) > 1 and len(parts[-1]) <= budget:
        return [*_wrap(" ".join(parts[:-1]).split(), budget), parts[-1]]
    return _wrap(name.split(), budget)


def agency_lines(name: str, *, budget: int = LINE_BUDGET) -> list[str]:
    """The printed lines of the issuing agency's name, each one whole.

    A collective body stands on its own line above its division
    ("Ủy ban nhân dân" / "xã Thạnh Phú"); any other name breaks before its
    division ("Trung tâm Phục vụ hành chính công" / "xã Thạnh Phú") when it is
    too long, and between words after that.
    """
    name = " ".join((name or "").split())
    if not name:
        return []
    body = collective_body(name)
    if body:
        rest = _BODY_RE.sub("", name, count=1)
        return [body, *_split(rest, budget)]
    return _split(name, budget)


def parent_lines(name: str, *, budget: int = LINE_BUDGET) -> list[str]:
    """The parent agency's line(s): the collective body abbreviated (``UBND tỉnh Vĩnh Long``)."""
    name = " ".join((name or "").split())
    if not name:
        return []
    match = _BODY_RE.match(name)
    if match:
        body = match.group("body").lower()
        name = f"{COLLECTIVE_BODIES.get(body, body.upper())} {name[match.end() :]}"
    return _split(name, budget)
