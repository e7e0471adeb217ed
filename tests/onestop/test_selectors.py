"""Selectors and cross-unit processing: public look-up, process steps across units, SMS."""

import datetime
import logging
from decimal import Decimal

import pytest

from congvu.accounts.constants import Role
from congvu.core.errors import ServiceError
from congvu.onestop import services, sms
from congvu.onestop.models import Dossier
from congvu.onestop.selectors import (
    dossier_public_lookup,
    dossier_timeline,
    dossiers_for_citizen,
    my_steps,
)
from congvu.procedures.models import ProcessDefinition, ProcessStep
from tests.factories import PositionFactory, UnitFactory, UserFactory

from .conftest import at

pytestmark = pytest.mark.django_db


def test_public_lookup_needs_code_and_phone(submit):
    dossier = submit()
    assert dossier_public_lookup(dossier.code, "0912 345 678") == dossier
    assert dossier_public_lookup(dossier.code.lower(), "+84912345678") == dossier
    assert dossier_public_lookup(dossier.code, "0912345679") is None
    assert dossier_public_lookup(dossier.code[:-1] + "9", "0912345678") is None
    assert dossier_public_lookup("khong-phai-ma", "0912345678") is None


def test_citizen_sees_only_their_dossiers(submit, citizen):
    mine = submit()
    other = UserFactory(citizen=True)
    submit(actor=other)
    assert list(dossiers_for_citizen(citizen)) == [mine]
    assert list(Dossier.objects.restrict(citizen, "view")) == [mine]


def test_timeline_hides_internal_events(received, officer, specialist):
    d = services.dossier_step_assign(actor=officer, dossier=received, assignee=officer)
    public = [e.action for e in dossier_timeline(d, public_only=True)]
    everything = [e.action for e in dossier_timeline(d, public_only=False)]
    assert "step_assigned" in everything and "step_assigned" not in public
    assert public == ["submitted", "accepted"]


def test_process_across_units_routes_to_the_competent_unit(
    submit, procedure, commune, officer, citizen
):
    """Liên thông: received at the commune, appraised and decided by a district office."""
    office = UnitFactory(name="Phòng Tư pháp", code="000.20.31.H57")
    head = PositionFactory(leader=True, unit=office).user
    expert = PositionFactory(unit=office, role=Role.SPECIALIST).user
    process = ProcessDefinition.objects.create(
        procedure=procedure, unit=commune, valid_from=datetime.date(2025, 1, 1)
    )
    for order, kind, unit, role, hours in [
        (1, "reception", None, Role.ONESTOP_OFFICER, "4"),
        (2, "appraisal", office, Role.SPECIALIST, "12"),
        (3, "approval", office, Role.LEADER_HEAD, "4"),
        (4, "result", None, Role.ONESTOP_OFFICER, "4"),
    ]:
        ProcessStep.objects.create(
            definition=process,
            order=order,
            name=f"Bước {order}",
            kind=kind,
            unit=unit,
            role=role,
            budget_hours=Decimal(hours),
        )
    d = services.dossier_accept(actor=officer, dossier=submit(), when=at(3, 2, 9, 30))
    assert d.process == process and d.competent_unit == office
    assert [s.unit for s in d.steps.order_by("order")] == [commune, office, office, commune]
    d = services.dossier_step_complete(actor=officer, dossier=d, when=at(3, 2, 10))
    # The office's specialist sees the unassigned step of their role; the head assigns it.
    assert list(my_steps(expert).values_list("dossier_id", flat=True)) == [d.pk]
    assert Dossier.objects.restrict(head, "view").filter(pk=d.pk).exists()
    d = services.dossier_step_assign(actor=head, dossier=d, assignee=expert)
    d = services.dossier_step_complete(actor=expert, dossier=d, next_assignee=head)
    d = services.dossier_finish(actor=head, dossier=d)
    assert d.status == "done"
    # Back at the commune's desk for the return.
    d = services.dossier_return_result(actor=officer, dossier=d)
    assert d.status == "returned"


def test_same_day_procedure(submit, version, officer):
    version.duration_unit = "same_day"
    version.duration_value = None
    version.same_day_cutoff = datetime.time(15)
    version.save()
    d = services.dossier_accept(actor=officer, dossier=submit(), when=at(3, 2, 15, 30))
    assert d.due_at == at(3, 3, 17)
    assert sum(s.budget_hours for s in d.steps.all()) == Decimal("9.5")


