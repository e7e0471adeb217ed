"""How dates, times and durations are written on the forms ("…giờ…phút, ngày…tháng…năm…").

Dates follow the Decree 30/2020 rule of the letterhead (``congvu.core.letterhead``):
a leading zero for days below 10 and for January and February only.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from congvu.core import letterhead
from congvu.org import places

BLANK = "…"


def as_datetime(value) -> datetime.datetime | None:
    """A stored value (datetime, ISO string in a form's content) as an aware local datetime."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                return None
            parsed = datetime.datetime.combine(day, datetime.time())
        value = parsed
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return timezone.localtime(value)
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
    return None


def time_and_date(value) -> str:
    """``14 giờ 05 phút, ngày 03 tháng 3 năm 2026``; dotted blanks when unknown."""
    dt = as_datetime(value)
    if dt is None:
        return f"{BLANK} giờ {BLANK} phút, ngày {BLANK} tháng {BLANK} năm {BLANK}"
    return f"{dt:%H} giờ {dt:%M} phút, {letterhead.date_words(dt.date())}"


def date_words(value) -> str:
    """``ngày 03 tháng 3 năm 2026``."""
    dt = as_datetime(value)
    return letterhead.date_words(dt.date() if dt else None)


def short_datetime(value) -> str:
    """``03/03/2026 14:05`` for table cells."""
    dt = as_datetime(value)
    return f"{dt:%d/%m/%Y %H:%M}" if dt else ""


def place_name(unit) -> str:
    """The địa danh before the date: the commune's name ("Thạnh Phú"), never the desk's."""
    return places.place_name(unit) if unit is not None else ""


def duration_text(version) -> str:
    """The legal processing time of a procedure version, as Mẫu 01 states it."""
    from congvu.procedures.constants import DurationUnit

    if version is None:
        return ""
    if version.duration_unit == DurationUnit.SAME_DAY:
        cutoff = version.same_day_cutoff
        if cutoff:
            return f"Trong ngày (nhận sau {cutoff:%H} giờ {cutoff:%M} phút trả trong ngày làm việc tiếp theo)"
        return "Trong ngày"
    if version.duration_value is None:
        return ""
    value = version.duration_value.normalize()
    number = f"{value:f}".replace(".", ",")
    unit = (
        "giờ làm việc" if version.duration_unit == DurationUnit.WORKING_HOURS else "ngày làm việc"
    )
    return f"{number} {unit}"
