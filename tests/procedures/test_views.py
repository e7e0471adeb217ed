"""Public catalogue pages, officials' pages and the API: search, content and who may do what."""

import datetime
from decimal import Decimal

from django.urls import reverse

import pytest

from congvu.accounts.constants import Role
from congvu.procedures.constants import DurationUnit
from congvu.procedures.models import ProcessDefinition
from tests.factories import PositionFactory, ProcedureVersionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

MOBILE_BIRTH = "Thủ tục đăng ký khai sinh lưu động"


@pytest.mark.parametrize(
    "query", ["khai sinh", "KHAI SINH", "khai sinh luu dong", "Khai Sinh Lưu Động", "1.003583"]
)
def test_public_search_is_accent_and_case_insensitive(client, imported, query):
    resp = client.get(reverse("procedures:list"), {"q": query})
    assert resp.status_code == 200
    assert MOBILE_BIRTH in resp.content.decode()


def test_public_search_narrows_and_filters_by_field(client, imported):
    body = client.get(reverse("procedures:list"), {"q": "luu dong"}).content.decode()
    assert MOBILE_BIRTH in body and "Thủ tục đăng ký khai tử" not in body
    from congvu.procedures.models import ProcedureField

    field = ProcedureField.objects.get(name="Chứng thực")
    body = client.get(reverse("procedures:list"), {"linh_vuc": field.pk}).content.decode()
    assert "Chứng thực di chúc" in body and MOBILE_BIRTH not in body


def test_public_detail_shows_papers_fees_time_and_submit_link(client, imported):
    resp = client.get(reverse("procedures:detail", args=["1.000656"]))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "Giấy báo tử" in body
    assert "1 bản chính" in body
    assert "1 ngày làm việc" in body
    assert "Miễn phí" in body
    assert "123/2015/NĐ-CP" in body
    assert "Trực tuyến một phần" in body
    assert "Nộp hồ sơ trực tuyến" in body
    assert "/dich-vu-cong/nop/1.000656/" in body


def test_procedures_without_online_channel_have_no_submit_button(client, imported):
    body = client.get(reverse("procedures:detail", args=["1.003583"])).content.decode()
    assert "5 ngày làm việc" in body
    assert "/dich-vu-cong/nop/" not in body


def test_unknown_or_inactive_procedure_is_404(client, imported):
    from congvu.procedures.models import Procedure

    Procedure.objects.filter(code="1.003583").update(active=False)
    assert client.get(reverse("procedures:detail", args=["1.003583"])).status_code == 404
    assert client.get(reverse("procedures:detail", args=["0.000000"])).status_code == 404


def test_officials_pages_need_an_official(client, imported):
    url = reverse("procedures_manage:detail", args=["1.003583"])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(citizen=True))
    assert client.get(url).status_code == 404


def test_official_sees_versions_flags_and_raw(client, imported):
    client.force_login(PositionFactory().user)
    body = client.get(reverse("procedures_manage:detail", args=["1.013953"])).content.decode()
    assert "duration_differs_by_channel" in body
    assert "Bản ghi gốc" in body
    body = client.get(reverse("procedures_manage:list"), {"q": "khai sinh"}).content.decode()
    assert MOBILE_BIRTH in body


