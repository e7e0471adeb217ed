"""Versions with effective dates, internal processes and their budgets, units offering a procedure."""

import datetime
from decimal import Decimal

import pytest

from congvu.accounts.constants import Role
from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError
from congvu.org.constants import UnitKind
from congvu.procedures import selectors, services
from congvu.procedures.constants import DurationUnit, StepKind
from congvu.procedures.models import ProcessDefinition
from tests.factories import (
    PositionFactory,
    ProcedureVersionFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def admin(db):
    return PositionFactory(system_admin=True).user


@pytest.fixture
def version(db):
    return ProcedureVersionFactory(
        duration_value=Decimal(3),
        duration_unit=DurationUnit.WORKING_DAYS,
        valid_from=D(2025, 1, 1),
        levels=["Cấp xã"],
    )


def _steps(*hours, unit=None):
    kinds = [StepKind.RECEPTION, StepKind.APPRAISAL, StepKind.APPROVAL, StepKind.RESULT]
    return [
        {
            "name": f"Bước {i}",
            "kind": kinds[i % 4],
            "role": Role.SPECIALIST,
            "budget_hours": h,
            "unit": unit,
        }
        for i, h in enumerate(hours)
    ]


def test_new_version_closes_the_previous_and_is_in_force_from_its_date(admin, version):
    procedure = version.procedure
    v2 = services.create_version(
        actor=admin, procedure=procedure, valid_from=D(2025, 7, 1), duration_value=Decimal(2)
    )
    version.refresh_from_db()
    assert version.valid_to == D(2025, 6, 30)
    assert (v2.number, v2.duration_value, v2.levels) == (2, Decimal(2), ["Cấp xã"])
    assert selectors.version_in_force(procedure, D(2025, 6, 30)) == version
    assert selectors.version_in_force(procedure, D(2025, 7, 1)) == v2
    assert selectors.version_in_force(procedure, datetime.datetime(2026, 1, 5, 9)) == v2
    assert selectors.version_in_force(procedure, D(2024, 12, 31)) is None
    assert AuditRecord.objects.filter(action="procedures.version_create").count() == 1


def test_versions_cannot_start_before_a_later_one(admin, version):
    with pytest.raises(ServiceError) as info:
        services.create_version(actor=admin, procedure=version.procedure, valid_from=D(2024, 1, 1))
    assert info.value.code == "version_overlap"
    assert info.value.errors[0].field == "valid_from"


def test_only_system_admins_edit_the_catalogue(version, actor_factory):
    unit_admin = actor_factory(role=Role.UNIT_ADMIN)
    with pytest.raises(PermissionDenied):
        services.create_version(
            actor=unit_admin, procedure=version.procedure, valid_from=D(2026, 1, 1)
        )


def test_close_version(admin, version):
    services.close_version(actor=admin, version=version, valid_to=D(2025, 12, 31))
    assert selectors.version_in_force(version.procedure, D(2026, 1, 1)) is None
    with pytest.raises(ServiceError):
        services.close_version(actor=admin, version=version, valid_to=D(2020, 1, 1))


def test_process_budgets_must_add_up_to_the_legal_time(admin, version, settings):
    settings.CONGVU_WORKING_HOURS_PER_DAY = 8
    unit = UnitFactory(commune=True)
    with pytest.raises(ServiceError) as info:
        services.save_process(
            actor=admin, procedure=version.procedure, unit=unit, steps=_steps(4, 8, 4, 4)
        )
    assert info.value.code == "budget_mismatch"
    assert info.value.errors[0].field == "steps"
    assert "20 giờ làm việc" in info.value.message and "24 giờ làm việc" in info.value.message
    assert not ProcessDefinition.objects.exists()

    definition = services.save_process(
        actor=admin,
        procedure=version.procedure,
        unit=unit,
        steps=_steps(2, "14", Decimal("5.5"), "2,5"),
        valid_from=D(2026, 1, 1),
    )
    assert [s.budget_hours for s in definition.steps.all()] == [
        2,
        14,
        Decimal("5.5"),
        Decimal("2.5"),
    ]
    assert AuditRecord.objects.filter(action="procedures.process_save").count() == 1


def test_working_hours_per_day_is_a_setting(admin, version, settings):
    settings.CONGVU_WORKING_HOURS_PER_DAY = 7
    assert selectors.legal_hours(version) == 21
    services.save_process(
        actor=admin, procedure=version.procedure, unit=UnitFactory(), steps=_steps(7, 14)
    )


def test_same_day_procedures_take_one_working_day(admin, settings):
    settings.CONGVU_WORKING_HOURS_PER_DAY = 8
    version = ProcedureVersionFactory(duration_unit=DurationUnit.SAME_DAY, duration_value=None)
    assert selectors.legal_hours(version) == 8
    with pytest.raises(ServiceError):
        services.save_process(
            actor=admin, procedure=version.procedure, unit=UnitFactory(), steps=_steps(4, 5)
        )


def test_each_bad_step_is_named(admin, version):
    steps = _steps(12, 12)
    steps[0]["name"] = ""
    steps[1].update(kind="bogus", budget_hours="-1")
    with pytest.raises(ServiceError) as info:
        services.save_process(
            actor=admin, procedure=version.procedure, unit=UnitFactory(), steps=steps
        )
    fields = {e.field for e in info.value.errors}
    assert fields == {"steps-0-name", "steps-1-kind", "steps-1-budget_hours"}
    with pytest.raises(ServiceError) as info:
        services.save_process(
            actor=admin, procedure=version.procedure, unit=UnitFactory(), steps=[]
        )
    assert info.value.errors[0].field == "steps"


def test_unit_admin_edits_only_own_subtree(version, actor_factory):
    own = UnitFactory(commune=True)
    child = UnitFactory(parent=own)
    other = UnitFactory(commune=True)
    unit_admin = actor_factory(role=Role.UNIT_ADMIN, unit=own)
    services.save_process(
        actor=unit_admin, procedure=version.procedure, unit=child, steps=_steps(24)
    )
    with pytest.raises(PermissionDenied):
        services.save_process(
            actor=unit_admin, procedure=version.procedure, unit=other, steps=_steps(24)
        )
    specialist = actor_factory(role=Role.SPECIALIST, unit=own)
    with pytest.raises(PermissionDenied):
        services.save_process(
            actor=specialist, procedure=version.procedure, unit=own, steps=_steps(24)
        )


def test_cross_unit_steps(admin, version):
    commune = UnitFactory(commune=True)
    department = UnitFactory(kind=UnitKind.DEPARTMENT)
    steps = _steps(4, 12, 4, 4)
    steps[1]["unit"] = department.pk
    steps[2]["unit"] = department
    definition = services.save_process(
        actor=admin, procedure=version.procedure, unit=commune, steps=steps
    )
    assert [s.unit_id for s in definition.steps.all()] == [None, department.pk, department.pk, None]
    steps[1]["unit"] = 10**9
    with pytest.raises(ServiceError) as info:
        services.save_process(actor=admin, procedure=version.procedure, unit=commune, steps=steps)
    assert info.value.errors[0].field == "steps-1-unit"


def test_saving_again_the_same_day_replaces_an_unused_definition(admin, version):
    unit = UnitFactory()
    first = services.save_process(
        actor=admin, procedure=version.procedure, unit=unit, steps=_steps(24)
    )
    second = services.save_process(
        actor=admin, procedure=version.procedure, unit=unit, steps=_steps(12, 12)
    )
    assert first.pk == second.pk and second.steps.count() == 2


def test_process_in_force_falls_back_to_the_nearest_ancestor(admin, version, settings):
    province = UnitFactory(kind=UnitKind.PROVINCE)
    commune = UnitFactory(commune=True, parent=province)
    services.save_process(
        actor=admin,
        procedure=version.procedure,
        unit=province,
        steps=_steps(24),
        valid_from=D(2025, 1, 1),
    )
    assert selectors.process_in_force(version.procedure, commune).unit == province
    own = services.save_process(
        actor=admin,
        procedure=version.procedure,
        unit=commune,
        steps=_steps(12, 12),
        valid_from=D(2025, 2, 1),
    )
    assert selectors.process_in_force(version.procedure, commune) == own
    assert selectors.process_in_force(version.procedure, commune, D(2025, 1, 15)).unit == province
    settings.CONGVU_PROCESS_INHERIT_FROM_ANCESTORS = False
    assert selectors.process_in_force(version.procedure, commune, D(2025, 1, 15)) is None
    services.deactivate_process(actor=admin, definition=own)
    assert selectors.process_in_force(version.procedure, commune) is None


@pytest.mark.parametrize(
    ("value", "unit", "total"),
    [
        (Decimal(3), DurationUnit.WORKING_DAYS, Decimal(24)),
        (Decimal(1), DurationUnit.WORKING_HOURS, Decimal(1)),
        (None, DurationUnit.SAME_DAY, Decimal(8)),
        (None, DurationUnit.WORKING_DAYS, Decimal(8)),
        (Decimal("0.5"), DurationUnit.WORKING_HOURS, Decimal("0.5")),
    ],
)
def test_default_steps_split_the_legal_time(value, unit, total, settings):
    settings.CONGVU_WORKING_HOURS_PER_DAY = 8
    version = ProcedureVersionFactory(duration_value=value, duration_unit=unit)
    steps = selectors.default_steps(version)
    assert [s["kind"] for s in steps] == [
        StepKind.RECEPTION,
        StepKind.APPRAISAL,
        StepKind.APPROVAL,
        StepKind.RESULT,
    ]
    assert sum(s["budget_hours"] for s in steps) == total
    assert all(s["budget_hours"] > 0 for s in steps)
    if value is not None or unit == DurationUnit.SAME_DAY:
        services.validate_steps(version, steps)  # usable as a process as they are


def test_units_offering(version):
    commune = UnitFactory(commune=True)
    ward = UnitFactory(kind=UnitKind.WARD)
    closed = UnitFactory(commune=True, closed=True)
    department = UnitFactory(kind=UnitKind.DEPARTMENT)
    office = UnitFactory()
    ProcessDefinition.objects.create(
        procedure=version.procedure, unit=department, valid_from=D(2025, 1, 1)
    )
    offering = set(selectors.units_offering(version.procedure))
    assert {commune, ward, department} <= offering
    assert closed not in offering and office not in offering
