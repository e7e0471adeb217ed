import datetime
import zoneinfo

import pytest

from congvu.workdays.calendar import (
    add_working_days,
    add_working_hours,
    deadline_same_day_or_next,
    is_working_day,
    next_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db
D = datetime.date
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.mark.parametrize(
    "day",
    [D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19), D(2026, 2, 20)],
)
def test_tet_2026_is_off(day):
    assert not is_working_day(day)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 4, 27), False),  # Giỗ Tổ on Sunday 26/4 → nghỉ bù Monday 27/4
        (D(2026, 4, 28), True),
        (D(2026, 8, 22), True),  # Saturday worked, swapped for Monday 31/8
        (D(2026, 8, 31), False),
        (D(2026, 11, 24), False),  # Ngày Văn hóa Việt Nam, from 2026
        (D(2026, 11, 21), False),  # an ordinary Saturday
        (D(2026, 11, 23), True),
    ],
)
def test_national_calendar_2026(day, working):
    assert is_working_day(day) is working


def test_add_working_days_across_tet():
    # Friday 13/2/2026 + 1 working day: the weekend, Tết 16–20/2 and the next weekend are skipped.
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert next_working_day(D(2026, 2, 14)) == D(2026, 2, 23)


def test_add_working_hours_skips_lunch_nights_and_holidays():
    # 10:30 + 1h → 11:30, lunch until 13:00, + 1h → 14:00.
    assert add_working_hours(at(2026, 11, 23, 10, 30), 2) == at(2026, 11, 23, 14, 0)
    # Monday 16:00 + 2h → 1h left after 17:00; Tuesday 24/11 is a holiday → Wednesday 8:30.
    assert add_working_hours(at(2026, 11, 23, 16, 0), 2) == at(2026, 11, 25, 8, 30)
    assert add_working_hours(at(2026, 11, 23, 7, 30), 8) == at(2026, 11, 23, 17, 0)


def test_same_day_cutoff():
    assert deadline_same_day_or_next(at(2026, 11, 23, 14, 59)) == at(2026, 11, 23, 17, 0)
    assert deadline_same_day_or_next(at(2026, 11, 23, 15, 0)) == at(2026, 11, 23, 17, 0)
    assert deadline_same_day_or_next(at(2026, 11, 23, 15, 1)) == at(2026, 11, 25, 17, 0)
    assert deadline_same_day_or_next(at(2026, 11, 21, 9, 0)) == at(2026, 11, 23, 17, 0)
