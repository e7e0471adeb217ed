"""Mã hồ sơ: formatting and parsing round-trip; malformed input is None, never an error."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from congvu.onestop.codes import format_code, parse_code

unit_codes = st.builds(
    lambda a, b, c, letter, d: f"{a:03d}.{b:02d}.{c:02d}.{letter}{d:02d}",
    st.integers(0, 999),
    st.integers(0, 99),
    st.integers(0, 99),
    st.sampled_from("ABGH"),
    st.integers(0, 99),
)
days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31))
numbers = st.integers(min_value=1, max_value=999_999)


@given(unit=unit_codes, day=days, number=numbers)
def test_round_trip(unit, day, number):
    code = format_code(unit, day, number)
    parsed = parse_code(code)
    assert (parsed.unit_code, parsed.day, parsed.number) == (unit, day, number)
    assert str(parsed) == code


@given(st.text(max_size=40))
def test_garbage_never_raises(text):
    parsed = parse_code(text)
    assert parsed is None or str(parsed) == text.strip().upper()


def test_examples():
    assert format_code("000.00.14.H20", datetime.date(2020, 7, 3), 2) == "000.00.14.H20-200703-0002"
    assert parse_code("000.17.22.H56-210531-0001").number == 1
    assert parse_code(" 000.17.22.h56-210531-0001 ").unit_code == "000.17.22.H56"
    for bad in ("000.17.22.H56-211331-0001", "000.17.22.H56-210531-0000", "x-210531-0001", ""):
        assert parse_code(bad) is None
