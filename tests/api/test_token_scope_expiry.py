"""API tokens expire and carry a scope: read tokens cannot write, expired ones are 401."""

import datetime
from io import StringIO

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest
from rest_framework.test import APIClient

from congvu.api.models import ApiToken
from congvu.api.services import api_token_issue
from congvu.audit.models import AuditRecord
from congvu.core.errors import ServiceError
from congvu.org.models import Unit
from tests.factories import PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db


def issue(username, *args) -> str:
    out = StringIO()
    call_command("create_api_token", username, *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def admin():
    return PositionFactory(system_admin=True, unit=UnitFactory(), user__username="lienthong").user


def test_command_issues_a_read_only_token_for_90_days_by_default(admin):
    before = timezone.now()
    issue("lienthong")
    token = ApiToken.objects.get(user=admin)
    assert token.scope == "read"
    expected = before + datetime.timedelta(days=90)
    assert expected <= token.expires_at <= expected + datetime.timedelta(minutes=1)
    record = AuditRecord.objects.get(action="congvu.api.token.issued")
    assert record.after["scope"] == "read" and record.after["expires_at"]


def test_days_come_from_the_option_or_the_setting(admin, settings):
    settings.CONGVU_API_TOKEN_DAYS = 7
    issue("lienthong")
    days = (ApiToken.objects.get().expires_at - timezone.now()).days
    assert days == 6  # seven days less the moments since
    issue("lienthong", "--reset", "--days", "30")
    assert (ApiToken.objects.get().expires_at - timezone.now()).days == 29


@pytest.mark.parametrize("days", ["0", "-3", "100000"])
def test_bad_days_are_refused_naming_the_field(admin, days):
    with pytest.raises(CommandError, match="Số ngày hiệu lực"):
        issue("lienthong", "--days", days)
    assert not ApiToken.objects.exists()


def test_unknown_scope_is_refused(admin):
    with pytest.raises(ServiceError) as err:
        api_token_issue(actor=None, user=admin, scope="admin")
    assert err.value.code == "invalid_scope" and err.value.errors[0].field == "scope"
    with pytest.raises(CommandError):
        issue("lienthong", "--scope", "admin")


def test_read_token_reads_but_every_write_is_403_with_a_code(admin):
    unit = UnitFactory(name="Văn phòng cũ")
    client = token_client(issue("lienthong", "--scope", "read"))
    assert client.get("/api/v1/units/").status_code == 200
    count = Unit.objects.count()
    attempts = [
        client.post("/api/v1/units/", {"kind": "office", "name": "Mới"}, format="json"),
        client.patch(f"/api/v1/units/{unit.pk}/", {"name": "Đổi"}, format="json"),
        client.put(f"/api/v1/units/{unit.pk}/", {"name": "Đổi"}, format="json"),
        client.delete(f"/api/v1/units/{unit.pk}/"),
    ]
    for response in attempts:
        assert response.status_code == 403
        body = response.json()
        assert body["code"] == "token_read_only"
        assert "chỉ được đọc" in body["message"]
    unit.refresh_from_db()
    assert unit.name == "Văn phòng cũ" and Unit.objects.count() == count


def test_read_write_token_may_write(admin):
    unit = UnitFactory(name="Văn phòng cũ")
    client = token_client(issue("lienthong", "--scope", "read_write"))
    response = client.patch(f"/api/v1/units/{unit.pk}/", {"name": "Văn phòng mới"}, format="json")
    assert response.status_code == 200
    unit.refresh_from_db()
    assert unit.name == "Văn phòng mới"


def test_expired_token_is_401_with_a_stable_code(admin):
    key = issue("lienthong", "--scope", "read_write")
    assert token_client(key).get("/api/v1/me/").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    for response in (
        token_client(key).get("/api/v1/me/"),
        token_client(key).post("/api/v1/units/", {"kind": "office"}, format="json"),
    ):
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "token_expired"
        assert "hết hạn" in body["message"]
        assert response["WWW-Authenticate"].startswith("Token")
    # A new key from --reset works again.
    fresh = issue("lienthong", "--reset")
    assert token_client(fresh).get("/api/v1/me/").status_code == 200


def test_read_token_may_call_the_parser_that_writes_nothing(admin):
    client = token_client(issue("lienthong", "--scope", "read"))
    response = client.post("/api/v1/notation/parse/", {"text": "Số: 12/QĐ-UBND"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["number"] == 12
