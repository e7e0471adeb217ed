"""Every API error is JSON {code, message, errors[]} with Vietnamese messages naming the field."""

import pytest
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from congvu.api.errors import exception_handler
from congvu.org.models import Unit
from tests.api.operations import api_operations, fill_path
from tests.factories import UnitFactory

OPERATIONS = api_operations()
# Public operations (AllowAny: the procedure catalogue) list {} among their security
# requirements; every other operation refuses anonymous callers and citizens.
PROTECTED = [op for op in OPERATIONS if {} not in op[2].get("security", [])]


def assert_error_shape(body: dict, code: str) -> None:
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    for err in body["errors"]:
        assert set(err) == {"field", "code", "message"}


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "operation"), PROTECTED, ids=lambda v: str(v)[:40])
def test_anonymous_gets_401_on_every_operation(api, method, path, operation):
    response = api().generic(method, fill_path(path), data="{}", content_type="application/json")
    assert response.status_code == 401
    assert_error_shape(response.json(), "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "operation"), PROTECTED, ids=lambda v: str(v)[:40])
def test_citizen_gets_403_on_every_operation(api, citizen, method, path, operation):
    unit = UnitFactory()
    response = api(citizen).generic(
        method, fill_path(path, unit.pk), data="{}", content_type="application/json"
    )
    assert response.status_code == 403
    body = response.json()
    assert_error_shape(body, "permission_denied")
    assert body["message"] == "Bạn không có quyền thực hiện thao tác này."


def test_public_operations_are_read_only():
    public = [(m, p) for m, p, op in OPERATIONS if {} in op.get("security", [])]
    assert public and all(m == "GET" for m, _p in public)


@pytest.mark.django_db
def test_validation_error_names_the_field_in_vietnamese(api, system_admin):
    before = Unit.objects.count()
    response = api(system_admin).post("/api/v1/units/", {"kind": "office"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, "invalid")
    assert body["message"] == "Dữ liệu không hợp lệ."
    assert {
        "field": "name",
        "code": "required",
        "message": "Tên đầy đủ: Trường này là bắt buộc.",
    } in (body["errors"])
    assert Unit.objects.count() == before


@pytest.mark.django_db
def test_validation_error_codes_are_drf_codes_with_vietnamese_text(api, system_admin):
    response = api(system_admin).post(
        "/api/v1/units/",
        {"kind": "castle", "name": "x" * 300, "email": "khong-phai-email", "parent": 999999},
        format="json",
    )
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert errors["kind"]["code"] == "invalid_choice"
    assert errors["kind"]["message"] == "Loại: “castle” không phải là lựa chọn hợp lệ."
    assert errors["name"]["code"] == "max_length"
    assert errors["name"]["message"] == "Tên đầy đủ: Không được dài quá 255 ký tự."
    assert errors["email"]["code"] == "invalid"
    assert errors["email"]["message"] == "Thư điện tử: Địa chỉ thư điện tử không hợp lệ."
    assert errors["parent"]["code"] == "does_not_exist"
    assert errors["parent"]["message"] == "Đơn vị cấp trên: Không có đối tượng nào mang mã 999999."


@pytest.mark.django_db
def test_query_parameter_errors_use_the_same_shape(api, system_admin):
    response = api(system_admin).get("/api/v1/units/", {"active_on": "30/06/2025", "parent": "x"})
    assert response.status_code == 400
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert errors["active_on"]["code"] == "invalid"
    assert errors["active_on"]["message"] == (
        "Hiệu lực vào ngày: Ngày không hợp lệ; dùng định dạng YYYY-MM-DD."
    )
    assert errors["parent"]["message"] == "Đơn vị cấp trên: Phải là một số nguyên."


@pytest.mark.django_db
def test_service_error_keeps_its_code_status_and_field(api, system_admin):
    UnitFactory(code="000.00.31.H57")
    response = api(system_admin).post(
        "/api/v1/units/",
        {"kind": "office", "name": "Văn phòng HĐND và UBND", "code": "000.00.31.H57"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, "agency_code_taken")
    assert body["errors"] == [
        {"field": "code", "code": "agency_code_taken", "message": body["errors"][0]["message"]}
    ]
    assert body["errors"][0]["message"].startswith("Mã định danh")


@pytest.mark.django_db
def test_service_permission_error_is_403(api, actor_factory):
    unit = UnitFactory()
    specialist = actor_factory("specialist", unit=unit)
    response = api(specialist).patch(f"/api/v1/units/{unit.pk}/", {"name": "Đổi"}, format="json")
    assert response.status_code == 403
    assert_error_shape(response.json(), "permission_denied")
    unit.refresh_from_db()
    assert unit.name != "Đổi"


@pytest.mark.django_db
def test_transition_error_is_409(api, system_admin):
    unit = UnitFactory(closed=True)
    response = api(system_admin).patch(
        f"/api/v1/units/{unit.pk}/", {"kind": "department"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert_error_shape(body, "unit_closed")
    assert body["errors"][0]["field"] == "kind"
    assert body["errors"][0]["message"].startswith("Loại: ")


@pytest.mark.django_db
def test_not_found_for_a_missing_object_and_an_unknown_address(api, system_admin):
    client = api(system_admin)
    missing = client.get("/api/v1/units/987654/")
    assert missing.status_code == 404
    assert_error_shape(missing.json(), "not_found")
    assert missing.json()["message"] == "Không tìm thấy."
    for url in ("/api/v1/khong-co/", "/api/v1/units/abc/"):
        unknown = client.get(url)
        assert unknown.status_code == 404
        assert unknown["Content-Type"] == "application/json"
        assert_error_shape(unknown.json(), "not_found")


@pytest.mark.django_db
def test_method_not_allowed(api, system_admin):
    unit = UnitFactory()
    response = api(system_admin).delete(f"/api/v1/units/{unit.pk}/")
    assert response.status_code == 405
    body = response.json()
    assert_error_shape(body, "method_not_allowed")
    assert "DELETE" in body["message"]


@pytest.mark.django_db
def test_parse_error_and_unsupported_media_type(api, system_admin):
    client = api(system_admin)
    broken = client.post("/api/v1/units/", data="{không phải json", content_type="application/json")
    assert broken.status_code == 400
    assert_error_shape(broken.json(), "parse_error")
    xml = client.post("/api/v1/units/", data="<unit/>", content_type="application/xml")
    assert xml.status_code == 415
    assert_error_shape(xml.json(), "unsupported_media_type")


def test_throttled_answers_429_with_retry_after():
    request = APIRequestFactory().get("/api/v1/units/")
    response = exception_handler(exceptions.Throttled(wait=42), {"request": request})
    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    assert_error_shape(response.data, "throttled")
    assert response.data["message"] == "Quá nhiều yêu cầu. Vui lòng thử lại sau 42 giây."


@pytest.mark.django_db
def test_csrf_failure_on_session_writes_has_its_own_code(system_admin):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(system_admin)
    response = client.post("/api/v1/units/", {"kind": "office", "name": "A"}, format="json")
    assert response.status_code == 403
    assert_error_shape(response.json(), "csrf_failed")


@pytest.mark.django_db
def test_english_is_served_when_asked(api, system_admin):
    # Vietnamese is the source language; without an English catalogue entry the
    # Vietnamese text stays, but the machine code never changes.
    response = api(system_admin).post(
        "/api/v1/units/", {"kind": "office"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"][0]["code"] == "required"


@pytest.mark.django_db
def test_error_about_the_whole_body_has_no_field(api, system_admin):
    response = api(system_admin).post("/api/v1/units/", [], format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": None,
            "code": "invalid",
            "message": "Dữ liệu không hợp lệ: cần một đối tượng JSON.",
        }
    ]
