"""Số, ký hiệu of an outgoing document: the shared formatter of ``congvu.registry.notation``.

- typed documents: ``{number:02d}/{abbr}-{agency}``       → ``05/QĐ-UBND``
- văn bản QPPL:    ``{number:02d}/{year}/{abbr}-{agency}`` → ``01/2026/QĐ-UBND``
- công văn (no abbreviation): ``{number:02d}/{agency}-{drafting unit}`` → ``45/UBND-VP``
"""

from __future__ import annotations

from congvu.registry.notation import notation_for_issue


def unit_short(unit) -> str:
    if unit is None:
        return ""
    return (unit.short_name or unit.name).strip()


def format_notation(*, number: int, document_type, unit, drafting_unit=None, year: int) -> str:
    if drafting_unit is not None and drafting_unit.pk == unit.pk:
        drafting_unit = None  # drafted by the agency itself: "{nn}/{agency}"
    return notation_for_issue(
        number=number,
        document_type=document_type,
        unit=unit,
        drafting_unit=drafting_unit,
        year=year,
    ).format()
