"""Khóa sổ asks for confirmation; the unit administrator reopens a closed register with a reason."""

from __future__ import annotations

from django.urls import reverse

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.registry.services import register_close, register_reopen
from tests.factories import PositionFactory, UnitFactory

from .factories import RegisterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(unit):
    return RegisterFactory(unit=unit, year=2026, name="Sổ văn bản đi 2026 của xã")


@pytest.fixture
def unit_admin(unit):
    return PositionFactory(unit_admin=True, unit=unit).user


def _reopened_records(register):
    return AuditRecord.objects.filter(
        action="congvu.registry.register.reopened", object_id=str(register.pk)
    )


def test_a_post_without_the_confirmation_does_not_close(client, register, clerk):
    client.force_login(clerk)
    url = reverse("registry:register_close", args=[register.pk])
    page = client.post(url)
    assert page.status_code == 200
    assert 'name="xac_nhan"' in page.content.decode()
    register.refresh_from_db()
    assert not register.is_closed
    assert client.post(url, {"xac_nhan": "1"}).status_code == 302
    register.refresh_from_db()
    assert register.is_closed


def test_the_year_end_list_asks_before_closing(client, register, clerk, unit):
    client.force_login(clerk)
    page = client.get(reverse("registry_exports:export")).content.decode()
    assert reverse("registry:register_close", args=[register.pk]) in page
    # The old one-click form posted here without a confirmation: it now only leads to the page.
    response = client.post(reverse("registry_exports:close", args=[register.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:register_close", args=[register.pk])
    register.refresh_from_db()
    assert not register.is_closed
    client.post(reverse("registry_exports:close", args=[register.pk]), {"xac_nhan": "1"})
    register.refresh_from_db()
    assert register.is_closed


def test_the_unit_admin_reopens_with_a_reason_audited(register, clerk, unit_admin):
    register_close(actor=clerk, register=register)
    with pytest.raises(ServiceError) as info:
        register_reopen(actor=unit_admin, register=register, reason="   ")
    assert info.value.code == "required"
    register.refresh_from_db()
    assert register.is_closed and not _reopened_records(register).exists()

    register_reopen(actor=unit_admin, register=register, reason="Khóa nhầm trước ngày 31/12")
    register.refresh_from_db()
    assert not register.is_closed and register.closed_by is None
    record = _reopened_records(register).get()
    assert record.after["reason"] == "Khóa nhầm trước ngày 31/12"
    assert record.before["closed_at"]
    with pytest.raises(TransitionNotAllowed) as info:
        register_reopen(actor=unit_admin, register=register, reason="Lần nữa")
    assert info.value.code == "register_open"


def test_only_the_admin_of_that_unit_reopens(register, clerk, unit):
    register_close(actor=clerk, register=register)
    leader = PositionFactory(leader=True, unit=unit).user
    elsewhere = PositionFactory(unit_admin=True, unit=UnitFactory()).user
    for actor in (clerk, leader, elsewhere):
        with pytest.raises(PermissionDenied):
            register_reopen(actor=actor, register=register, reason="Mở lại")
    register.refresh_from_db()
    assert register.is_closed


def test_reopen_page(client, register, clerk, unit_admin):
    register_close(actor=clerk, register=register)
    client.force_login(unit_admin)
    detail = client.get(reverse("registry:register_detail", args=[register.pk])).content.decode()
    url = reverse("registry:register_reopen", args=[register.pk])
    assert url in detail
    assert client.post(url, {"reason": ""}).status_code == 400
    register.refresh_from_db()
    assert register.is_closed
    assert client.post(url, {"reason": "Khóa nhầm"}).status_code == 302
    register.refresh_from_db()
    assert not register.is_closed
    assert _reopened_records(register).count() == 1


def test_reopen_through_the_api(client, register, clerk, unit_admin):
    register_close(actor=clerk, register=register)
    client.force_login(unit_admin)
    url = f"/api/v1/registers/{register.pk}/reopen/"
    assert client.post(url, {}, content_type="application/json").status_code == 400
    response = client.post(url, {"reason": "Khóa nhầm"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["is_closed"] is False
