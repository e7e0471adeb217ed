"""Delegations (ủy quyền) end by themselves; the periodic job leaves one audit record each."""

import datetime

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

import pytest
import time_machine

from congvu.accounts.constants import Role
from congvu.accounts.models import Delegation
from congvu.accounts.selectors import actor_facts
from congvu.accounts.services import delegation_create, delegations_expire
from congvu.accounts.tasks import expire_delegations
from congvu.core.authz import as_actor
from tests.factories import DelegationFactory, PositionFactory, UnitFactory

from .conftest import audit_actions

pytestmark = pytest.mark.django_db

EXPIRED = "congvu.accounts.delegation.expired"
DAY0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def delegation():
    """A chairman delegates to a deputy for 2–4 March 2026."""
    unit = UnitFactory()
    leader = PositionFactory(unit=unit, leader=True).user
    deputy = PositionFactory(unit=unit, role=Role.SPECIALIST, title="Phó phòng").user
    with time_machine.travel(DAY0, tick=False):
        return delegation_create(
            actor=leader,
            delegator=leader,
            delegate=deputy,
            unit=unit,
            start_date=datetime.date(2026, 3, 2),
            end_date=datetime.date(2026, 3, 4),
            reason="Nghỉ phép",
        )


def _on(day: int):
    return time_machine.travel(
        datetime.datetime(2026, 3, day, 9, 0, tzinfo=datetime.UTC), tick=False
    )


def test_active_on_last_day_and_not_after(delegation):
    with _on(4):
        assert delegation in Delegation.objects.active()
        assert delegation.is_active_on()
    with _on(5):
        assert delegation not in Delegation.objects.active()
        assert not delegation.is_active_on()


def test_delegate_has_delegated_roles_only_while_active(delegation):
    deputy = delegation.delegate
    with _on(3):
        facts = actor_facts(deputy)
        assert facts["roles"][delegation.unit_id] == {Role.SPECIALIST, Role.LEADER_HEAD}
        # The leader's clearance stays with the leader (docs/security.md, V4).
        assert facts["clearance"] == 0
        assert as_actor(deputy).has_role(Role.LEADER_HEAD, delegation.unit_id)
    with _on(5):
        facts = actor_facts(deputy)
        assert facts["roles"][delegation.unit_id] == {Role.SPECIALIST}
        assert facts["clearance"] == 0


def test_revoked_delegation_gives_no_roles(delegation):
    from congvu.accounts.services import delegation_revoke

    with _on(3):
        delegation_revoke(actor=delegation.delegator, delegation=delegation)
        assert Role.LEADER_HEAD not in actor_facts(delegation.delegate)["roles"][delegation.unit_id]


def test_expire_logs_once_after_end(delegation):
    with _on(4):
        assert delegations_expire() == 0
    with _on(5):
        assert delegations_expire() == 1
        assert delegations_expire() == 0
    with _on(20):
        assert delegations_expire() == 0
    record = audit_actions(EXPIRED, delegation).get()
    assert record.actor_id is None
    assert record.actor_label == "hệ thống"
    assert record.unit_id == delegation.unit_id
    delegation.refresh_from_db()
    assert delegation.expired_logged_at is not None


def test_expire_skips_revoked_and_running():
    DelegationFactory(expired=True, revoked=True)
    DelegationFactory()
    old = DelegationFactory(expired=True)
    assert delegations_expire() == 1
    assert list(audit_actions(EXPIRED).values_list("object_id", flat=True)) == [str(old.pk)]


def test_explicit_today_argument():
    d = DelegationFactory()
    assert delegations_expire(today=d.end_date) == 0
    assert delegations_expire(today=d.end_date + datetime.timedelta(days=1)) == 1


def test_celery_task_calls_the_service():
    DelegationFactory(expired=True)
    assert expire_delegations.name == "congvu.accounts.tasks.expire_delegations"
    assert expire_delegations.delay().get() == 1
    assert audit_actions(EXPIRED).count() == 1


def test_run_periodic_runs_every_beat_entry(settings, capsys):
    DelegationFactory(expired=True)
    settings.CELERY_BEAT_SCHEDULE = {
        "expire-delegations": {
            "task": "congvu.accounts.tasks.expire_delegations",
            "schedule": 900,
        },
    }
    call_command("run_periodic")
    assert audit_actions(EXPIRED).count() == 1
    assert "expire-delegations (congvu.accounts.tasks.expire_delegations): OK 1" in (
        capsys.readouterr().out
    )


def test_run_periodic_reports_a_failing_entry(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "broken": {"task": "congvu.accounts.tasks.no_such_task", "schedule": 60},
    }
    with pytest.raises(CommandError, match="broken"):
        call_command("run_periodic")


def test_run_periodic_only_filter(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "expire-delegations": {"task": "congvu.accounts.tasks.expire_delegations", "schedule": 1},
        "broken": {"task": "congvu.accounts.tasks.no_such_task", "schedule": 60},
    }
    call_command("run_periodic", only=["expire-delegations"])
    with pytest.raises(CommandError):
        call_command("run_periodic", only=["nothing"])


def test_timezone_is_vietnam_for_end_of_day():
    # 23:30 on the last day in Hà Nội is 16:30 UTC: still active.
    d = DelegationFactory(start_date=datetime.date(2026, 3, 2), end_date=datetime.date(2026, 3, 4))
    late = datetime.datetime(2026, 3, 4, 16, 30, tzinfo=datetime.UTC)
    with time_machine.travel(late, tick=False):
        assert timezone.localdate() == datetime.date(2026, 3, 4)
        assert d in Delegation.objects.active()
        assert delegations_expire() == 0