def _post_steps(client, url, budgets, valid_from="2026-08-01"):
    data = {
        "valid_from": valid_from,
        "steps-TOTAL_FORMS": str(len(budgets)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
    }
    for i, hours in enumerate(budgets):
        data.update(
            {
                f"steps-{i}-name": f"Bước {i + 1}",
                f"steps-{i}-kind": "appraisal",
                f"steps-{i}-role": Role.SPECIALIST,
                f"steps-{i}-budget_hours": hours,
            }
        )
    return client.post(url, data)


def test_unit_admin_edits_own_units_process_with_budget_check(client, settings):
    settings.CONGVU_WORKING_HOURS_PER_DAY = 8
    version = ProcedureVersionFactory(
        duration_value=Decimal(2),
        duration_unit=DurationUnit.WORKING_DAYS,
        valid_from=datetime.date(2025, 1, 1),
    )
    code = version.procedure.code
    own, other = UnitFactory(commune=True), UnitFactory(commune=True)
    admin = PositionFactory(unit_admin=True, unit=own).user
    client.force_login(admin)
    url = reverse("procedures_manage:process_edit", args=[code, own.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Tiếp nhận hồ sơ" in page.content.decode()  # the default steps are proposed

    resp = _post_steps(client, url, ["4", "8"])
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "chưa bằng thời hạn giải quyết theo quy định là 16 giờ làm việc" in body
    assert not ProcessDefinition.objects.exists()

    resp = _post_steps(client, url, ["4", "12"])
    assert resp.status_code == 302
    definition = ProcessDefinition.objects.get()
    assert (definition.unit, definition.steps.count()) == (own, 2)

    assert (
        client.get(reverse("procedures_manage:process_edit", args=[code, other.pk])).status_code
        == 404
    )
    assert (
        _post_steps(
            client, reverse("procedures_manage:process_edit", args=[code, other.pk]), ["16"]
        ).status_code
        == 404
    )
    specialist = PositionFactory(unit=own).user
    client.force_login(specialist)
    assert client.get(url).status_code == 404


# --- API --------------------------------------------------------------------------------------


def test_api_catalogue_is_public_and_read_only(client, imported):
    resp = client.get("/api/v1/procedures/", {"q": "KHAI SINH LUU DONG"})
    assert resp.status_code == 200
    assert [p["code"] for p in resp.json()["results"]] == ["1.003583"]
    detail = client.get("/api/v1/procedures/1.003583/").json()
    version = detail["current_version"]
    assert version["duration_unit"] == "working_days" and version["duration_value"] == "5.00"
    assert version["channels"][0]["channel"] == "direct"
    assert version["papers"][0]["form"] == "original"
    assert {"name": "Luật 60/2014/QH13", "number": "60/2014/QH13"} in version["legal_bases"]
    assert client.post("/api/v1/procedures/", {}).status_code in (401, 403, 405)
    assert client.get("/api/v1/procedure-fields/").status_code == 200


def test_api_processes_officials_read_admins_write(client, settings):
    settings.CONGVU_WORKING_HOURS_PER_DAY = 8
    version = ProcedureVersionFactory(
        duration_value=Decimal(1), valid_from=datetime.date(2025, 1, 1)
    )
    own, other = UnitFactory(commune=True), UnitFactory(commune=True)
    payload = {
        "procedure": version.procedure.code,
        "unit": own.pk,
        "steps": [
            {
                "name": "Tiếp nhận",
                "kind": "reception",
                "role": "onestop_officer",
                "budget_hours": "2",
            },
            {"name": "Giải quyết", "kind": "appraisal", "role": "specialist", "budget_hours": "6"},
        ],
    }
    assert client.get("/api/v1/procedure-processes/").status_code in (401, 403)
    assert client.post(
        "/api/v1/procedure-processes/", payload, content_type="application/json"
    ).status_code in (401, 403)

    client.force_login(PositionFactory(unit_admin=True, unit=own).user)
    bad = {**payload, "steps": payload["steps"][:1]}
    resp = client.post("/api/v1/procedure-processes/", bad, content_type="application/json")
    assert resp.status_code == 400
    assert resp.json()["code"] == "budget_mismatch"
    assert resp.json()["errors"][0]["field"] == "steps"
    resp = client.post("/api/v1/procedure-processes/", payload, content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert [s["budget_hours"] for s in resp.json()["steps"]] == ["2.00", "6.00"]
    resp = client.post(
        "/api/v1/procedure-processes/",
        {**payload, "unit": other.pk},
        content_type="application/json",
    )
    assert resp.status_code == 403

    client.force_login(PositionFactory(unit=other).user)
    listed = client.get(
        "/api/v1/procedure-processes/", {"procedure": version.procedure.code}
    ).json()
    assert len(listed["results"]) == 1
