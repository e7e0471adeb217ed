"""Shared fixtures. Factories live in tests/factories.py."""

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
