"""The numbers a leader reads: the 766 table on the page, its chart and its Excel agree."""

import io

from django.urls import reverse

import pytest
from openpyxl import load_workbook

from congvu.stats.selectors import COLUMNS
from tests.factories import PositionFactory

from .conftest import EXPECTED_COMMUNE
from .rendered import chart_of, number, table_of

pytestmark = pytest.mark.django_db
MARCH = {"tu": "2026-03-01", "den": "2026-03-31"}
KEYS = [key for key, _label in COLUMNS]
# The chart's segments, by their column key (its titles use the column labels).
LABELS = {str(label): key for key, label in COLUMNS}


@pytest.fixture
def commune_leader(world):
    return PositionFactory(leader=True, unit=world["commune"]).user


def _values(cells):
    return dict(zip(KEYS, [number(c) for c in cells], strict=True))


def _expected():
    return {key: EXPECTED_COMMUNE[key] for key in KEYS}


def test_table_cells_show_the_numbers(client, world, commune_leader):
    client.force_login(commune_leader)
    resp = client.get(reverse("stats:dashboard"), MARCH)
    assert resp.status_code == 200
    table = table_of(resp.content.decode())
    assert table["header"][1:] == [str(label) for _key, label in COLUMNS]
    assert list(table["rows"]) == ["Ủy ban nhân dân xã An Thạnh"]
    assert _values(table["rows"]["Ủy ban nhân dân xã An Thạnh"]) == _expected()
    assert table["raw"]["tfoot"][0][0] == "Tổng cộng"
    assert _values(table["total"]) == _expected()
    every_cell = [cell for cells in table["raw"]["tbody"] + table["raw"]["tfoot"] for cell in cells]
    assert not [cell for cell in every_cell if "None" in cell]
    # The share bars print the total's shares as the table does ("37,5").
    html = resp.content.decode()
    shares = dict(zip(KEYS, table["total"], strict=True))
    assert shares["online_share"] == "37,5"
    assert f">{shares['online_share']}%</text>" in html
    assert f">{shares['paid_online_share']}%</text>" in html


def test_public_table_shows_the_numbers(client, world):
    resp = client.get(reverse("stats_public:progress"), MARCH)
    table = table_of(resp.content.decode())
    assert _values(table["rows"]["Ủy ban nhân dân xã An Thạnh"]) == _expected()
    other = _values(table["rows"]["Ủy ban nhân dân xã Bình Thạnh"])
    assert (other["received"], other["new_online"], other["in_progress_on_time"]) == (1, 1, 1)
    assert _values(table["total"])["received"] == 11


@pytest.mark.parametrize("group_by", ["unit", "field", "procedure"])
def test_table_chart_and_excel_agree(client, world, group_by):
    admin = PositionFactory(system_admin=True, unit=world["commune"]).user
    client.force_login(admin)
    query = {**MARCH, "theo": group_by}
    html = client.get(reverse("stats:dashboard"), query).content.decode()
    table = table_of(html)
    page_rows = {label: _values(cells) for label, cells in table["rows"].items()}
    assert len(page_rows) == 2
    assert sum(v["received"] for v in page_rows.values()) == 11

    # The chart draws every non-zero segment of every row with the table's number.
    segments, totals = chart_of(html)
    assert set(segments) == set(page_rows)
    for label, values in page_rows.items():
        drawn = {LABELS[name]: n for name, n in segments[label].items()}
        shown = {key: values[key] for key in drawn}
        assert drawn == shown
        assert totals[label] == values["processed"] + values["in_progress"] + values["paused"]

    # The Excel export has the same rows, columns and numbers.
    resp = client.get(reverse("stats:export"), query)
    rows = [
        list(r) for r in load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True)
    ]
    header = next(r for r in rows if r and r[0] == table["header"][0])
    assert header == table["header"]
    sheet = {r[0]: dict(zip(KEYS, r[1:], strict=True)) for r in rows[rows.index(header) + 1 :]}
    assert sheet.pop("Tổng cộng") == _values(table["total"])
    assert sheet == page_rows
