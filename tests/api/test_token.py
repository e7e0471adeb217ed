"""Token auth for integrations: `congvu create_api_token USERNAME`, then Authorization: Token …

Only a SHA-256 digest of each key is stored; the key is shown once.
"""

import hashlib
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection

import pytest
from rest_framework.test import APIClient

from congvu.api.models import ApiToken
from congvu.audit.models import AuditRecord
from tests.factories import UserFactory


def issue(username, *args) -> str:
    out = StringIO()
    call_command("create_api_token", username, *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.django_db
def test_token_from_the_command_authenticates_api_calls(actor_factory):
    actor_factory("clerk", username="lienthong")
    key = issue("lienthong")
    response = token_client(key).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "lienthong"
    assert response.json()["roles"][0]["roles"] == ["clerk"]


@pytest.mark.django_db
def test_the_database_keeps_only_a_digest_of_the_key(actor_factory):
    official = actor_factory("clerk", username="lienthong")
    key = issue("lienthong")
    assert len(key) >= 43  # 256 bits, URL-safe
    token = ApiToken.objects.get(user=official)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert key not in stored
    # The digest itself is not a key: presenting it is refused.
    assert token_client(token.digest).get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_issuing_is_audited_without_the_key(actor_factory):
    official = actor_factory("clerk", username="lienthong")
    key = issue("lienthong")
    record = AuditRecord.objects.get(action="congvu.api.token.issued")
    assert record.object_id == str(official.pk)
    assert record.actor_id is None
    assert key not in str(record.before) + str(record.after) + record.object_repr


@pytest.mark.django_db
def test_second_run_refuses_and_reset_replaces_the_key(actor_factory):
    actor_factory("clerk", username="lienthong")
    first = issue("lienthong")
    with pytest.raises(CommandError, match="--reset"):
        issue("lienthong")
    assert token_client(first).get("/api/v1/me/").status_code == 200
    second = issue("lienthong", "--reset")
    assert second != first
    assert token_client(first).get("/api/v1/me/").status_code == 401
    assert token_client(second).get("/api/v1/me/").status_code == 200
    assert AuditRecord.objects.filter(action="congvu.api.token.rotated").count() == 1
    assert ApiToken.objects.count() == 1


@pytest.mark.django_db
def test_wrong_token_is_401_with_its_own_code():
    response = token_client("0" * 40).get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.django_db
def test_a_key_differing_in_one_character_is_refused(actor_factory):
    actor_factory("clerk", username="lienthong")
    key = issue("lienthong")
    other = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert token_client(other).get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_no_token_for_citizens_or_unknown_users():
    UserFactory(citizen=True, username="congdan")
    with pytest.raises(CommandError, match="cán bộ"):
        issue("congdan")
    with pytest.raises(CommandError):
        issue("khong-ton-tai")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_token_of_a_deactivated_official_stops_working(actor_factory):
    official = actor_factory("clerk", username="lienthong")
    key = issue("lienthong")
    official.is_active = False
    official.save()
    assert token_client(key).get("/api/v1/me/").status_code == 401
