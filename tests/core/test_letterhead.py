"""The Appendix I letterhead rules as text: the date of the place/date line, whole agency lines."""

import datetime

import pytest

from congvu.core.letterhead import agency_lines, date_words, parent_lines, place_date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (datetime.date(2026, 2, 14), "ngày 14 tháng 02 năm 2026"),
        (datetime.date(2026, 3, 7), "ngày 07 tháng 3 năm 2026"),
        (datetime.date(2026, 9, 30), "ngày 30 tháng 9 năm 2026"),
        (datetime.date(2026, 10, 1), "ngày 01 tháng 10 năm 2026"),
        (datetime.date(2026, 12, 15), "ngày 15 tháng 12 năm 2026"),
    ],
)
def test_only_days_below_10_and_january_february_take_a_leading_zero(day, expected):
    assert date_words(day) == expected


def test_place_date_line():
    assert place_date("Thạnh Phú", datetime.date(2020, 3, 5)) == (
        "Thạnh Phú, ngày 05 tháng 3 năm 2020"
    )
    assert date_words(None) == "ngày … tháng … năm …"


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("Ủy ban nhân dân xã Thạnh Phú", ["Ủy ban nhân dân", "xã Thạnh Phú"]),
        ("UBND xã Thạnh Phú", ["Ủy ban nhân dân", "xã Thạnh Phú"]),
        ("Ủy ban nhân dân tỉnh Vĩnh Long", ["Ủy ban nhân dân", "tỉnh Vĩnh Long"]),
        ("Phòng Kinh tế", ["Phòng Kinh tế"]),
        (
            "Trung tâm Phục vụ hành chính công xã Thạnh Phú",
            ["Trung tâm Phục vụ", "hành chính công", "xã Thạnh Phú"],
        ),
        ("Văn phòng HĐND và UBND xã Thạnh Phú", ["Văn phòng HĐND và UBND", "xã Thạnh Phú"]),
    ],
)
def test_agency_lines_break_between_phrases_never_inside_a_name(name, lines):
    assert agency_lines(name) == lines


def test_parent_line_abbreviates_the_committee_to_stay_on_one_line():
    assert parent_lines("Ủy ban nhân dân tỉnh Vĩnh Long") == ["UBND tỉnh Vĩnh Long"]
    assert parent_lines("Hội đồng nhân dân xã Thạnh Phú") == ["HĐND xã Thạnh Phú"]
    assert parent_lines("") == []
    # However long, a line never ends inside a word.
    for line in parent_lines("Ban Quản lý dự án đầu tư xây dựng khu vực huyện Thạnh Phú"):
        assert not line.startswith(" ") and not line.endswith(" ")
        assert len(line) <= 22
