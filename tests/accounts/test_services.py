"""Account services: audit records in the same transaction, Vietnamese errors naming the field."""

import datetime

from django.utils import timezone

import pytest

from congvu.accounts.constants import Role
from congvu.accounts.models import Delegation, Position, User
from congvu.accounts.services import (
    delegation_create,
    delegation_revoke,
    official_create,
    position_assign,
    position_end,
    user_contact_update,
)
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from tests.factories import DelegationFactory, PositionFactory, UnitFactory, UserFactory

from .conftest import audit_actions

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _fields(exc: ServiceError) -> set[str]:
    return {e.field for e in exc.errors}


# --- official_create -------------------------------------------------------------


def test_official_create_by_unit_admin_is_audited_without_password(actor_factory):
    admin = actor_factory(role=Role.UNIT_ADMIN)
    user = official_create(
        actor=admin, username="tranlan", full_name="Trần Thị Lan", email="Lan@Congvu.test"
    )
    assert user.kind == "official"
    assert user.email == "lan@congvu.test"
    assert not user.has_usable_password()
    record = audit_actions("congvu.accounts.user.created", user).get()
    assert record.actor_id == admin.pk
    assert record.after["username"] == "tranlan"
    assert "password" not in record.after


def test_official_create_errors_name_fields(actor_factory):
    admin = actor_factory(role=Role.SYSTEM_ADMIN)
    UserFactory(username="trung", email="trung@congvu.test")
    with pytest.raises(ServiceError) as exc:
        official_create(actor=admin, username="Trung", full_name="", email="trung@congvu.test")
    assert _fields(exc.value) == {"username", "full_name", "email"}
    assert exc.value.code == "username_taken"
    assert "đã được dùng" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        official_create(actor=admin, username="x y", full_name="A", email="khong-hop-le")
    assert _fields(exc.value) == {"username", "email"}


def test_official_create_refused_for_specialist(actor_factory):
    with pytest.raises(PermissionDenied):
        official_create(actor=actor_factory(), username="a", full_name="A", email="")
    assert not User.objects.filter(username="a").exists()


def test_contact_update_audits_and_checks_email():
    user = UserFactory()
    other = UserFactory()
    with pytest.raises(ServiceError) as exc:
        user_contact_update(actor=user, user=user, email=other.email, phone="")
    assert _fields(exc.value) == {"email"}
    user_contact_update(actor=user, user=user, email="moi@congvu.test", phone="0909 000 111")
    user.refresh_from_db()
    assert user.phone == "0909 000 111"
    record = audit_actions("congvu.accounts.user.contact_changed", user).get()
    assert record.after["email"] == "moi@congvu.test"
    assert record.before["email"] != "moi@congvu.test"


def test_contact_update_of_someone_else_refused():
    with pytest.raises(PermissionDenied):
        user_contact_update(actor=UserFactory(), user=UserFactory(), email="", phone="")


# --- positions ---------------------------------------------------------------------


def test_position_assign_and_end_are_audited(actor_factory):
    unit = UnitFactory()
    admin = actor_factory(role=Role.UNIT_ADMIN, unit=unit)
    official = UserFactory()
    position = position_assign(
        actor=admin, user=official, unit=unit, role=Role.CLERK, title="Văn thư", clearance=1
    )
    assert position.valid_from == TODAY()
    assigned = audit_actions("congvu.accounts.position.assigned", position).get()
    assert assigned.unit_id == unit.pk
    assert assigned.after["role"] == "clerk"

    with pytest.raises(ServiceError) as exc:
        position_end(actor=admin, position=position, valid_to=TODAY() - datetime.timedelta(days=1))
    assert _fields(exc.value) == {"valid_to"}
    position_end(actor=admin, position=position, valid_to=TODAY())
    ended = audit_actions("congvu.accounts.position.ended", position).get()
    assert ended.before["valid_to"] is None
    assert ended.after["valid_to"] == TODAY().isoformat()
    with pytest.raises(TransitionNotAllowed):
        position_end(actor=admin, position=position, valid_to=TODAY())


