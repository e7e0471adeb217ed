"""A closed register is not changed by voiding: the unit administrator reopens it first (audited)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import TransitionNotAllowed
from congvu.registry.constants import Direction, NumberStatus
from congvu.registry.models import IssuedNumber
from congvu.registry.services import number_allocate, number_void, register_close, register_reopen
from tests.factories import PositionFactory

pytestmark = pytest.mark.django_db

MARCH = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def closed(clerk, unit):
    with transaction.atomic():
        issued = number_allocate(actor=clerk, unit=unit, direction=Direction.OUTGOING, when=MARCH)
    register_close(actor=clerk, register=issued.register)
    return issued


def test_a_number_of_a_closed_register_cannot_be_voided(clerk, closed):
    with pytest.raises(TransitionNotAllowed) as info:
        number_void(actor=clerk, issued=closed, reason="Nhầm số sau khi khóa sổ")
    assert info.value.code == "register_closed"
    assert "mở lại sổ" in info.value.message
    assert IssuedNumber.objects.get(pk=closed.pk).status == NumberStatus.USED
    assert not AuditRecord.objects.filter(action="congvu.registry.number.voided").exists()


def test_after_reopening_the_number_can_be_voided(clerk, unit, closed):
    admin = PositionFactory(unit=unit, role="unit_admin", clearance=1).user
    register_reopen(actor=admin, register=closed.register, reason="Cần hủy số nhầm")
    voided = number_void(actor=clerk, issued=closed, reason="Nhầm số")
    assert voided.status == NumberStatus.VOIDED


def test_the_closed_register_page_offers_no_voiding(client, clerk, closed):
    client.force_login(clerk)
    void_url = reverse("registry:number_void", args=[closed.pk])

    page = client.get(reverse("registry:register_detail", args=[closed.register_id]))
    assert page.status_code == 200
    assert void_url not in page.content.decode()

    response = client.post(void_url, {"reason": "Nhầm số"})
    assert "mở lại sổ" in response.content.decode()
    assert IssuedNumber.objects.get(pk=closed.pk).status == NumberStatus.USED
