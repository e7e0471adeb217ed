"""Officials' logins and logouts are in the audit trail, failed ones included (docs/security.md)."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from congvu.audit.models import AuditRecord
from tests.factories import PositionFactory, UserFactory

from .conftest import PASSWORD, code_for, wrong_code_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
OTP = reverse("accounts:login_otp")
IP = "192.0.2.44"


def _records(action):
    return AuditRecord.objects.filter(action=action).order_by("seq")


def _login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=IP)


def test_wrong_password_and_unknown_user_are_audited_without_the_typed_name(client):
    user = PositionFactory().user
    _login(client, user.username, "sai-mat-khau-1")
    _login(client, "Mat-khau-go-nham-o-o-ten", "x")
    known, unknown = _records("congvu.accounts.login.failed")
    assert known.object_id == str(user.pk) and known.actor_id is None
    assert known.after == {"reason": "password"} and known.ip == IP
    assert unknown.object_id == "" and "Mat-khau-go-nham" not in str(unknown.after)


def test_success_and_logout_are_audited(client):
    user = PositionFactory().user
    assert _login(client, user.username).status_code == 302
    ok = _records("congvu.accounts.login.succeeded").get()
    assert ok.actor_id == user.pk and ok.ip == IP
    client.post(reverse("accounts:logout"), REMOTE_ADDR=IP)
    assert _records("congvu.accounts.logout").get().actor_id == user.pk


def test_the_code_step_is_audited_too(client, device_factory):
    user = PositionFactory().user
    device = device_factory(user)
    _login(client, user.username)
    # The password alone is not a login yet.
    assert not _records("congvu.accounts.login.succeeded").exists()
    client.post(OTP, {"otp_token": wrong_code_for(device)}, REMOTE_ADDR=IP)
    assert _records("congvu.accounts.login.failed").get().after == {"reason": "otp"}
    # django-otp makes the next try wait a moment after a wrong code.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30), tick=False):
        client.post(OTP, {"otp_token": code_for(device)}, REMOTE_ADDR=IP)
    assert _records("congvu.accounts.login.succeeded").get().actor_id == user.pk


def test_a_portal_account_on_the_officials_page_is_a_failed_login(client):
    citizen = UserFactory(citizen=True)
    _login(client, citizen.username)
    record = _records("congvu.accounts.login.failed").get()
    assert record.object_id == str(citizen.pk) and record.after == {"reason": "portal_account"}
