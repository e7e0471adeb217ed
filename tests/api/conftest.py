"""Fixtures for API tests: clients for each kind of requester."""

import pytest
from rest_framework.test import APIClient

from tests.factories import PositionFactory, UnitFactory, UserFactory


@pytest.fixture
def api():
    """Return an APIClient logged in (session) as ``user``, or anonymous."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def system_admin(db):
    return PositionFactory(system_admin=True, unit=UnitFactory()).user


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True)
