"""Mã hồ sơ: ``{mã định danh of the receiving unit}-{yymmdd}-{nnnn}`` (Decree 61/2018, regulations §2.2).

The sequence is daily per receiving unit, at least four digits (a fifth
appears only past 9999 dossiers in one day at one desk).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from congvu.org.constants import AGENCY_CODE_RE

CODE_RE = re.compile(r"^(?P<unit>\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(?P<date>\d{6})-(?P<seq>\d{4,})$")


@dataclass(frozen=True)
class DossierCode:
    unit_code: str
    day: datetime.date
    number: int

    def __str__(self) -> str:
        return format_code(self.unit_code, self.day, self.number)


def format_code(unit_code: str, day: datetime.date, number: int) -> str:
    if not AGENCY_CODE_RE.match(unit_code or ""):
        raise ValueError(f"not an agency code: {unit_code!r}")
    if number < 1:
        raise ValueError("the sequence starts at 1")
    if not 2000 <= day.year <= 2099:
        raise ValueError("yymmdd covers 2000–2099 only")
    return f"{unit_code}-{day:%y%m%d}-{number:04d}"


def parse_code(code: str) -> DossierCode | None:
    """The parts of a well-formed code, or None (never raises on user input)."""
    match = CODE_RE.match((code or "").strip().upper())
    if not match:
        return None
    seq = match["seq"]
    if len(seq) > 4 and seq.startswith("0"):
        return None  # not canonical: only the first 9999 are zero-padded
    try:
        digits = match["date"]
        # Always 20yy: strptime's %y would put 69–99 in the 1900s.
        day = datetime.date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError:
        return None
    number = int(seq)
    if number < 1:
        return None
    return DossierCode(unit_code=match["unit"], day=day, number=number)
