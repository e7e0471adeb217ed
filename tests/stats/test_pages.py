"""Dashboard scope, Excel export, API, and the public page without personal data."""

import io

from django.urls import reverse

import pytest
from openpyxl import load_workbook

from tests.factories import PositionFactory

from .conftest import EXPECTED_COMMUNE

pytestmark = pytest.mark.django_db
MARCH = {"tu": "2026-03-01", "den": "2026-03-31"}


@pytest.fixture
def commune_leader(world):
    return PositionFactory(leader=True, unit=world["commune"]).user


def test_commune_leader_sees_only_their_unit(client, world, commune_leader):
    client.force_login(commune_leader)
    resp = client.get(reverse("stats:dashboard"), MARCH)
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "An Thạnh" in body and "Bình Thạnh" not in body
    assert "<svg" in body and "<script" not in body.split("<main", 1)[1]
    # Choosing the other unit is not a choice.
    other = client.get(reverse("stats:dashboard"), {**MARCH, "don_vi": world["other"].pk})
    assert other.status_code == 400 and "Bình Thạnh" not in other.content.decode()


def test_system_admin_sees_all_units(client, world):
    admin = PositionFactory(system_admin=True, unit=world["commune"]).user
    client.force_login(admin)
    body = client.get(reverse("stats:dashboard"), MARCH).content.decode()
    assert "An Thạnh" in body and "Bình Thạnh" in body


def test_official_without_lead_has_no_numbers(client, world):
    client.force_login(PositionFactory(unit=world["commune"], role="specialist").user)
    resp = client.get(reverse("stats:dashboard"), MARCH)
    assert resp.status_code == 200 and "không có số liệu" in resp.content.decode()
    assert client.get(reverse("stats:export"), MARCH).status_code == 404


def test_citizen_and_anonymous_kept_out(client, world):
    assert client.get(reverse("stats:dashboard")).status_code == 302
    from tests.factories import UserFactory

    client.force_login(UserFactory(citizen=True))
    assert client.get(reverse("stats:dashboard")).status_code == 404


def test_bad_period_is_a_clear_error(client, world, commune_leader):
    client.force_login(commune_leader)
    resp = client.get(reverse("stats:dashboard"), {"tu": "2026-04-01", "den": "2026-03-01"})
    assert resp.status_code == 400 and "phải sau" in resp.content.decode()


def test_excel_export_has_the_same_numbers(client, world, commune_leader):
    client.force_login(commune_leader)
    resp = client.get(reverse("stats:export"), {**MARCH, "theo": "field"})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "Lĩnh vực")
    assert "Kỳ trước chuyển sang" in header and "Tạm dừng quá hạn" in header
    col = {name: i for i, name in enumerate(header)}
    data = {r[0]: r for r in rows[rows.index(header) + 1 :]}
    assert set(data) == {"Hộ tịch", "Chứng thực", "Tổng cộng"}
    total = data["Tổng cộng"]
    assert total[col["Tổng số tiếp nhận"]] == EXPECTED_COMMUNE["received"]
    assert total[col["Đã xử lý quá hạn"]] == 1
    assert total[col["Tạm dừng quá hạn"]] == 2
    assert data["Chứng thực"][col["Tổng số tiếp nhận"]] == 2
    assert total[col["Mức độ hài lòng (điểm trung bình)"]] == 3.5


def test_api_scoped_numbers(client, world, commune_leader):
    client.force_login(commune_leader)
    resp = client.get("/api/v1/statistics/", {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert resp.status_code == 200
    data = resp.json()
    assert [r["id"] for r in data["rows"]] == [world["commune"].pk]
    values = data["total"]["values"]
    assert {k: values[k] for k in EXPECTED_COMMUNE} == EXPECTED_COMMUNE
    outside = client.get(
        "/api/v1/statistics/", {"unit": world["other"].pk, "date_from": "2026-03-01"}
    )
    assert outside.status_code == 200 and outside.json()["rows"] == []
    bad = client.get("/api/v1/statistics/", {"date_from": "2026-04-01", "date_to": "2026-03-01"})
    assert bad.status_code == 400


def test_api_refuses_citizens(client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory(citizen=True))
    assert client.get("/api/v1/statistics/").status_code == 403


def test_public_page_has_counts_but_no_personal_data(client, world):
    resp = client.get(reverse("stats_public:progress"), {**MARCH, "theo": "field"})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "Hộ tịch" in body and "<svg" in body
    assert "/dich-vu-cong/tra-cuu/" in body
    for d in world["d"].values():
        assert d.applicant_name not in body
        assert d.applicant_phone not in body
        assert d.code not in body
        assert d.public_token not in body
    by_unit = client.get(reverse("stats_public:progress"), MARCH).content.decode()
    assert "An Thạnh" in by_unit and "Bình Thạnh" in by_unit
    assert "Riêngtư" not in by_unit and "DS-00" not in by_unit
