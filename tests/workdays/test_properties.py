import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from congvu.workdays.calendar import (
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)

days = st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2027, 12, 31))
counts = st.integers(min_value=0, max_value=60)

# The calendar reads overrides from the database; without rows these properties
# hold for the national calendar, which needs no database access beyond the read.
pytestmark = __import__("pytest").mark.django_db


@settings(max_examples=150, deadline=None)
@given(day=days, n=counts)
def test_adding_working_days_lands_on_a_working_day(day, n):
    assert is_working_day(add_working_days(day, n))


@settings(max_examples=150, deadline=None)
@given(day=days, n=counts, m=counts)
def test_adding_is_monotonic(day, n, m):
    a, b = sorted((n, m))
    assert add_working_days(day, a) <= add_working_days(day, b)


@settings(max_examples=150, deadline=None)
@given(day=days, n=counts)
def test_between_inverts_add_from_a_working_day(day, n):
    start = day if is_working_day(day) else next_working_day(day)
    assert working_days_between(start, add_working_days(start, n)) == n


@settings(max_examples=100, deadline=None)
@given(day=days, n=st.integers(min_value=1, max_value=40))
def test_negative_counts_go_back(day, n):
    start = day if is_working_day(day) else next_working_day(day)
    assert add_working_days(add_working_days(start, n), -n) == start
    assert working_days_between(add_working_days(start, n), start) == -n


moments = st.datetimes(
    min_value=datetime.datetime(2025, 1, 1), max_value=datetime.datetime(2027, 12, 31)
)
hours = st.floats(min_value=0.25, max_value=200, allow_nan=False).map(lambda h: round(h * 4) / 4)


@settings(max_examples=100, deadline=None)
@given(start=moments, n=hours, extra=hours)
def test_added_hours_end_inside_office_hours_and_grow(start, n, extra):
    from django.utils import timezone

    from congvu.workdays.calendar import add_working_hours

    start = timezone.make_aware(start)
    end = add_working_hours(start, n)
    local = timezone.localtime(end)
    assert is_working_day(local.date())
    assert datetime.time(7, 30) < local.time() <= datetime.time(17, 0)
    assert not datetime.time(11, 30) < local.time() <= datetime.time(13, 0)
    assert add_working_hours(start, n + extra) > end
