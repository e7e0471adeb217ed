"""Who the one-stop papers say issued them: the reception desk and the local government above it.

Circular 01/2018/TT-VPCP heads Mẫu 01, 02, 03 and 05 with the governing
agency (cơ quan chủ quản) on the first line and the reception desk (Bộ phận
tiếp nhận và trả kết quả) under it. When the desk is a unit of its own
("Trung tâm Phục vụ hành chính công xã" under "Ủy ban nhân dân xã Thạnh
Phú"), the governing agency is the nearest People's Committee at or above it
and the desk line is the desk's own name; the commune the desk serves is
already named on the line above, so a trailing "xã" (or "xã Thạnh Phú") is
not printed again there. In the body, the desk is named with its commune
("Trung tâm Phục vụ hành chính công xã Thạnh Phú"), so the citizen's copy
says where the dossier was filed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from congvu.core.letterhead import DIVISION_WORDS, collective_body
from congvu.org.constants import GOVERNMENT_KINDS

DESK = "Bộ phận tiếp nhận và trả kết quả"

#: Bound on the walk up the tree (the tree is a handful of levels deep).
_MAX_DEPTH = 12

_BODY_PREFIX = re.compile(r"^(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+", re.IGNORECASE)
_TRAILING_KIND = re.compile(
    r"\s+(?:" + "|".join(re.escape(w) for w in DIVISION_WORDS) + r")$", re.IGNORECASE
)


@dataclass(frozen=True)
class Issuer:
    """The header lines and the body name of a one-stop paper's issuer."""

    parent: str
    name: str
    #: The body's name in two parts, so that the place ("xã Thạnh Phú") never breaks across lines.
    body_head: str
    body_division: str = ""

    @property
    def body_name(self) -> str:
        return f"{self.body_head} {self.body_division}".strip()


def government_of(unit):
    """The nearest local government (People's Committee) at or above ``unit``, or None."""
    node, depth = unit, 0
    while node is not None and depth < _MAX_DEPTH:
        if node.kind in GOVERNMENT_KINDS:
            return node
        node, depth = node.parent, depth + 1
    return None


def division_of(government) -> str:
    """``Ủy ban nhân dân xã Thạnh Phú`` → ``xã Thạnh Phú``: the division it governs."""
    name = " ".join(government.name.split())
    return _BODY_PREFIX.sub("", name, count=1) if collective_body(name) else name


def _body(name: str, division: str) -> dict:
    """``name`` split before its trailing ``division``, when it ends with it."""
    if _ends_with(name, division):
        return {
            "body_head": name[: -len(division)].strip(),
            "body_division": name[-len(division) :],
        }
    return {"body_head": name}


def _ends_with(name: str, tail: str) -> bool:
    return bool(tail) and name.casefold().endswith(" " + tail.casefold())


def _without_division(name: str, division: str) -> str:
    """The desk's name without the commune it serves: that is the line above's."""
    if _ends_with(name, division):
        return name[: -len(division)].strip()
    return _TRAILING_KIND.sub("", name).strip() or name


def _with_division(name: str, division: str) -> str:
    """The desk's name naming its commune: "… công xã" → "… công xã Thạnh Phú"."""
    if not division or _ends_with(name, division):
        return name
    return f"{_TRAILING_KIND.sub('', name).strip() or name} {division}"


def desk_issuer(unit) -> Issuer:
    """Mẫu 01, 02, 03, 05: the governing People's Committee above the reception desk ``unit``."""
    name = " ".join(unit.name.split())
    government = government_of(unit)
    if government is None or government.pk == unit.pk:
        # The desk of the agency itself (or of an agency outside local government).
        division = division_of(unit) if government else ""
        return Issuer(parent=name, name=DESK, **_body(name, division))
    division = division_of(government)
    if name.casefold().startswith(DESK.casefold()):
        # A desk called "Bộ phận tiếp nhận và trả kết quả": the body names the commune's committee.
        return Issuer(parent=government.name, name=DESK, **_body(government.name, division))
    return Issuer(
        parent=government.name,
        name=_without_division(name, division),
        **_body(_with_division(name, division), division),
    )


def agency_issuer(unit) -> Issuer:
    """Mẫu 04 (the competent agency's letter): a People's Committee has no line above it."""
    parent = unit.parent.name if unit.parent_id and unit.kind not in GOVERNMENT_KINDS else ""
    government = government_of(unit)
    division = division_of(government) if government else ""
    return Issuer(parent=parent, name=unit.name, **_body(" ".join(unit.name.split()), division))
