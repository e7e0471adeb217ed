"""Portal login: a per-address limit against password spraying; logins and logouts audited."""

from django.test import override_settings
from django.urls import reverse

import pytest

from congvu.accounts.models import LoginThrottle
from congvu.audit.models import AuditRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/dang-nhap/"
PASSWORD = "mat-khau-thu-nghiem-1"  # tests.factories.UserFactory


def login(client, email, password=PASSWORD, ip="203.0.113.7"):
    return client.post(LOGIN_URL, {"email": email, "password": password}, REMOTE_ADDR=ip)


def records(action):
    return AuditRecord.objects.filter(action=action).order_by("seq")


@override_settings(PORTAL_LOGIN_IP_MAX_FAILURES=4, LOGIN_MAX_FAILURES=3)
def test_one_address_spraying_one_password_over_many_accounts_is_locked(client):
    victims = [UserFactory(citizen=True, email=f"dan{n}@example.vn") for n in range(5)]
    for victim in victims[:4]:
        login(client, victim.email, "mat-khau-pho-bien-1")  # one try per account
    # No account reached its own limit, but the address did: even a right password waits.
    assert not LoginThrottle.objects.filter(
        key__startswith="user:", locked_until__isnull=False
    ).exists()
    response = login(client, victims[4].email)
    assert "tạm thời bị khóa" in response.content.decode()
    assert client.session.get("_auth_user_id") is None
    # Someone else behind another address is not affected.
    response = login(client, victims[4].email, ip="198.51.100.9")
    assert response.status_code == 302
    lock = records("congvu.accounts.login.locked").get()
    assert lock.after["key"] == "portal-ip:203.0.113.7"


@override_settings(PORTAL_LOGIN_IP_MAX_FAILURES=30, LOGIN_MAX_FAILURES=5)
def test_the_address_limit_is_looser_than_the_officials_one(client):
    # Citizens share carrier-NAT addresses: a handful of mistakes there locks nobody out.
    for n in range(8):
        login(client, f"khong-co-{n}@example.vn", "sai-mat-khau-1")
    UserFactory(citizen=True, email="an@example.vn")
    assert login(client, "an@example.vn").status_code == 302


def test_login_failure_success_and_logout_are_audited(client):
    citizen = UserFactory(citizen=True, email="an@example.vn")
    login(client, "an@example.vn", "sai-mat-khau-1")
    login(client, "khong-ai@example.vn", "sai-mat-khau-1")
    failed = list(records("congvu.portal.login.failed"))
    assert len(failed) == 2
    assert failed[0].object_id == str(citizen.pk) and failed[0].actor_id is None
    assert failed[0].ip == "203.0.113.7" and failed[0].after == {"reason": "password"}
    # An unknown address is not written into the trail (it could be a mistyped password).
    assert failed[1].object_id == "" and "khong-ai" not in str(failed[1].after)

    login(client, "an@example.vn")
    ok = records("congvu.portal.login.succeeded").get()
    assert ok.actor_id == citizen.pk and ok.object_id == str(citizen.pk)
    client.post(reverse("portal:logout"), REMOTE_ADDR="203.0.113.7")
    out = records("congvu.portal.logout").get()
    assert out.actor_id == citizen.pk and out.ip == "203.0.113.7"


def test_a_right_password_on_a_refused_account_is_audited_as_failed(client):
    UserFactory(unverified_citizen=True, email="moi@example.vn")
    login(client, "moi@example.vn")
    assert records("congvu.portal.login.failed").get().after == {"reason": "unverified"}
    assert not records("congvu.portal.login.succeeded").exists()
