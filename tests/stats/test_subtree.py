"""A unit's statistics include its subtree: the chairman of a commune sees the dossiers its
one-stop centre (Trung tâm Phục vụ hành chính công, a child unit) received."""

import datetime
import io

from django.urls import reverse

import pytest
from openpyxl import load_workbook

from congvu.org.constants import UnitKind
from congvu.stats.selectors import COLUMNS, Period, dossier_statistics, stats_unit_ids
from tests.factories import PositionFactory, ProcedureVersionFactory, UnitFactory
from tests.onestop.builders import dossier_row

from .conftest import at
from .rendered import number, table_of

pytestmark = pytest.mark.django_db
MARCH = {"tu": "2026-03-01", "den": "2026-03-31"}
KEYS = [key for key, _label in COLUMNS]
CENTRE = "Trung tâm Phục vụ hành chính công xã"


def _dossiers(unit, version, n, *, received, closed=None):
    for i in range(n):
        dossier_row(
            receiving_unit=unit,
            procedure_version=version,
            channel="online" if i % 2 else "direct",
            submitted_at=received,
            received_at=received,
            status="done" if closed else "processing",
            due_at=received + datetime.timedelta(days=10),
            closed_at=closed,
            finished_at=closed,
            outcome="on_time" if closed else "",
        )


@pytest.fixture
def tree(db):
    province = UnitFactory(kind=UnitKind.PROVINCE, name="Ủy ban nhân dân tỉnh Vĩnh Long")
    commune = UnitFactory(commune=True, parent=province, name="Ủy ban nhân dân xã Thạnh Phú")
    centre = UnitFactory(kind=UnitKind.SUBUNIT, parent=commune, name=CENTRE)
    # The commune's former desk, closed by a reorganisation: its past dossiers stay its own.
    old_desk = UnitFactory(
        kind=UnitKind.SUBUNIT, parent=commune, name="Bộ phận một cửa cũ", closed=True
    )
    # The old commune that became this one: a predecessor, not part of the subtree.
    predecessor = UnitFactory(commune=True, name="Ủy ban nhân dân xã Thạnh Phú cũ", closed=True)
    commune.predecessors.add(predecessor)
    neighbour = UnitFactory(commune=True, parent=province, name="Ủy ban nhân dân xã Đại Điền")
    neighbour_centre = UnitFactory(kind=UnitKind.SUBUNIT, parent=neighbour, name=CENTRE)
    version = ProcedureVersionFactory()
    _dossiers(centre, version, 3, received=at(3, 2))
    _dossiers(centre, version, 2, received=at(3, 3), closed=at(3, 9))
    _dossiers(commune, version, 1, received=at(3, 4))
    _dossiers(neighbour_centre, version, 4, received=at(3, 5))
    june = datetime.datetime(2025, 6, 10, 9, tzinfo=at(3, 1).tzinfo)
    # Finished in June 2025: not carried over into 2026.
    done = june + datetime.timedelta(days=5)
    _dossiers(old_desk, version, 2, received=june, closed=done)
    _dossiers(predecessor, version, 5, received=june, closed=done)
    chairman = PositionFactory(leader=True, unit=commune).user
    return {
        "province": province,
        "commune": commune,
        "centre": centre,
        "old_desk": old_desk,
        "predecessor": predecessor,
        "neighbour": neighbour,
        "chairman": chairman,
    }


def _row(cells):
    return dict(zip(KEYS, [number(c) for c in cells], strict=True))


def test_chairman_scope_covers_the_commune_subtree(tree):
    scope = stats_unit_ids(tree["chairman"])
    assert {tree["commune"].pk, tree["centre"].pk, tree["old_desk"].pk} <= scope
    assert tree["neighbour"].pk not in scope and tree["predecessor"].pk not in scope
    assert tree["province"].pk not in scope


def test_chairman_sees_the_centre_dossiers_on_the_page(client, tree):
    client.force_login(tree["chairman"])
    resp = client.get(reverse("stats:dashboard"), MARCH)
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Không có hồ sơ trong khoảng thời gian này." not in body
    table = table_of(body)
    assert set(table["rows"]) == {CENTRE, "Ủy ban nhân dân xã Thạnh Phú"}
    centre = _row(table["rows"][CENTRE])
    assert (centre["received"], centre["processed"], centre["in_progress"]) == (5, 2, 3)
    assert _row(table["total"])["received"] == 6  # not the neighbour's 4

    # Choosing the commune itself counts its subtree; the centre alone is a choice too.
    chosen = client.get(reverse("stats:dashboard"), {**MARCH, "don_vi": tree["commune"].pk})
    assert _row(table_of(chosen.content.decode())["total"])["received"] == 6
    only = client.get(reverse("stats:dashboard"), {**MARCH, "don_vi": tree["centre"].pk})
    assert _row(table_of(only.content.decode())["total"])["received"] == 5


def test_chairman_excel_and_api_count_the_subtree(client, tree):
    client.force_login(tree["chairman"])
    resp = client.get(reverse("stats:export"), {**MARCH, "don_vi": tree["commune"].pk})
    rows = [
        list(r) for r in load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True)
    ]
    total = dict(zip(KEYS, next(r for r in rows if r[0] == "Tổng cộng")[1:], strict=True))
    assert total["received"] == 6 and total["processed"] == 2

    api = client.get(
        "/api/v1/statistics/",
        {"unit": tree["commune"].pk, "date_from": "2026-03-01", "date_to": "2026-03-31"},
    ).json()
    assert {r["id"] for r in api["rows"]} == {tree["commune"].pk, tree["centre"].pk}
    assert api["total"]["values"]["received"] == 6
    # The neighbour is outside the chairman's scope: answered like a unit without dossiers.
    outside = client.get(
        "/api/v1/statistics/", {"unit": tree["neighbour"].pk, "date_from": "2026-03-01"}
    ).json()
    assert outside["rows"] == []


def test_a_past_period_counts_closed_units_of_the_subtree_not_predecessors(client, tree):
    client.force_login(tree["chairman"])
    june = {"tu": "2025-06-01", "den": "2025-06-30"}
    table = table_of(client.get(reverse("stats:dashboard"), june).content.decode())
    assert set(table["rows"]) == {"Bộ phận một cửa cũ"}
    assert _row(table["total"])["received"] == 2


def test_province_leader_and_public_page_count_every_commune_below(client, tree):
    leader = PositionFactory(leader=True, unit=tree["province"]).user
    period = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    table = dossier_statistics(unit_ids=stats_unit_ids(leader), period=period, now=at(4, 1))
    assert table.total.values["received"] == 10
    public = client.get(
        reverse("stats_public:progress"), {**MARCH, "don_vi": tree["neighbour"].pk}
    ).content.decode()
    assert _row(table_of(public)["total"])["received"] == 4
