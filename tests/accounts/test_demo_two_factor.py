"""The demo's two-factor account works as the README says (issue 11)."""

import io
from base64 import b32decode
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from congvu.accounts.demo import DEMO_2FA_USERNAME, DEMO_RECOVERY_CODES, DEMO_TOTP_SECRET
from congvu.demo.data import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"
LOGIN = reverse("accounts:login")
OTP = reverse("accounts:login_otp")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _password_step(client: Client):
    response = client.post(LOGIN, {"username": DEMO_2FA_USERNAME, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == OTP
    return response


def test_readme_tells_the_account_the_key_and_the_codes():
    text = README.read_text(encoding="utf-8")
    assert DEMO_2FA_USERNAME in text
    assert DEMO_TOTP_SECRET in text
    assert all(code in text for code in DEMO_RECOVERY_CODES)


def test_the_code_from_the_published_key_logs_in(demo):
    client = Client()
    _password_step(client)
    code = f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}"
    response = client.post(OTP, {"otp_token": code})
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_a_demo_recovery_code_works_once_and_load_demo_restores_it(demo):
    code = DEMO_RECOVERY_CODES[0]
    first = Client()
    _password_step(first)
    assert first.post(OTP, {"otp_token": code})["Location"] == reverse("web:home")
    second = Client()
    _password_step(second)
    assert second.post(OTP, {"otp_token": code}).status_code == 200
    assert "_auth_user_id" not in second.session

    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert TOTPDevice.objects.filter(user__username=DEMO_2FA_USERNAME).count() == 1
    assert StaticDevice.objects.filter(user__username=DEMO_2FA_USERNAME).count() == 1
    tokens = StaticToken.objects.filter(device__user__username=DEMO_2FA_USERNAME)
    assert tokens.count() == len(DEMO_RECOVERY_CODES)
    third = Client()
    _password_step(third)
    assert third.post(OTP, {"otp_token": code})["Location"] == reverse("web:home")
