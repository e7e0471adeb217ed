"""Unit services: validation, audit, permissions, reorganisation."""

import datetime

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.org.constants import UnitKind
from congvu.org.models import Unit
from congvu.org.services import unit_close, unit_create, unit_reorganise, unit_update
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

JULY_1 = datetime.date(2025, 7, 1)


@pytest.fixture
def sysadmin(actor_factory):
    return actor_factory(role="system_admin")


def records(action, unit):
    return AuditRecord.objects.filter(action=action, object_id=str(unit.pk))


def test_create_writes_unit_path_and_audit(sysadmin):
    parent = UnitFactory(kind=UnitKind.PROVINCE, code="")

    unit = unit_create(
        actor=sysadmin,
        kind=UnitKind.OFFICE,
        name="Phòng Nội vụ",
        short_name="PNV",
        code="000.01.31.H57",
        parent=parent,
    )

    assert unit.path == f"{parent.path}{unit.pk}/"
    assert unit.depth == 1
    record = records("congvu.org.unit.created", unit).get()
    assert record.actor_id == sysadmin.pk
    assert record.before is None
    assert record.after["name"] == "Phòng Nội vụ"
    assert record.after["code"] == "000.01.31.H57"


def test_system_job_may_create_root_and_is_recorded_as_system():
    unit = unit_create(actor=None, kind=UnitKind.PROVINCE, name="Ủy ban nhân dân tỉnh Thử")

    record = records("congvu.org.unit.created", unit).get()
    assert record.actor_id is None
    assert record.actor_label == "hệ thống"
    assert unit.path == f"/{unit.pk}/"


@pytest.mark.parametrize("bad", ["000.00.31.h57", "00.00.31.H57", "000.00.31.H5", "000-00-31-H57"])
def test_bad_agency_code_names_field_code(sysadmin, bad):
    with pytest.raises(ServiceError) as exc:
        unit_create(actor=sysadmin, kind=UnitKind.PROVINCE, name="Đơn vị", code=bad)

    assert exc.value.code == "agency_code_format"
    assert [e.field for e in exc.value.errors] == ["code"]
    assert "000.00.31.H57" in exc.value.message
    assert not Unit.objects.filter(name="Đơn vị").exists()


def test_agency_code_unique_among_active_units_only(sysadmin):
    UnitFactory(code="000.00.31.H57", closed=True)
    first = unit_create(
        actor=sysadmin, kind=UnitKind.DISTRICT, name="UBND huyện Mới", code="000.00.31.H57"
    )

    with pytest.raises(ServiceError) as exc:
        unit_create(
            actor=sysadmin, kind=UnitKind.DISTRICT, name="UBND huyện Khác", code="000.00.31.H57"
        )

    assert exc.value.code == "agency_code_taken"
    assert exc.value.errors[0].field == "code"
    assert Unit.objects.filter(code="000.00.31.H57").count() == 2
    unit_close(actor=sysadmin, unit=first, valid_to=datetime.date(2025, 6, 30))
    again = unit_create(
        actor=sysadmin, kind=UnitKind.DISTRICT, name="UBND huyện Khác", code="000.00.31.H57"
    )
    assert again.valid_to is None


def test_update_records_before_and_after(sysadmin):
    unit = UnitFactory(name="Phòng Tư pháp")

    unit_update(actor=sysadmin, unit=unit, name="Phòng Tư pháp huyện", phone="0275 3870 111")

    unit.refresh_from_db()
    assert unit.name == "Phòng Tư pháp huyện"
    record = records("congvu.org.unit.updated", unit).get()
    assert record.before["name"] == "Phòng Tư pháp"
    assert record.after["name"] == "Phòng Tư pháp huyện"
    assert record.after["phone"] == "0275 3870 111"


def test_update_without_change_writes_nothing(sysadmin):
    unit = UnitFactory(name="Phòng Y tế")

    unit_update(actor=sysadmin, unit=unit, name="Phòng Y tế")

    assert not records("congvu.org.unit.updated", unit).exists()


