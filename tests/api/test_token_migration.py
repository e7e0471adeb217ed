"""Data migration api 0002: clear keys of DRF's old authtoken table become digests."""

import datetime
import importlib

from django.apps import apps
from django.db import connection

import pytest
from rest_framework.test import APIClient

from congvu.api.models import ApiToken

migration = importlib.import_module("congvu.api.migrations.0002_hash_clear_tokens")


@pytest.fixture
def legacy_table():
    """The table DRF's authtoken app created, as deployments before the change have it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id bigint NOT NULL UNIQUE)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created datetime NOT NULL, user_id bigint NOT NULL UNIQUE)"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS authtoken_token")


def run_migration():
    with connection.schema_editor() as editor:
        migration.hash_clear_tokens(apps, editor)


def legacy_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_existing_clear_keys_keep_working_and_leave_the_database(legacy_table, actor_factory):
    official = actor_factory("clerk", username="lienthong")
    other = actor_factory("clerk", username="vanthu")
    issued = datetime.datetime(2025, 3, 1, 8, 30, tzinfo=datetime.UTC)
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [old_key, issued, official.pk],
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            ["a" * 40, issued, other.pk],
        )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old_key}")
    assert client.get("/api/v1/me/").status_code == 401  # not migrated yet

    run_migration()

    assert legacy_rows() == 0
    token = ApiToken.objects.get(user=official)
    assert token.prefix == old_key[:8]
    assert token.created == issued
    assert old_key not in token.digest
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "lienthong"
    # Running it again (or on a database without the table) changes nothing.
    run_migration()
    assert ApiToken.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_without_the_old_table_the_migration_does_nothing(actor_factory):
    run_migration()
    assert not ApiToken.objects.exists()