def test_console_sms_logs(settings, caplog):
    settings.CONGVU_SMS_PROVIDER = "console"
    with caplog.at_level(logging.INFO, logger="congvu.sms"):
        assert sms.send_sms("0912345678", "Hồ sơ đã tiếp nhận")
    assert "0912345678" in caplog.text and "Hồ sơ đã tiếp nhận" in caplog.text
    assert sms.outbox == []


def test_failing_sms_provider_does_not_raise(settings):
    settings.CONGVU_SMS_PROVIDER = "tests.onestop.test_selectors.BrokenProvider"
    assert sms.send_sms("0912345678", "x") is False


class BrokenProvider(sms.SmsProvider):
    def send(self, phone, text):
        raise ConnectionError("gateway down")


def test_overdue_step_notice_once_a_day(received, officer):
    from congvu.inbox.models import Notification
    from congvu.onestop.tasks import notify_overdue_steps

    # The reception step (assigned to the officer at acceptance) is long overdue.
    assert notify_overdue_steps() == 1
    assert notify_overdue_steps() == 0
    note = Notification.objects.get(user=officer, kind="onestop_overdue")
    assert note.title.startswith("1 hồ sơ")


def test_the_approving_unit_is_the_competent_one(submit, procedure, commune, officer):
    """Thẩm định by an office of the commune, phê duyệt by the commune: the commune decides."""
    office = UnitFactory(name="Văn phòng HĐND và UBND xã", code="000.21.31.H57", parent=commune)
    process = ProcessDefinition.objects.create(
        procedure=procedure, unit=commune, valid_from=datetime.date(2025, 1, 1)
    )
    for order, kind, unit, role, hours in [
        (1, "reception", None, Role.ONESTOP_OFFICER, "4"),
        (2, "appraisal", office, Role.SPECIALIST, "12"),
        (3, "approval", commune, Role.LEADER_HEAD, "4"),
        (4, "result", None, Role.ONESTOP_OFFICER, "4"),
    ]:
        ProcessStep.objects.create(
            definition=process,
            order=order,
            name=f"Bước {order}",
            kind=kind,
            unit=unit,
            role=role,
            budget_hours=Decimal(hours),
        )
    d = services.dossier_accept(actor=officer, dossier=submit(), when=at(3, 2, 9, 30))
    assert d.competent_unit == commune
    assert [s.unit for s in d.steps.order_by("order")] == [commune, office, commune, commune]


def test_beyond_boundary_reception_follows_the_competent_units_process(
    submit, procedure, commune, other_commune, officer
):
    """Phi địa giới: received at An Thạnh's desk, decided by Bình Thạnh, returned at An Thạnh."""
    process = ProcessDefinition.objects.create(
        procedure=procedure, unit=other_commune, valid_from=datetime.date(2025, 1, 1)
    )
    for order, kind, role, hours in [
        (1, "reception", Role.ONESTOP_OFFICER, "4"),
        (2, "appraisal", Role.SPECIALIST, "12"),
        (3, "approval", Role.LEADER_HEAD, "4"),
        (4, "result", Role.ONESTOP_OFFICER, "4"),
    ]:
        ProcessStep.objects.create(
            definition=process,
            order=order,
            name=f"Bước {order}",
            kind=kind,
            role=role,
            budget_hours=Decimal(hours),
        )
    d = services.dossier_accept(
        actor=officer, dossier=submit(), when=at(3, 2, 9, 30), competent_unit=other_commune
    )
    assert d.beyond_boundary and d.process == process
    assert d.competent_unit == other_commune
    assert d.code.startswith(commune.code)
    assert [s.unit for s in d.steps.order_by("order")] == [
        commune,
        other_commune,
        other_commune,
        commune,
    ]
    head = PositionFactory(leader=True, unit=other_commune).user
    assert Dossier.objects.restrict(head, "view").filter(pk=d.pk).exists()


def test_beyond_boundary_refuses_a_unit_that_does_not_decide_the_procedure(
    submit, commune, officer
):
    elsewhere = UnitFactory(name="Ủy ban nhân dân xã Không Liên Quan", code="000.09.31.H57")
    dossier = submit()
    with pytest.raises(ServiceError) as caught:
        services.dossier_accept(actor=officer, dossier=dossier, competent_unit=elsewhere)
    assert caught.value.code == "not_competent"
    assert caught.value.errors[0].field == "competent_unit"
    dossier.refresh_from_db()
    assert dossier.status == "submitted" and not dossier.steps.exists()
