import pytest

from congvu.registry.models import DocumentType
from tests.factories import PositionFactory, UnitFactory


@pytest.fixture
def commune(db):
    return UnitFactory(commune=True, name="Ủy ban nhân dân xã An Thạnh")


@pytest.fixture
def office(commune):
    return UnitFactory(name="Văn phòng HĐND và UBND", short_name="VP", parent=commune)


@pytest.fixture
def other_commune(db):
    return UnitFactory(commune=True, name="Ủy ban nhân dân xã Bình Thạnh")


@pytest.fixture
def clerk(commune):
    return PositionFactory(
        clerk=True, unit=commune, clearance=1, user__email="vanthu@congvu.test"
    ).user


@pytest.fixture
def leader(commune):
    return PositionFactory(leader=True, unit=commune, user__email="chutich@congvu.test").user


@pytest.fixture
def office_head(office):
    return PositionFactory(leader=True, unit=office, title="Chánh Văn phòng").user


@pytest.fixture
def specialist(office):
    return PositionFactory(unit=office, user__email="chuyenvien@congvu.test").user


@pytest.fixture
def outsider(other_commune):
    return PositionFactory(unit=other_commune, clearance=1).user


@pytest.fixture
def cong_van(db):
    return DocumentType.objects.get(code="cong-van")


@pytest.fixture
def register_doc(commune, clerk, cong_van):
    """Register a paper document as the clerk, with overridable fields."""
    import datetime

    from congvu.incoming import services

    counter = {"n": 0}

    def make(**kwargs):
        counter["n"] += 1
        data = {
            "actor": clerk,
            "unit": commune,
            "number_notation": f"{counter['n']}/SNV-VP",
            "document_date": datetime.date(2026, 3, 2),
            "document_type": cong_van,
            "subject": "V/v báo cáo công tác cải cách hành chính quý I",
            "issuer_name": "Sở Nội vụ tỉnh Vĩnh Long",
            "signer_name": "Trần Văn Bình",
        }
        data.update(kwargs)
        return services.incoming_register(**data)

    return make
