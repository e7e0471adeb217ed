"""The địa danh of a unit (Decree 30 Appendix I, box 4): derived from its division, or overridden."""

import pytest

from congvu.org.constants import UnitKind
from congvu.org.places import division_place, place_name
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Ủy ban nhân dân xã Thạnh Phú", "Thạnh Phú"),
        ("UBND xã Thạnh Phú", "Thạnh Phú"),
        ("Ủy ban nhân dân tỉnh Vĩnh Long", "Vĩnh Long"),
        ("Ủy ban nhân dân thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("Ủy ban nhân dân thị trấn Thạnh Phú", "Thạnh Phú"),
        ("Ủy ban nhân dân phường 5", "Phường 5"),
        ("Ủy ban nhân dân quận 1", "Quận 1"),
        ("Ủy ban nhân dân đặc khu Phú Quốc", "Phú Quốc"),
    ],
)
def test_division_place(name, place):
    assert division_place(name) == place


def test_units_under_a_committee_write_the_committees_place():
    province = UnitFactory(kind=UnitKind.PROVINCE, name="Ủy ban nhân dân tỉnh Vĩnh Long")
    commune = UnitFactory(
        kind=UnitKind.COMMUNE, name="Ủy ban nhân dân xã Thạnh Phú", parent=province
    )
    centre = UnitFactory(
        kind=UnitKind.SUBUNIT, name="Trung tâm Phục vụ hành chính công xã", parent=commune
    )
    department = UnitFactory(kind=UnitKind.DEPARTMENT, name="Sở Tư pháp", parent=province)
    assert place_name(commune) == "Thạnh Phú"
    assert place_name(centre) == "Thạnh Phú"
    assert place_name(department) == "Vĩnh Long"
    assert place_name(province) == "Vĩnh Long"


def test_override_wins_and_is_inherited():
    ward = UnitFactory(
        kind=UnitKind.WARD,
        name="Ủy ban nhân dân phường Điện Biên Phủ",
        place_name="Phường Điện Biên Phủ",
    )
    office = UnitFactory(name="Văn phòng HĐND và UBND phường", parent=ward)
    assert place_name(ward) == "Phường Điện Biên Phủ"
    assert place_name(office) == "Phường Điện Biên Phủ"
    # A unit with no local government above it and no override has no derived place.
    assert place_name(UnitFactory(name="Phòng Thử nghiệm")) == ""


def test_the_override_is_set_through_the_service_and_audited(actor_factory):
    from congvu.audit.models import AuditRecord
    from congvu.org.services import unit_update

    ward = UnitFactory(kind=UnitKind.WARD, name="Ủy ban nhân dân phường Điện Biên Phủ")
    assert place_name(ward) == "Điện Biên Phủ"
    admin = actor_factory(role="system_admin")
    unit_update(actor=admin, unit=ward, place_name="Phường Điện Biên Phủ")
    ward.refresh_from_db()
    assert place_name(ward) == "Phường Điện Biên Phủ"
    assert AuditRecord.objects.filter(
        action="congvu.org.unit.updated", object_id=str(ward.pk)
    ).exists()
