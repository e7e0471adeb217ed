"""Decision 766 numbers on the hand-built month (see conftest)."""

import datetime

import pytest

from congvu.onestop.constants import PauseReason
from congvu.onestop.models import ClockPause
from congvu.stats.selectors import Period, dossier_statistics
from tests.onestop.builders import rating_row

from .conftest import EXPECTED_COMMUNE, at

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def _values(row):
    return {k: row.values[k] for k in EXPECTED_COMMUNE}


@pytest.mark.django_db
def test_every_category_by_unit(world):
    table = dossier_statistics(unit_ids={world["commune"].pk}, period=MARCH, now=at(4, 15))
    assert [r.label for r in table.rows] == ["Ủy ban nhân dân xã An Thạnh"]
    assert _values(table.rows[0]) == EXPECTED_COMMUNE
    assert _values(table.total) == EXPECTED_COMMUNE


@pytest.mark.django_db
def test_all_units_and_totals(world):
    table = dossier_statistics(unit_ids=None, period=MARCH, now=at(4, 15))
    by_label = {r.label: r.values for r in table.rows}
    other = by_label["Ủy ban nhân dân xã Bình Thạnh"]
    assert (other["received"], other["new_online"], other["in_progress_on_time"]) == (1, 1, 1)
    assert other["paid_online_share"] == 100.0
    assert table.total.values["received"] == 11
    assert table.total.values["paid_online_share"] == round(100 * 2 / 3, 1)


@pytest.mark.django_db
def test_by_field_and_procedure_filter(world):
    table = dossier_statistics(
        unit_ids={world["commune"].pk}, period=MARCH, group_by="field", now=at(4, 15)
    )
    rows = {r.label: r.values for r in table.rows}
    assert rows["Hộ tịch"]["received"] == 8 and rows["Chứng thực"]["received"] == 2
    assert (
        rows["Chứng thực"]["in_progress_on_time"] == 1 and rows["Chứng thực"]["paused_overdue"] == 1
    )
    only_b = dossier_statistics(
        unit_ids=None,
        period=MARCH,
        group_by="procedure",
        procedure_id=world["vb"].procedure_id,
        now=at(4, 15),
    )
    assert [r.label for r in only_b.rows] == ["Chứng thực bản sao"]
    assert only_b.total.values["received"] == 2
    by_field = dossier_statistics(
        unit_ids=None, period=MARCH, field_id=world["field_a"].pk, now=at(4, 15)
    )
    assert by_field.total.values["received"] == 9


@pytest.mark.django_db
def test_pause_and_rating_of_one_dossier_count_it_once(world):
    """A dossier with both a covering pause and a rating is still counted once.

    #7 (paused at the end of March, after an earlier pause that ended) is rated
    in March: still one paused dossier, and its rating counts. #9 (closed in
    February, not counted in March) is rated in March: its rating does not count.
    """
    d = world["d"]
    ClockPause.objects.create(
        dossier=d[7], reason=PauseReason.SUPPLEMENT, started_at=at(3, 6), ended_at=at(3, 8)
    )
    rating_row(d[7], score=4, rated_at=at(3, 25))
    rating_row(d[9], score=3, rated_at=at(3, 2))
    table = dossier_statistics(unit_ids={world["commune"].pk}, period=MARCH, now=at(4, 15))
    expected = dict(EXPECTED_COMMUNE, rating_count=3, rating_average=round((5 + 2 + 4) / 3, 2))
    assert _values(table.total) == expected


@pytest.mark.django_db
def test_running_period_measures_overdue_against_now(world):
    """While the period runs, "overdue" means due before now, not before the period's end."""
    table = dossier_statistics(unit_ids={world["commune"].pk}, period=MARCH, now=at(3, 25))
    v = table.total.values
    # #8 (due 28/03) and #14 (due 30/03) are not paused yet, nor overdue, on 25/03.
    assert (v["paused_on_time"], v["paused_overdue"]) == (1, 0)
    assert (v["in_progress_on_time"], v["in_progress_overdue"]) == (4, 1)


@pytest.mark.django_db
def test_empty_scope_has_no_rows(world):
    table = dossier_statistics(unit_ids=set(), period=MARCH)
    assert table.rows == [] and table.total.values["received"] == 0
