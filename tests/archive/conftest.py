import pytest

from tests.factories import PositionFactory, UnitFactory


@pytest.fixture
def unit(db):
    return UnitFactory(name="UBND xã Thạnh Phong", short_name="UBND")


@pytest.fixture
def other_unit(db):
    return UnitFactory(name="UBND xã Thạnh Hải", short_name="UBND")


@pytest.fixture
def person(unit):
    """Make an official with ``role`` in ``unit`` (or another unit); returns the user."""

    def make(role="specialist", in_unit=None, clearance=0):
        return PositionFactory(role=role, unit=in_unit or unit, clearance=clearance).user

    return make
