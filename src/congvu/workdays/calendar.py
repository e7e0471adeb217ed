"""The one working-day calendar of congvu (regulations §5, §2.4).

A day is a working day unless it is a weekend day or a public holiday, with
three sources, most specific first:

1. ``CalendarOverride`` rows for the unit or one of the units above it (the
   deepest unit wins; on the same unit, the latest row wins);
2. ``CalendarOverride`` rows for everywhere (``unit`` null);
3. the ``holidays`` package (Vietnam): public holidays, nghỉ bù, the days off
   of a swap and the swapped working Saturdays (``weekend_workdays``).

The national data is computed once per year and process. Overrides are read
once per year and cached per process; a generation number in Django's cache
(shared through Redis in production) invalidates every process when an
override changes, with a short time-to-live as a fallback.

Office hours (giờ hành chính), the lunch break and the same-day cut-off are
settings (``CONGVU_WORKDAY_START`` …), never constants in callers.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import threading
import time as _time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

import holidays

# Saturday and Sunday. UNCONFIRMED legally (regulations §5: "Agencies work
# Mon–Fri, legal basis UNCONFIRMED"); a weekend day that must be worked is a
# ``work_day`` override, so this constant only sets the default week.
WEEKEND = frozenset({5, 6})

DAY_OFF = "day_off"
WORK_DAY = "work_day"

_GENERATION_KEY = "congvu:workdays:generation"
_LOCAL_TTL_SECONDS = 300
_lock = threading.Lock()
_override_cache: dict[int, tuple[object, float, list[tuple[datetime.date, str, int | None]]]] = {}


@dataclass(frozen=True)
class OfficeHours:
    """One working day's hours: ``start``–``lunch_start`` and ``lunch_end``–``end``."""

    start: datetime.time
    end: datetime.time
    lunch_start: datetime.time | None = None
    lunch_end: datetime.time | None = None

    def segments(self) -> list[tuple[datetime.time, datetime.time]]:
        if self.lunch_start and self.lunch_end and self.start < self.lunch_start < self.lunch_end:
            return [(self.start, self.lunch_start), (self.lunch_end, self.end)]
        return [(self.start, self.end)]


def _parse_time(value) -> datetime.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.time):
        return value
    return datetime.time.fromisoformat(str(value))


def office_hours(
    *,
    day_start: datetime.time | str | None = None,
    day_end: datetime.time | str | None = None,
    lunch: tuple | None | bool = True,
) -> OfficeHours:
    """Office hours from the settings, each part overridable by the caller.

    ``lunch`` is ``True`` for the configured break, ``None``/``False`` for no
    break, or a ``(start, end)`` pair.
    """
    start = _parse_time(day_start) or _parse_time(
        getattr(settings, "CONGVU_WORKDAY_START", "07:30")
    )
    end = _parse_time(day_end) or _parse_time(getattr(settings, "CONGVU_WORKDAY_END", "17:00"))
    if lunch is True:
        lunch_start = _parse_time(getattr(settings, "CONGVU_LUNCH_START", "11:30"))
        lunch_end = _parse_time(getattr(settings, "CONGVU_LUNCH_END", "13:00"))
    elif lunch:
        lunch_start, lunch_end = (_parse_time(v) for v in lunch)
    else:
        lunch_start = lunch_end = None
    if not start < end:
        raise ValueError("The working day must start before it ends.")
    return OfficeHours(start=start, end=end, lunch_start=lunch_start, lunch_end=lunch_end)


def same_day_cutoff() -> datetime.time:
    """The configured "nhận sau 15 giờ" cut-off (``CONGVU_SAME_DAY_CUTOFF``)."""
    return _parse_time(getattr(settings, "CONGVU_SAME_DAY_CUTOFF", "15:00"))


# --- Data sources -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def national_calendar(year: int) -> tuple[frozenset, frozenset]:
    """(days off, working weekend days) of ``year`` from the ``holidays`` package."""
    vn = holidays.country_holidays("VN", years=year)
    days_off = frozenset(day for day in vn if day.year == year)
    worked = frozenset(day for day in getattr(vn, "weekend_workdays", ()) or () if day.year == year)
    return days_off, worked


def _generation():
    try:
        return cache.get(_GENERATION_KEY, 0)
    except Exception:  # a cache outage must not stop deadline computation
        return None


def invalidate() -> None:
    """Forget cached overrides in this process and, through the cache, in all others."""
    with _lock:
        _override_cache.clear()
    with contextlib.suppress(Exception):
        cache.set(_GENERATION_KEY, _time.time_ns(), None)


