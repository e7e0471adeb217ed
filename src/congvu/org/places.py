"""The địa danh of a unit: the place written before the date of its papers.

Decree 30/2020, Appendix I (box 4): the place is the name of the
administrative division where the agency sits, not the agency's name. A
commune's papers say "Thạnh Phú, ngày …", a province's "Vĩnh Long, ngày …";
an office or centre under a People's Committee writes the place of that
committee. A division named by a number keeps its kind word ("Phường 5");
one named after a person or an event keeps it too ("Phường Điện Biên Phủ"),
which no rule can tell from the name, so ``Unit.place_name`` overrides the
derived value.
"""

from __future__ import annotations

import re

from congvu.core.letterhead import DIVISION_WORDS, collective_body

from .constants import GOVERNMENT_KINDS

_BODY_PREFIX = re.compile(
    r"^(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd|hội đồng nhân dân|hđnd)\s+", re.IGNORECASE
)
_DIVISION = re.compile(
    r"^(?P<kind>" + "|".join(re.escape(w) for w in DIVISION_WORDS) + r")\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
#: Bound on the walk up the tree (the tree is a handful of levels deep).
_MAX_DEPTH = 12


def division_place(name: str) -> str:
    """``Ủy ban nhân dân xã Thạnh Phú`` → ``Thạnh Phú``; ``UBND phường 5`` → ``Phường 5``."""
    name = " ".join((name or "").split())
    if collective_body(name):
        name = _BODY_PREFIX.sub("", name, count=1)
    match = _DIVISION.match(name)
    if not match:
        return name
    rest = match.group("rest")
    if rest[:1].isdigit():
        kind = match.group("kind")
        return f"{kind[:1].upper()}{kind[1:].lower()} {rest}"
    return rest


def place_name(unit) -> str:
    """The địa danh of ``unit``: its own or an ancestor's override, else its division's name.

    "" when neither the unit nor any ancestor is a local government and none
    has an override.
    """
    node, depth = unit, 0
    while node is not None and depth < _MAX_DEPTH:
        if node.place_name:
            return node.place_name.strip()
        if node.kind in GOVERNMENT_KINDS:
            return division_place(node.name)
        node, depth = node.parent, depth + 1
    return ""