def test_update_refuses_valid_to_and_unknown_fields(sysadmin):
    unit = UnitFactory()

    with pytest.raises(ServiceError) as exc:
        unit_update(actor=sysadmin, unit=unit, valid_to=datetime.date(2025, 6, 30))

    assert exc.value.code == "field_not_editable"
    assert exc.value.errors[0].field == "valid_to"


def test_closed_unit_keeps_kind_but_name_may_be_corrected(sysadmin):
    unit = UnitFactory(closed=True, name="Phòng Tài chính - Kế hoạc")

    with pytest.raises(TransitionNotAllowed) as exc:
        unit_update(actor=sysadmin, unit=unit, kind=UnitKind.SUBUNIT)
    assert exc.value.code == "unit_closed"
    assert exc.value.errors[0].field == "kind"

    with pytest.raises(TransitionNotAllowed):
        unit_update(actor=sysadmin, unit=unit, parent=UnitFactory())

    unit_update(actor=sysadmin, unit=unit, name="Phòng Tài chính - Kế hoạch", code="000.04.31.H07")
    unit.refresh_from_db()
    assert unit.name == "Phòng Tài chính - Kế hoạch"
    assert unit.code == "000.04.31.H07"
    assert unit.kind == UnitKind.OFFICE


def test_moving_refreshes_subtree_paths(sysadmin):
    old_parent = UnitFactory()
    new_parent = UnitFactory()
    unit = UnitFactory(parent=old_parent)
    child = UnitFactory(parent=unit)

    unit_update(actor=sysadmin, unit=unit, parent=new_parent)

    child.refresh_from_db()
    assert child.path == f"{new_parent.path}{unit.pk}/{child.pk}/"
    assert child.depth == 2


def test_moving_under_own_descendant_is_refused(sysadmin):
    unit = UnitFactory()
    child = UnitFactory(parent=unit)

    with pytest.raises(ServiceError) as exc:
        unit_update(actor=sysadmin, unit=unit, parent=child)

    assert exc.value.code == "parent_cycle"
    assert exc.value.errors[0].field == "parent"


def test_close_records_and_refuses_twice(sysadmin):
    unit = UnitFactory()

    unit_close(actor=sysadmin, unit=unit, valid_to=datetime.date(2025, 6, 30))

    unit.refresh_from_db()
    assert unit.valid_to == datetime.date(2025, 6, 30)
    record = records("congvu.org.unit.closed", unit).get()
    assert record.before["valid_to"] is None
    assert record.after["valid_to"] == "2025-06-30"
    with pytest.raises(TransitionNotAllowed) as exc:
        unit_close(actor=sysadmin, unit=unit, valid_to=datetime.date(2025, 7, 30))
    assert exc.value.code == "unit_already_closed"


def test_close_refuses_unit_with_open_children(sysadmin):
    unit = UnitFactory()
    UnitFactory(parent=unit)

    with pytest.raises(TransitionNotAllowed) as exc:
        unit_close(actor=sysadmin, unit=unit, valid_to=datetime.date(2025, 6, 30))

    assert exc.value.code == "unit_has_open_children"
    unit.refresh_from_db()
    assert unit.valid_to is None


def test_reorganise_closes_open_predecessors_and_links(sysadmin):
    old_a = UnitFactory(kind=UnitKind.COMMUNE)
    old_b = UnitFactory(kind=UnitKind.COMMUNE, valid_to=datetime.date(2025, 6, 15))
    new = UnitFactory(kind=UnitKind.COMMUNE, valid_from=JULY_1)

    unit_reorganise(actor=sysadmin, predecessors=[old_a, old_b], successor=new)

    old_a.refresh_from_db()
    old_b.refresh_from_db()
    assert old_a.valid_to == datetime.date(2025, 6, 30)
    assert old_b.valid_to == datetime.date(2025, 6, 15)
    assert set(new.predecessors.all()) == {old_a, old_b}
    assert set(old_a.successors.all()) == {new}
    record = records("congvu.org.unit.succeeded", new).get()
    assert record.before == {"predecessor_ids": []}
    assert record.after == {"predecessor_ids": sorted([old_a.pk, old_b.pk])}
    assert records("congvu.org.unit.closed", old_a).count() == 1
    assert not records("congvu.org.unit.closed", old_b).exists()


