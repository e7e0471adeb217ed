import pytest

from tests.factories import PositionFactory, UnitFactory


@pytest.fixture
def unit(db):
    return UnitFactory(short_name="UBND", name="Ủy ban nhân dân xã Thử")


@pytest.fixture
def clerk(unit):
    return PositionFactory(clerk=True, unit=unit, clearance=1).user


@pytest.fixture
def doc_type(db):
    from congvu.registry.models import DocumentType

    return lambda code: DocumentType.objects.get(code=code)
