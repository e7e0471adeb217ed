"""Access records (reads of confidential objects) and who may read the trail."""

from django.db import transaction

import pytest

from congvu.audit.models import AuditRecord, RecordKind
from congvu.audit.selectors import audit_records, verify_chain
from congvu.audit.services import log_access, log_action
from tests.factories import UnitFactory, UserFactory


def test_log_access_writes_an_access_record(actor_factory):
    reader = actor_factory("leader_head")
    unit = UnitFactory(name="Văn phòng UBND")

    record = log_access(actor=reader, obj=unit, action="congvu.org.unit.read", unit=unit)

    stored = AuditRecord.objects.get(pk=record.pk)
    assert stored.kind == RecordKind.ACCESS
    assert stored.action == "congvu.org.unit.read"
    assert stored.actor_id == reader.pk
    assert (stored.object_type, stored.object_id) == ("org.unit", str(unit.pk))
    assert stored.confidentiality == 1
    assert stored.before is None and stored.after is None
    assert verify_chain() is None


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_access_record_survives_when_the_callers_later_work_fails():
    reader, unit = UserFactory(), UnitFactory(name="Phòng Nội vụ")

    def read_then_fail():
        log_access(actor=reader, obj=unit)
        with transaction.atomic():
            unit.name = "Phòng Nội vụ (sửa)"
            unit.save()
            log_action(actor=reader, action="congvu.org.unit.rename", obj=unit)
            raise Boom

    with pytest.raises(Boom):
        read_then_fail()

    unit.refresh_from_db()
    assert unit.name == "Phòng Nội vụ"
    kinds = list(AuditRecord.objects.values_list("kind", "actor_id"))
    assert kinds == [(RecordKind.ACCESS, reader.pk)]
    assert verify_chain() is None


@pytest.fixture
def trail(actor_factory):
    """Records by two officials in a parent unit and its child, one of them secret."""
    parent = UnitFactory(name="UBND xã Thạnh Phú")
    child = UnitFactory(name="Bộ phận Một cửa", parent=parent)
    other = UnitFactory(name="UBND xã An Qui")
    alice = actor_factory("specialist", unit=child)
    bob = actor_factory("specialist", unit=other)
    with transaction.atomic():
        records = {
            "alice": log_action(actor=alice, action="congvu.test.a", unit=child),
            "bob": log_action(actor=bob, action="congvu.test.b", unit=other),
            "secret": log_action(actor=bob, action="congvu.test.s", unit=child, confidentiality=1),
        }
    return {"parent": parent, "alice": alice, "bob": bob, "records": records}


def seen(actor) -> set[str]:
    return set(audit_records(actor).values_list("action", flat=True))


def test_officials_see_their_own_actions_up_to_their_clearance(trail):
    assert seen(trail["alice"]) == {"congvu.test.a"}
    assert seen(trail["bob"]) == {"congvu.test.b"}


def test_unit_admins_see_their_subtree_up_to_their_clearance(trail, actor_factory):
    admin = actor_factory("unit_admin", unit=trail["parent"])
    assert seen(admin) == {"congvu.test.a"}
    cleared = actor_factory("unit_admin", unit=trail["parent"])
    cleared.positions.update(clearance=1)
    assert seen(cleared) == {"congvu.test.a", "congvu.test.s"}


def test_system_admins_see_everything_and_citizens_nothing(trail, actor_factory):
    assert seen(actor_factory("system_admin")) == {
        "congvu.test.a",
        "congvu.test.b",
        "congvu.test.s",
    }
    assert seen(UserFactory(citizen=True)) == set()
    assert seen(None) == set()


def test_history_of_one_object(trail):
    unit = UnitFactory()
    with transaction.atomic():
        log_action(actor=trail["alice"], action="congvu.org.unit.create", obj=unit)
    assert [r.action for r in audit_records(trail["alice"], obj=unit)] == ["congvu.org.unit.create"]
