"""A commune (UBND xã) with its office (Văn phòng), people in every role, and another commune."""

from dataclasses import dataclass

import pytest

from congvu.accounts.models import User
from congvu.org.models import Unit
from tests.factories import PositionFactory, UnitFactory


@dataclass
class Commune:
    unit: Unit
    office: Unit
    specialist: User
    office_head: User
    leader: User
    deputy: User
    clerk: User


def make_commune(name: str) -> Commune:
    unit = UnitFactory(commune=True, name=f"UBND xã {name}", short_name="UBND")
    office = UnitFactory(name=f"Văn phòng HĐND và UBND xã {name}", short_name="VP", parent=unit)
    return Commune(
        unit=unit,
        office=office,
        specialist=PositionFactory(unit=office, role="specialist").user,
        office_head=PositionFactory(unit=office, role="leader_head", title="Chánh Văn phòng").user,
        leader=PositionFactory(unit=unit, leader=True).user,
        deputy=PositionFactory(unit=unit, deputy=True).user,
        clerk=PositionFactory(unit=unit, clerk=True).user,
    )


@pytest.fixture
def commune(db) -> Commune:
    return make_commune("Thạnh Phú")


@pytest.fixture
def other(db) -> Commune:
    return make_commune("An Qui")