def test_position_assign_validation(actor_factory):
    unit = UnitFactory()
    admin = actor_factory(role=Role.SYSTEM_ADMIN)
    official = PositionFactory(unit=unit, role=Role.CLERK).user
    with pytest.raises(ServiceError) as exc:
        position_assign(actor=admin, user=official, unit=unit, role=Role.CLERK, title="Văn thư")
    assert exc.value.code == "position_exists" and _fields(exc.value) == {"role"}
    with pytest.raises(ServiceError) as exc:
        position_assign(actor=admin, user=official, unit=unit, role="boss", title="X")
    assert _fields(exc.value) == {"role"}
    with pytest.raises(ServiceError) as exc:
        position_assign(
            actor=admin, user=UserFactory(citizen=True), unit=unit, role=Role.CLERK, title="X"
        )
    assert _fields(exc.value) == {"user"}
    with pytest.raises(ServiceError) as exc:
        position_assign(actor=admin, user=official, unit=unit, role=Role.LEADER_HEAD, title=" ")
    assert _fields(exc.value) == {"title"}


def test_position_assign_outside_administered_units_refused(actor_factory):
    admin = actor_factory(role=Role.UNIT_ADMIN)
    with pytest.raises(PermissionDenied):
        position_assign(
            actor=admin, user=UserFactory(), unit=UnitFactory(), role=Role.CLERK, title="Văn thư"
        )
    assert not Position.objects.filter(role=Role.CLERK).exists()


# --- delegations ------------------------------------------------------------------


@pytest.fixture
def leader_and_deputy():
    unit = UnitFactory()
    leader = PositionFactory(unit=unit, leader=True).user
    deputy = PositionFactory(unit=unit, deputy=True).user
    return unit, leader, deputy


def test_leader_delegates_to_deputy_audited(leader_and_deputy):
    unit, leader, deputy = leader_and_deputy
    d = delegation_create(
        actor=leader,
        delegator=leader,
        delegate=deputy,
        unit=unit,
        start_date=TODAY(),
        end_date=TODAY() + datetime.timedelta(days=5),
        reason="Đi công tác",
    )
    record = audit_actions("congvu.accounts.delegation.created", d).get()
    assert record.actor_id == leader.pk
    assert record.unit_id == unit.pk
    assert record.after["delegate_id"] == deputy.pk


def test_unit_admin_may_not_create_for_a_leader(leader_and_deputy, actor_factory):
    # Administering accounts is not leading the unit (issue 11: a unit admin
    # delegated the chairman's powers to himself).
    unit, leader, deputy = leader_and_deputy
    admin = actor_factory(role=Role.UNIT_ADMIN, unit=unit)
    for delegate in (deputy, admin):
        with pytest.raises(PermissionDenied):
            delegation_create(
                actor=admin,
                delegator=leader,
                delegate=delegate,
                unit=unit,
                start_date=TODAY(),
                end_date=TODAY(),
                reason="",
            )
    assert not Delegation.objects.exists()


def test_head_of_a_parent_unit_may_delegate_for_a_leader_below():
    parent = UnitFactory()
    unit = UnitFactory(parent=parent)
    leader = PositionFactory(unit=unit, leader=True).user
    deputy = PositionFactory(unit=unit, deputy=True).user
    head_above = PositionFactory(unit=parent, leader=True).user
    d = delegation_create(
        actor=head_above,
        delegator=leader,
        delegate=deputy,
        unit=unit,
        start_date=TODAY(),
        end_date=TODAY(),
        reason="Chủ tịch nghỉ ốm",
    )
    assert audit_actions("congvu.accounts.delegation.created", d).get().actor_id == head_above.pk
    # A deputy above is not the authority, nor is a head of a sibling unit.
    deputy_above = PositionFactory(unit=parent, deputy=True).user
    sibling_head = PositionFactory(unit=UnitFactory(parent=parent), leader=True).user
    for actor in (deputy_above, sibling_head):
        with pytest.raises(PermissionDenied):
            delegation_create(
                actor=actor,
                delegator=leader,
                delegate=deputy,
                unit=unit,
                start_date=TODAY() + datetime.timedelta(days=1),
                end_date=TODAY() + datetime.timedelta(days=1),
                reason="",
            )