def test_reorganise_needs_a_predecessor_other_than_itself(sysadmin):
    new = UnitFactory()
    with pytest.raises(ServiceError) as exc:
        unit_reorganise(actor=sysadmin, predecessors=[], successor=new)
    assert exc.value.errors[0].field == "predecessors"
    with pytest.raises(ServiceError) as exc:
        unit_reorganise(actor=sysadmin, predecessors=[new], successor=new)
    assert exc.value.code == "predecessor_self"


def test_specialist_may_not_change_units(actor_factory):
    unit = UnitFactory(name="Phòng Nội vụ")
    specialist = actor_factory(role="specialist", unit=unit)

    with pytest.raises(PermissionDenied):
        unit_update(actor=specialist, unit=unit, name="Phòng Nội vụ mới")
    with pytest.raises(PermissionDenied):
        unit_create(actor=specialist, kind=UnitKind.SUBUNIT, name="Tổ mới", parent=unit)
    with pytest.raises(PermissionDenied):
        unit_close(actor=specialist, unit=unit, valid_to=datetime.date(2025, 6, 30))

    unit.refresh_from_db()
    assert unit.name == "Phòng Nội vụ"
    assert not AuditRecord.objects.exists()


def test_unit_admin_works_in_own_subtree_only(actor_factory):
    commune = UnitFactory(kind=UnitKind.COMMUNE)
    other = UnitFactory(kind=UnitKind.COMMUNE)
    admin = actor_factory(role="unit_admin", unit=commune)

    office = unit_create(actor=admin, kind=UnitKind.OFFICE, name="Phòng Kinh tế", parent=commune)
    assert office.parent == commune

    with pytest.raises(PermissionDenied):
        unit_create(actor=admin, kind=UnitKind.OFFICE, name="Phòng Kinh tế", parent=other)
    with pytest.raises(PermissionDenied):
        unit_create(actor=admin, kind=UnitKind.PROVINCE, name="Ủy ban nhân dân tỉnh Thử")
    with pytest.raises(PermissionDenied):
        unit_update(actor=admin, unit=office, parent=other)
    with pytest.raises(PermissionDenied):
        unit_reorganise(actor=admin, predecessors=[other], successor=office)


def test_unit_may_not_outlive_its_parent(sysadmin):
    parent = UnitFactory(closed=True)

    with pytest.raises(ServiceError) as exc:
        unit_create(actor=sysadmin, kind=UnitKind.OFFICE, name="Phòng mới", parent=parent)
    assert exc.value.code == "parent_closed"
    with pytest.raises(ServiceError) as exc:
        unit_create(
            actor=sysadmin,
            kind=UnitKind.OFFICE,
            name="Phòng mới",
            parent=parent,
            valid_to=datetime.date(2025, 7, 31),
        )
    assert exc.value.code == "parent_closed"

    historic = unit_create(
        actor=sysadmin,
        kind=UnitKind.OFFICE,
        name="Phòng cũ",
        parent=parent,
        valid_to=datetime.date(2025, 6, 30),
    )
    assert historic.valid_to == datetime.date(2025, 6, 30)


def test_invalid_email_names_field(sysadmin):
    with pytest.raises(ServiceError) as exc:
        unit_create(actor=sysadmin, kind=UnitKind.PROVINCE, name="Đơn vị", email="khong-hop-le")

    assert exc.value.errors[0].field == "email"
