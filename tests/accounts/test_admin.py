"""Admin for accounts: sign-in goes through the officials' login; audited changes; unlock."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.accounts.models import Delegation, LoginThrottle
from tests.factories import DelegationFactory, PositionFactory, UnitFactory, UserFactory

from .conftest import audit_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = PositionFactory(system_admin=True, user__is_staff=True, user__is_superuser=True).user
    client.force_login(admin)
    client.admin_user = admin
    return client


def test_admin_login_redirects_to_officials_login(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_user_list_filters_officials_and_citizens(admin_client):
    official = UserFactory(full_name="Cán Bộ Một")
    citizen = UserFactory(citizen=True, full_name="Công Dân Hai")
    url = reverse("admin:accounts_user_changelist")
    officials = admin_client.get(url, {"kind__exact": "official"}).content.decode()
    assert official.username in officials and citizen.username not in officials
    citizens = admin_client.get(url, {"kind__exact": "citizen"}).content.decode()
    assert citizen.username in citizens and official.username not in citizens


def test_user_change_page_has_position_inline_and_save_is_audited(admin_client):
    position = PositionFactory()
    user = position.user
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "positions-TOTAL_FORMS" in page.content.decode()
    form = page.context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if k in form.fields
        and k not in ("password", "groups", "user_permissions", "last_login", "date_joined")
    }
    data.update(
        {
            "username": user.username,
            "kind": "official",
            "full_name": "Tên Mới",
            "email": user.email,
            "phone": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "positions-TOTAL_FORMS": "1",
            "positions-INITIAL_FORMS": "1",
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
            "positions-0-id": position.pk,
            "positions-0-user": user.pk,
            "positions-0-unit": position.unit_id,
            "positions-0-title": "Trưởng phòng",
            "positions-0-role": "leader_head",
            "positions-0-clearance": "0",
            "positions-0-is_primary": "on",
            "positions-0-valid_from": "2018-01-01",
            "positions-0-valid_to": "",
        }
    )
    data = {k: v for k, v in data.items() if v is not None}
    response = admin_client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    user.refresh_from_db()
    assert user.full_name == "Tên Mới"
    changed = audit_actions("congvu.accounts.user.changed", user).get()
    assert changed.before["full_name"] != "Tên Mới" and changed.after["full_name"] == "Tên Mới"
    pos = audit_actions("congvu.accounts.position.changed", position).get()
    assert pos.after["role"] == "leader_head"


def test_delegation_added_in_admin_goes_through_service(admin_client):
    unit = UnitFactory()
    leader = PositionFactory(unit=unit, leader=True).user
    deputy = PositionFactory(unit=unit, deputy=True).user
    outsider = PositionFactory().user
    today = timezone.localdate()
    url = reverse("admin:accounts_delegation_add")
    base = {
        "delegator": leader.pk,
        "unit": unit.pk,
        "start_date": today.isoformat(),
        "end_date": (today + datetime.timedelta(days=2)).isoformat(),
        "reason": "Công tác",
    }
    refused = admin_client.post(url, {**base, "delegate": outsider.pk})
    assert refused.status_code == 200
    assert "Người được ủy quyền phải có chức vụ tại cùng đơn vị." in refused.content.decode()
    assert not Delegation.objects.exists()
    ok = admin_client.post(url, {**base, "delegate": deputy.pk})
    assert ok.status_code == 302
    d = Delegation.objects.get()
    assert (
        audit_actions("congvu.accounts.delegation.created", d).get().actor_id
        == admin_client.admin_user.pk
    )


def test_revoke_action(admin_client):
    d = DelegationFactory()
    admin_client.post(
        reverse("admin:accounts_delegation_changelist"),
        {"action": "revoke", "_selected_action": [d.pk]},
    )
    d.refresh_from_db()
    assert d.revoked_at is not None


def test_unlock_action_lifts_lock_and_is_audited(admin_client):
    throttle = LoginThrottle.objects.create(
        key="user:lan", failures=5, locked_until=timezone.now() + datetime.timedelta(minutes=10)
    )
    page = admin_client.get(reverse("admin:accounts_loginthrottle_changelist"))
    assert "user:lan" in page.content.decode()
    admin_client.post(
        reverse("admin:accounts_loginthrottle_changelist"),
        {"action": "unlock", "_selected_action": [throttle.pk]},
    )
    assert not LoginThrottle.objects.exists()
    record = audit_actions("congvu.accounts.login.unlocked").get()
    assert record.before["key"] == "user:lan"
    assert record.actor_id == admin_client.admin_user.pk