def test_nobody_may_delegate_to_himself_not_even_a_higher_authority(actor_factory):
    parent = UnitFactory()
    unit = UnitFactory(parent=parent)
    leader = PositionFactory(unit=unit, leader=True).user
    head_above = PositionFactory(unit=parent, leader=True).user
    PositionFactory(unit=unit, user=head_above, role=Role.SPECIALIST)
    sysadmin = actor_factory(role=Role.SYSTEM_ADMIN, unit=unit)
    for actor in (head_above, sysadmin):
        with pytest.raises(PermissionDenied) as exc:
            delegation_create(
                actor=actor,
                delegator=leader,
                delegate=actor,
                unit=unit,
                start_date=TODAY(),
                end_date=TODAY(),
                reason="",
            )
        assert exc.value.code == "self_delegation"
        assert _fields(exc.value) == {"delegate"}
    assert not Delegation.objects.exists()


def test_someone_else_may_not_delegate_for_the_leader(leader_and_deputy):
    unit, leader, deputy = leader_and_deputy
    with pytest.raises(PermissionDenied):
        delegation_create(
            actor=deputy,
            delegator=leader,
            delegate=deputy,
            unit=unit,
            start_date=TODAY(),
            end_date=TODAY(),
            reason="",
        )
    assert not Delegation.objects.exists()


def test_non_leader_cannot_delegate(leader_and_deputy):
    unit, _leader, deputy = leader_and_deputy
    specialist = PositionFactory(unit=unit).user
    with pytest.raises(ServiceError) as exc:
        delegation_create(
            actor=specialist,
            delegator=specialist,
            delegate=deputy,
            unit=unit,
            start_date=TODAY(),
            end_date=TODAY(),
            reason="",
        )
    assert exc.value.code == "not_leader"
    assert _fields(exc.value) == {"delegator"}
    assert "lãnh đạo" in exc.value.message


def test_delegate_must_hold_position_in_same_unit(leader_and_deputy):
    unit, leader, _deputy = leader_and_deputy
    outsider = PositionFactory().user
    with pytest.raises(ServiceError) as exc:
        delegation_create(
            actor=leader,
            delegator=leader,
            delegate=outsider,
            unit=unit,
            start_date=TODAY(),
            end_date=TODAY(),
            reason="",
        )
    assert exc.value.code == "not_in_unit"
    assert _fields(exc.value) == {"delegate"}
    with pytest.raises(ServiceError) as exc:
        delegation_create(
            actor=leader,
            delegator=leader,
            delegate=leader,
            unit=unit,
            start_date=TODAY(),
            end_date=TODAY(),
            reason="",
        )
    assert _fields(exc.value) == {"delegate"}


def test_delegation_dates_are_checked(leader_and_deputy):
    unit, leader, deputy = leader_and_deputy
    kwargs = dict(actor=leader, delegator=leader, delegate=deputy, unit=unit, reason="")
    with pytest.raises(ServiceError) as exc:
        delegation_create(
            **kwargs, start_date=TODAY() + datetime.timedelta(days=3), end_date=TODAY()
        )
    assert exc.value.code == "invalid_range" and _fields(exc.value) == {"end_date"}
    with pytest.raises(ServiceError) as exc:
        delegation_create(
            **kwargs, start_date=TODAY() - datetime.timedelta(days=1), end_date=TODAY()
        )
    assert _fields(exc.value) == {"start_date"}
    delegation_create(**kwargs, start_date=TODAY(), end_date=TODAY() + datetime.timedelta(days=3))
    with pytest.raises(ServiceError) as exc:
        delegation_create(
            **kwargs,
            start_date=TODAY() + datetime.timedelta(days=2),
            end_date=TODAY() + datetime.timedelta(days=9),
        )
    assert exc.value.code == "overlap"
    assert Delegation.objects.count() == 1


def test_revoke_by_delegator_is_audited_once(leader_and_deputy):
    unit, leader, deputy = leader_and_deputy
    d = DelegationFactory(delegator=leader, delegate=deputy, unit=unit)
    with pytest.raises(PermissionDenied):
        delegation_revoke(actor=deputy, delegation=d)
    delegation_revoke(actor=leader, delegation=d)
    d.refresh_from_db()
    assert d.revoked_at is not None
    assert not d.is_active_on()
    record = audit_actions("congvu.accounts.delegation.revoked", d).get()
    assert record.before["revoked_at"] is None and record.after["revoked_at"]
    with pytest.raises(TransitionNotAllowed):
        delegation_revoke(actor=leader, delegation=d)
