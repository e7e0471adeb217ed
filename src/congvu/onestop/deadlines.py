"""Deadlines of the one-stop shop: office hours, cut-offs, hours and days, clock pauses.

Built on :mod:`congvu.workdays.calendar` (one calendar for documents and
dossiers). All moments are timezone-aware; computations run in local time.

Rules that are UNCONFIRMED in the regulations (§2.4) are settings, never
constants here (see docs/onestop.md, "Deadlines"):

- ``CONGVU_WORKING_HOURS_PER_DAY`` (8): one working day of a legal time limit
  counts as this many office hours;
- ``CONGVU_DEADLINE_DAY_MODE`` ("hours"): how "N ngày làm việc" is counted —
  ``"hours"`` = N × hours-per-day office hours from the moment the clock
  starts; ``"end_of_day"`` = the end of office hours of the N-th working day
  after the day the clock starts;
- ``CONGVU_SAME_DAY_CUTOFF`` (15:00): the default "nhận sau 15 giờ" cut-off
  when a procedure has none of its own;
- a submission outside office hours counts from the next working period
  (``clock_start``), and a paused interval (supplement, payment, stop) pushes
  the due moment by the office time it covered.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from congvu.workdays.calendar import (
    WorkCalendar,
    _parse_time,
    add_working_hours,
    deadline_same_day_or_next,
    office_hours,
    same_day_cutoff,
)

HOURS = "working_hours"
DAYS = "working_days"
SAME_DAY = "same_day"


def hours_per_day() -> Decimal:
    return Decimal(str(getattr(settings, "CONGVU_WORKING_HOURS_PER_DAY", 8)))


def day_mode() -> str:
    mode = getattr(settings, "CONGVU_DEADLINE_DAY_MODE", "hours")
    return mode if mode in ("hours", "end_of_day") else "hours"


def _local(dt: datetime.datetime) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt, tz)
    return timezone.localtime(dt, tz)


def _segments_of(day: datetime.date, tz) -> list[tuple[datetime.datetime, datetime.datetime]]:
    return [
        (
            datetime.datetime.combine(day, start, tzinfo=tz),
            datetime.datetime.combine(day, end, tzinfo=tz),
        )
        for start, end in office_hours().segments()
    ]


def is_office_time(dt: datetime.datetime, unit=None) -> bool:
    """Whether ``dt`` falls on a working day inside office hours (segment ends included)."""
    local = _local(dt)
    if not WorkCalendar(unit).is_working_day(local.date()):
        return False
    return any(a <= local <= b for a, b in _segments_of(local.date(), local.tzinfo))


def clock_start(dt: datetime.datetime, unit=None) -> datetime.datetime:
    """The moment the legal clock starts for something received at ``dt``.

    Inside office hours that is ``dt``; otherwise (before opening, in the lunch
    break, after closing, on a day off) the start of the next working period.
    """
    local = _local(dt)
    cal = WorkCalendar(unit)
    day = local.date()
    while True:
        if cal.is_working_day(day):
            for start, end in _segments_of(day, local.tzinfo):
                if local < end:
                    return max(local, start)
        day = cal.next_working_day(day)
        local = datetime.datetime.combine(day, datetime.time(0), tzinfo=local.tzinfo)


def working_time_between(
    a: datetime.datetime, b: datetime.datetime, unit=None
) -> datetime.timedelta:
    """Office time in ``[a, b]`` (zero if ``b`` is not after ``a``)."""
    a, b = _local(a), _local(b)
    total = datetime.timedelta(0)
    if b <= a:
        return total
    cal = WorkCalendar(unit)
    day = a.date()
    while day <= b.date():
        if cal.is_working_day(day):
            for start, end in _segments_of(day, a.tzinfo):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += hi - lo
        day += datetime.timedelta(days=1)
    return total


def _hours(delta: datetime.timedelta) -> Decimal:
    return Decimal(delta.total_seconds()) / Decimal(3600)


def merge_intervals(pauses: Iterable, *, not_before=None) -> list[tuple]:
    """Closed pauses as sorted, non-overlapping (start, end) pairs, clipped to ``not_before``.

    Accepts pairs or objects with ``started_at``/``ended_at``; open pauses
    (no end) are left out: they push the due moment once they end.
    """
    pairs = []
    for p in pauses or ():
        start, end = (p.started_at, p.ended_at) if hasattr(p, "started_at") else p
        if end is None:
            continue
        start, end = _local(start), _local(end)
        if not_before is not None:
            start = max(start, _local(not_before))
        if end > start:
            pairs.append((start, end))
    pairs.sort()
    merged: list[list] = []
    for start, end in pairs:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [tuple(m) for m in merged]


def paused_working_time(pauses: Iterable, unit=None, *, not_before=None) -> datetime.timedelta:
    """Office time covered by the (merged) closed pauses."""
    total = datetime.timedelta(0)
    for start, end in merge_intervals(pauses, not_before=not_before):
        total += working_time_between(start, end, unit)
    return total


def push_by(due: datetime.datetime, delta: datetime.timedelta, unit=None) -> datetime.datetime:
    """``due`` moved later by ``delta`` of office time (unchanged for a zero delta)."""
    if delta <= datetime.timedelta(0):
        return due
    return add_working_hours(due, _hours(delta), unit)


def legal_hours(version) -> Decimal | None:
    """The legal time of ``version`` in office hours (None for same-day procedures or no time)."""
    value = getattr(version, "duration_value", None)
    unit = getattr(version, "duration_unit", DAYS)
    if value is None or unit == SAME_DAY:
        return None
    value = Decimal(str(value))
    return value if unit == HOURS else value * hours_per_day()


def base_due_at(version, start_dt: datetime.datetime, unit=None) -> datetime.datetime:
    """The due moment of ``version`` for a clock that starts at ``start_dt``, without pauses."""
    duration_unit = getattr(version, "duration_unit", DAYS)
    start = _local(start_dt)
    if duration_unit == SAME_DAY or getattr(version, "duration_value", None) is None:
        cutoff = _parse_time(getattr(version, "same_day_cutoff", None)) or same_day_cutoff()
        return deadline_same_day_or_next(clock_start(start, unit), cutoff, unit)
    begin = clock_start(start, unit)
    if duration_unit == DAYS and day_mode() == "end_of_day":
        cal = WorkCalendar(unit)
        day = begin.date()
        # Whole days only; a fraction of a day rounds up to the next whole day.
        value = Decimal(str(version.duration_value))
        n = int(value) + (1 if value % 1 else 0)
        for _ in range(max(n, 0)):
            day = cal.next_working_day(day)
        segments = _segments_of(day, begin.tzinfo)
        return segments[-1][1]
    return add_working_hours(begin, legal_hours(version), unit)


def dossier_due_at(version, start_dt: datetime.datetime, unit=None, pauses=()) -> datetime.datetime:
    """Hẹn trả kết quả: the due moment of a dossier whose clock starts at ``start_dt``.

    ``pauses`` are ClockPause rows or (start, end) pairs; each closed pause
    pushes the due moment by the office time it covered after the start.
    """
    due = base_due_at(version, start_dt, unit)
    return push_by(due, paused_working_time(pauses, unit, not_before=start_dt), unit)


def step_due_at(started_at, budget_hours, unit=None, pauses=()) -> datetime.datetime:
    """The due moment of a step of ``budget_hours`` office hours started at ``started_at``."""
    due = add_working_hours(clock_start(started_at, unit), Decimal(str(budget_hours)), unit)
    return push_by(due, paused_working_time(pauses, unit, not_before=started_at), unit)


def rate(finished_at, due_at) -> str:
    """Trước hạn / đúng hạn / quá hạn of something finished at ``finished_at`` against ``due_at``.

    "Đúng hạn" is finishing on the due day itself (not after the due moment);
    "trước hạn" is finishing on an earlier day (UNCONFIRMED rule; reports of
    the national portal compare dates, see docs/onestop.md).
    """
    if due_at is None:
        return "on_time"
    if finished_at > due_at:
        return "late"
    if _local(finished_at).date() < _local(due_at).date():
        return "early"
    return "on_time"
