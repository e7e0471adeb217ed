"""Two communes with people in every role (văn thư, lãnh đạo, chánh văn phòng, chuyên viên)."""

from dataclasses import dataclass

import pytest

from congvu.accounts.models import User
from congvu.org.models import Unit
from tests.factories import PositionFactory, UnitFactory


@dataclass
class Commune:
    unit: Unit
    office: Unit
    clerk: User
    leader: User
    office_head: User
    specialist: User


def make_commune(name: str) -> Commune:
    unit = UnitFactory(commune=True, name=f"UBND xã {name}")
    office = UnitFactory(name=f"Văn phòng UBND xã {name}", short_name="VP", parent=unit)
    return Commune(
        unit=unit,
        office=office,
        clerk=PositionFactory(unit=unit, clerk=True, user__email=f"vt.{unit.pk}@congvu.test").user,
        leader=PositionFactory(
            unit=unit, leader=True, user__email=f"ct.{unit.pk}@congvu.test"
        ).user,
        office_head=PositionFactory(unit=office, leader=True, title="Chánh Văn phòng").user,
        specialist=PositionFactory(unit=office, user__email=f"cv.{unit.pk}@congvu.test").user,
    )


@pytest.fixture
def commune(db) -> Commune:
    return make_commune("Thạnh Phú")


@pytest.fixture
def other(db) -> Commune:
    return make_commune("An Qui")
