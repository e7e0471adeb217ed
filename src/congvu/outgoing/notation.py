"""Số, ký hiệu of an outgoing document (Decree 30/2020 Art. 15, Appendix I).

NOTE: a private formatter until ``congvu.registry.notation`` (the shared
parser/formatter) lands; then ``format_notation`` should delegate to it.

- typed documents: ``{number:02d}/{abbr}-{agency}``       → ``05/QĐ-UBND``
- văn bản QPPL:    ``{number:02d}/{year}/{abbr}-{agency}`` → ``01/2026/QĐ-UBND``
- công văn (no abbreviation): ``{number:02d}/{agency}-{drafting unit}`` → ``45/UBND-VP``
"""

from __future__ import annotations


def unit_short(unit) -> str:
    if unit is None:
        return ""
    return (unit.short_name or unit.name).strip()


def format_notation(*, number: int, document_type, unit, drafting_unit=None, year: int) -> str:
    agency = unit_short(unit)
    abbr = (document_type.abbreviation or "").strip()
    if abbr:
        symbol = f"{abbr}-{agency}"
    else:
        drafting = unit_short(drafting_unit)
        symbol = f"{agency}-{drafting}" if drafting and drafting != agency else agency
    if document_type.is_legal_normative:
        return f"{number:02d}/{year}/{symbol}"
    return f"{number:02d}/{symbol}"
