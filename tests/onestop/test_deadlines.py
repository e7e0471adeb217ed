"""The deadline engine: office hours, next working period, cut-offs, hours/days, pauses."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from congvu.onestop import deadlines
from congvu.workdays.calendar import is_working_day

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(7 * 60)


def at(month, day, hour=8, minute=0, year=2026):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def version(value="3", unit="working_days", cutoff=None):
    return SimpleNamespace(
        duration_value=None if value is None else Decimal(value),
        duration_unit=unit,
        same_day_cutoff=cutoff,
    )


def test_days_count_as_office_hours():
    assert deadlines.dossier_due_at(version("3"), at(3, 2, 9, 30)) == at(3, 5, 9, 30)


def test_outside_office_hours_counts_from_next_period():
    assert deadlines.clock_start(at(3, 2, 18)) == at(3, 3, 7, 30)
    assert deadlines.clock_start(at(3, 2, 12)) == at(3, 2, 13)
    assert deadlines.clock_start(at(3, 7, 9)) == at(3, 9, 7, 30)  # Saturday
    assert deadlines.clock_start(at(3, 2, 6)) == at(3, 2, 7, 30)


def test_hours():
    assert deadlines.dossier_due_at(version("4", "working_hours"), at(3, 2, 10)) == at(3, 2, 15, 30)


def test_holidays_are_skipped():
    # Thu 30/4 and Fri 1/5/2026 are holidays: Wed 29/4 10:00 + 2 days -> Tue 5/5 10:00.
    assert deadlines.dossier_due_at(version("2"), at(4, 29, 10)) == at(5, 5, 10)


def test_same_day_cutoff_per_procedure_and_setting(settings):
    same_day = version(None, "same_day")
    assert deadlines.dossier_due_at(same_day, at(3, 2, 14)) == at(3, 2, 17)
    assert deadlines.dossier_due_at(same_day, at(3, 2, 15, 30)) == at(3, 3, 17)
    early = version(None, "same_day", cutoff=datetime.time(10))
    assert deadlines.dossier_due_at(early, at(3, 2, 14)) == at(3, 3, 17)
    settings.CONGVU_SAME_DAY_CUTOFF = "16:00"
    assert deadlines.dossier_due_at(same_day, at(3, 2, 15, 30)) == at(3, 2, 17)


def test_end_of_day_mode(settings):
    settings.CONGVU_DEADLINE_DAY_MODE = "end_of_day"
    assert deadlines.dossier_due_at(version("3"), at(3, 2, 9, 30)) == at(3, 5, 17)


def test_pause_pushes_by_its_office_time():
    pause = (at(3, 3, 9, 30), at(3, 4, 9, 30))  # 8 office hours
    assert deadlines.dossier_due_at(version("3"), at(3, 2, 9, 30), pauses=[pause]) == at(
        3, 6, 9, 30
    )
    overlapping = [pause, (at(3, 3, 10), at(3, 3, 11))]
    assert deadlines.dossier_due_at(version("3"), at(3, 2, 9, 30), pauses=overlapping) == at(
        3, 6, 9, 30
    )
    weekend = (at(3, 7, 8), at(3, 8, 20))
    assert deadlines.dossier_due_at(version("3"), at(3, 2, 9, 30), pauses=[weekend]) == at(
        3, 5, 9, 30
    )


def test_rate():
    due = at(3, 5, 9, 30)
    assert deadlines.rate(at(3, 4, 16), due) == "early"
    assert deadlines.rate(at(3, 5, 9), due) == "on_time"
    assert deadlines.rate(at(3, 5, 9, 31), due) == "late"


# --- Properties -------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime.datetime(2025, 1, 1), max_value=datetime.datetime(2027, 6, 30)
).map(lambda d: d.replace(tzinfo=TZ, second=0, microsecond=0))
versions = st.one_of(
    st.builds(lambda n: version(str(n), "working_days"), st.integers(0, 30)),
    st.builds(lambda n: version(str(n), "working_hours"), st.integers(1, 80)),
    st.just(version(None, "same_day")),
)
pauses = st.lists(
    st.tuples(moments, st.integers(1, 60 * 24 * 10)).map(
        lambda p: (p[0], p[0] + datetime.timedelta(minutes=p[1]))
    ),
    max_size=3,
)


def in_office_hours(dt):
    return deadlines.is_office_time(dt)


@settings(max_examples=120, deadline=None)
@given(v=versions, start=moments, ps=pauses)
def test_due_is_a_working_day_inside_office_hours(v, start, ps):
    due = deadlines.dossier_due_at(v, start, pauses=ps)
    assert is_working_day(due)
    assert in_office_hours(due)
    assert due >= start


@settings(max_examples=120, deadline=None)
@given(v=versions, start=moments, ps=pauses, extra=pauses)
def test_adding_a_pause_never_makes_due_earlier(v, start, ps, extra):
    before = deadlines.dossier_due_at(v, start, pauses=ps)
    after = deadlines.dossier_due_at(v, start, pauses=ps + extra)
    assert after >= before


@settings(max_examples=120, deadline=None)
@given(v=versions, a=moments, b=moments)
def test_monotonic_in_start(v, a, b):
    a, b = sorted((a, b))
    assert deadlines.dossier_due_at(v, a) <= deadlines.dossier_due_at(v, b)


@settings(max_examples=80, deadline=None)
@given(start=moments, hours=st.integers(0, 100))
def test_working_time_inverts_adding(start, hours):
    begin = deadlines.clock_start(start)
    due = deadlines.push_by(begin, datetime.timedelta(hours=hours))
    assert deadlines.working_time_between(begin, due) == datetime.timedelta(hours=hours)
