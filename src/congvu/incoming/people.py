"""People pickers: who a document is presented, assigned or sent to for review.

A name alone is not enough to pick the right person (two "Nguyễn Văn A" in one
commune is common), so every choice reads "name — position, unit". The
search is accent-insensitive (``fold``) and runs on the server, so it works
without JavaScript. Used by the incoming and the outgoing pages.
"""

from __future__ import annotations

from congvu.accounts.constants import Role
from congvu.accounts.models import Position
from congvu.core.text import fold

#: Long agency names as people say them in a list ("UBND xã Thạnh Phú").
ABBREVIATIONS = (
    ("Ủy ban nhân dân ", "UBND "),
    ("Uỷ ban nhân dân ", "UBND "),
    ("Hội đồng nhân dân ", "HĐND "),
)


def unit_label(unit) -> str:
    name = unit.name or ""
    for long, short in ABBREVIATIONS:
        if name.startswith(long):
            return short + name[len(long) :]
    return name


def _positions_by_user(user_ids, unit_ids) -> dict[int, Position]:
    """Each person's position to show: in ``unit_ids`` first, the primary one first."""
    rows = (
        Position.objects.active()
        .filter(user_id__in=list(user_ids))
        .select_related("unit")
        .order_by("-is_primary", "role", "pk")
    )
    wanted = set(unit_ids or ())
    chosen: dict[int, Position] = {}
    for p in rows:
        current = chosen.get(p.user_id)
        if current is None or (p.unit_id in wanted and current.unit_id not in wanted):
            chosen[p.user_id] = p
    return chosen


def person_label(user, position: Position | None) -> str:
    name = user.full_name or user.username
    if position is None:
        return name
    title = position.title or ""
    unit = unit_label(position.unit)
    folded = f" {fold(title)} "
    names = (fold(position.unit.name or ""), fold(unit))
    # Titles often name the unit already ("Chuyên viên Phòng Kinh tế"): say it once.
    # Whole words only, so a short unit name inside a longer word does not count.
    if any(n and f" {n} " in folded for n in names):
        return f"{name} — {title}"
    return f"{name} — {title}, {unit}"


def labelled(users, unit_ids=()) -> list[tuple[object, str]]:
    """``(user, "name — position, unit")`` for each user, in the given order."""
    users = list(users)
    positions = _positions_by_user([u.pk for u in users], unit_ids)
    return [(u, person_label(u, positions.get(u.pk))) for u in users]


def matches(label: str, query: str) -> bool:
    """Every word of ``query`` appears in ``label``, ignoring accents and case."""
    words = fold(query).split()
    haystack = fold(label)
    return all(w in haystack for w in words)


def search(pairs, query: str):
    """Keep the ``(user, label)`` pairs whose label matches ``query`` (all when it is empty)."""
    if not fold(query):
        return list(pairs)
    return [(u, label) for u, label in pairs if matches(label, query)]


def unit_head(unit_id):
    """The head (Chủ tịch, Trưởng phòng…) of ``unit_id``, else a deputy, else None."""
    active = Position.objects.active().filter(unit_id=unit_id, user__is_active=True)
    for role in (Role.LEADER_HEAD, Role.LEADER_DEPUTY):
        position = (
            active.filter(role=role)
            .select_related("user")
            .order_by("-is_primary", "valid_from", "pk")
            .first()
        )
        if position is not None:
            return position.user
    return None