def _overrides(year: int, generation) -> list[tuple[datetime.date, str, int | None]]:
    now = _time.monotonic()
    with _lock:
        entry = _override_cache.get(year)
        if (
            entry
            and entry[0] == generation
            and generation is not None
            and now - entry[1] < _LOCAL_TTL_SECONDS
        ):
            return entry[2]
    from .models import CalendarOverride

    rows = list(
        CalendarOverride.objects.filter(date__year=year, revoked_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("date", "kind", "unit_id")
    )
    with _lock:
        _override_cache[year] = (generation, now, rows)
    return rows


def _unit_chain(unit) -> tuple[int, ...]:
    """Ids of ``unit`` and the units above it, the unit itself last."""
    if unit is None:
        return ()
    path = getattr(unit, "path", None)
    pk = getattr(unit, "pk", unit)
    if path is None:
        from congvu.org.models import Unit

        path = Unit.objects.filter(pk=pk).values_list("path", flat=True).first() or ""
    chain = tuple(int(part) for part in path.strip("/").split("/") if part.isdigit())
    return chain if chain and chain[-1] == pk else (*chain, int(pk))


class WorkCalendar:
    """The calendar as seen by one unit, for one computation (reads the cache once)."""

    def __init__(self, unit=None):
        self.chain = _unit_chain(unit)
        self._rank = {unit_id: depth for depth, unit_id in enumerate(self.chain, start=1)}
        self._generation = _generation()
        self._years: dict[int, dict[datetime.date, str]] = {}

    def _year(self, year: int) -> dict[datetime.date, str]:
        data = self._years.get(year)
        if data is None:
            data = {}
            best: dict[datetime.date, int] = {}
            # Rows come oldest first: a later row of the same rank replaces an earlier one.
            for day, kind, unit_id in _overrides(year, self._generation):
                rank = 0 if unit_id is None else self._rank.get(unit_id)
                if rank is None:
                    continue
                if rank >= best.get(day, -1):
                    best[day] = rank
                    data[day] = kind
            self._years[year] = data
        return data

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self._year(day.year).get(day)
        if kind == WORK_DAY:
            return True
        if kind == DAY_OFF:
            return False
        days_off, worked = national_calendar(day.year)
        if day in worked:
            return True
        if day in days_off:
            return False
        return day.weekday() not in WEEKEND

    def next_working_day(self, day: datetime.date) -> datetime.date:
        day += datetime.timedelta(days=1)
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def previous_working_day(self, day: datetime.date) -> datetime.date:
        day -= datetime.timedelta(days=1)
        while not self.is_working_day(day):
            day -= datetime.timedelta(days=1)
        return day

    def working_days(self, start: datetime.date, end: datetime.date) -> Iterable[datetime.date]:
        day = start
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += datetime.timedelta(days=1)


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


# --- Public functions --------------------------------------------------------------------------


def is_working_day(day, unit=None) -> bool:
    """Whether ``day`` (a date or datetime) is a working day for ``unit`` (None: everywhere)."""
    return WorkCalendar(unit).is_working_day(_as_date(day))


def next_working_day(day, unit=None) -> datetime.date:
    """The first working day strictly after ``day``."""
    return WorkCalendar(unit).next_working_day(_as_date(day))


def add_working_days(start, n: int, unit=None) -> datetime.date:
    """The day ``n`` working days after ``start`` (the day after ``start`` counts as the first).

    ``n == 0`` gives ``start`` if it is a working day, else the next working
    day; a negative ``n`` counts backwards. The result is always a working day.
    """
    cal = WorkCalendar(unit)
    day = _as_date(start)
    if n == 0:
        return day if cal.is_working_day(day) else cal.next_working_day(day)
    step = cal.next_working_day if n > 0 else cal.previous_working_day
    for _ in range(abs(n)):
        day = step(day)
    return day


def working_days_between(a, b, unit=None) -> int:
    """Working days in ``(a, b]`` (negative if ``b`` is before ``a``).

    So ``working_days_between(d, add_working_days(d, n)) == n`` for a working day ``d``.
    """
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -working_days_between(b, a, unit)
    cal = WorkCalendar(unit)
    return sum(1 for _ in cal.working_days(a + datetime.timedelta(days=1), b))


def _aware(day: datetime.date, at: datetime.time, tz) -> datetime.datetime:
    return datetime.datetime.combine(day, at, tzinfo=tz)


def add_working_hours(
    start_dt: datetime.datetime,
    hours,
    unit=None,
    *,
    day_start=None,
    day_end=None,
    lunch=True,
) -> datetime.datetime:
    """The moment ``hours`` office hours after ``start_dt`` (timezone-aware, local time).

    Time outside office hours, in the lunch break and on days off does not
    count. ``hours`` may be fractional; it must not be negative.
    """
    hours_left = datetime.timedelta(hours=float(hours))
    if hours_left < datetime.timedelta(0):
        raise ValueError("hours must not be negative")
    tz = timezone.get_current_timezone()
    if timezone.is_naive(start_dt):
        start_dt = timezone.make_aware(start_dt, tz)
    current = timezone.localtime(start_dt, tz)
    cal = WorkCalendar(unit)
    segments = office_hours(day_start=day_start, day_end=day_end, lunch=lunch).segments()
    day = current.date()
    while True:
        if cal.is_working_day(day):
            for seg_start, seg_end in segments:
                begin = max(current, _aware(day, seg_start, tz))
                end = _aware(day, seg_end, tz)
                if begin >= end:
                    continue
                if begin + hours_left <= end:
                    return begin + hours_left
                hours_left -= end - begin
        day = cal.next_working_day(day)
        current = _aware(day, segments[0][0], tz)


def end_of_working_day(day: datetime.date) -> datetime.datetime:
    """The end of office hours on ``day`` (aware, local time)."""
    return _aware(day, office_hours().end, timezone.get_current_timezone())


def deadline_same_day_or_next(
    received_at: datetime.datetime, cutoff=None, unit=None
) -> datetime.datetime:
    """ "Trong ngày; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo".

    Returns the end of office hours of the day the work is due: the day of
    ``received_at`` if it is a working day and the time is not after the
    cut-off (setting ``CONGVU_SAME_DAY_CUTOFF`` unless ``cutoff`` is given),
    otherwise the next working day. Use ``.date()`` for the due date.
    """
    cutoff = _parse_time(cutoff) or same_day_cutoff()
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    local = timezone.localtime(received_at)
    cal = WorkCalendar(unit)
    day = local.date()
    if cal.is_working_day(day) and local.time() <= cutoff:
        return end_of_working_day(day)
    return end_of_working_day(cal.next_working_day(day))
