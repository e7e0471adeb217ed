"""Working days for the same-day rule (Art. 4(2)(c)).

Uses the product's working-day calendar (``congvu.workdays``: holidays,
nghỉ bù, swapped Saturdays, administrators' overrides) when that app is
installed; otherwise it falls back to Monday–Friday, which ignores holidays.
"""

from __future__ import annotations

import datetime

from django.apps import apps


def is_working_day(day: datetime.date, unit=None) -> bool:
    if apps.is_installed("congvu.workdays"):
        from congvu.workdays.calendar import is_working_day as calendar_is_working_day

        return calendar_is_working_day(day, unit)
    return day.weekday() < 5


def previous_working_day(day: datetime.date, unit=None) -> datetime.date:
    """The last working day strictly before ``day``."""
    day -= datetime.timedelta(days=1)
    for _i in range(60):
        if is_working_day(day, unit):
            return day
        day -= datetime.timedelta(days=1)
    return day
