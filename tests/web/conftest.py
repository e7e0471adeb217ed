"""Fixtures of the officials' UI tests."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def official(actor_factory):
    return actor_factory("specialist", full_name="Trần Thị Chuyên Viên")


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True)
