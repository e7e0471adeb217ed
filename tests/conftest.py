"""Shared fixtures. Factories live in tests/factories.py."""

import os

from django.db import connection

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--require-postgres",
        action="store_true",
        default=False,
        help="Fail the run unless the database is PostgreSQL (make test-pg).",
    )


@pytest.fixture(scope="session", autouse=True)
def _require_postgres(request, django_db_setup, django_db_blocker):
    if request.config.getoption("--require-postgres"):
        with django_db_blocker.unblock():
            vendor = connection.vendor
        if vendor != "postgresql":
            pytest.exit(f"--require-postgres given but the database is {vendor}", returncode=3)


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    """Each test starts in Vietnamese: a request with another language must not leak."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, answering one request at a time on in-memory SQLite.

    Same address rules as pytest-django's fixture; tests/live_server.py says why.
    """
    from pytest_django.live_server_helper import LiveServer

    from tests.live_server import serialise

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    serialise(server)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def _tmp_storage(settings, tmp_path):
    """Stored files (blobs, previews, packages) of this test in its own directory, returned.

    A conftest or module whose every test stores files overrides it with an autouse
    fixture of the same name that requests this one.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached pages (the public catalogue) must not
    outlive the data of the test that filled them (SQLite reuses primary keys)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Restore data-migration rows that a transactional test's flush removed.

    ``transaction=True`` tests end by truncating every table, which also empties
    the rows data migrations load (document types). Tests that use the database
    get them back before they start.
    """
    if not (
        request.node.get_closest_marker("django_db") or DB_FIXTURES & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from congvu.registry.loaders import load_document_types
    from congvu.registry.models import DocumentType

    if not DocumentType.objects.exists():
        load_document_types(DocumentType)


@pytest.fixture
def actor_factory(db):
    """Make an official holding ``role`` in ``unit`` (a new unit if None)."""
    from tests.factories import PositionFactory, UnitFactory

    def make(role="specialist", unit=None, **user_kwargs):
        unit = unit or UnitFactory()
        position = PositionFactory(
            role=role,
            unit=unit,
            user__kind="official",
            **{f"user__{k}": v for k, v in user_kwargs.items()},
        )
        return position.user

    return make
