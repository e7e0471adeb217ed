"""Verification link (xác minh thư điện tử): activates once, refuses expired or tampered tokens."""

import datetime

from django.core import signing
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from congvu.audit.models import AuditRecord
from congvu.portal.services import VERIFY_SALT, make_verification_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending():
    return UserFactory(unverified_citizen=True, email="cho.xac.minh@example.vn")


def verify_url(token):
    return reverse("portal:verify", args=[token])


def test_verify_activates_and_audits(client, pending):
    response = client.get(verify_url(make_verification_token(pending)))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã xác minh tài khoản" in html
    assert reverse("portal:login") in html
    pending.refresh_from_db()
    assert pending.is_active and pending.email_verified
    record = AuditRecord.objects.get(action="congvu.portal.citizen.verified")
    assert record.object_id == str(pending.pk)
    assert record.before["is_active"] is False
    assert record.after["email_verified"] is True


def test_opening_the_link_twice_is_harmless(client, pending):
    url = verify_url(make_verification_token(pending))
    client.get(url)
    assert client.get(url).status_code == 200
    assert AuditRecord.objects.filter(action="congvu.portal.citizen.verified").count() == 1


def test_old_link_does_not_reenable_a_disabled_account(client, pending):
    url = verify_url(make_verification_token(pending))
    client.get(url)
    pending.refresh_from_db()
    pending.is_active = False  # an administrator disables the verified account
    pending.save()
    client.get(url)
    pending.refresh_from_db()
    assert not pending.is_active


def test_expired_token_refused(client, pending):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3, minutes=1), tick=False):
        token = make_verification_token(pending)
    response = client.get(verify_url(token))

    assert response.status_code == 400
    html = response.content.decode()
    assert "hết hạn" in html
    assert reverse("portal:resend_verification") in html
    pending.refresh_from_db()
    assert not pending.is_active and not pending.email_verified


def test_token_still_valid_within_three_days(client, pending):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=2, hours=23), tick=False):
        token = make_verification_token(pending)
    assert client.get(verify_url(token)).status_code == 200
    pending.refresh_from_db()
    assert pending.is_active


def test_tampered_token_refused(client, pending):
    token = make_verification_token(pending)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(verify_url(tampered))
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    pending.refresh_from_db()
    assert not pending.is_active


def test_token_for_another_user_id_refused(client, pending):
    other = UserFactory(unverified_citizen=True)
    # Correctly signed, but the address is not the one of the account it names.
    forged = signing.dumps({"u": other.pk, "e": pending.email}, salt=VERIFY_SALT, compress=True)
    assert client.get(verify_url(forged)).status_code == 400
    other.refresh_from_db()
    assert not other.is_active


def test_token_signed_for_another_purpose_refused(client, pending):
    foreign = signing.dumps({"u": pending.pk, "e": pending.email}, salt="something-else")
    assert client.get(verify_url(foreign)).status_code == 400


def test_official_cannot_be_activated_by_a_token(client):
    official = UserFactory(is_active=False)
    assert client.get(verify_url(make_verification_token(official))).status_code == 400
    official.refresh_from_db()
    assert not official.is_active


def test_resend_mails_a_new_working_link(client, pending, mailoutbox):
    response = client.post(
        reverse("portal:resend_verification"), {"email": "CHO.xac.minh@example.vn"}
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [pending.email]
    path = mailoutbox[0].body.split("http://testserver", 1)[1].split()[0]
    assert client.get(path).status_code == 200
    pending.refresh_from_db()
    assert pending.is_active


def test_resend_is_silent_for_unknown_or_verified_addresses(client, mailoutbox):
    UserFactory(citizen=True, email="da.xac.minh@example.vn")
    for email in ("khong.co@example.vn", "da.xac.minh@example.vn"):
        response = client.post(reverse("portal:resend_verification"), {"email": email})
        assert response.status_code == 302
    assert mailoutbox == []


def test_resend_limited_to_one_mail_a_minute(client, pending, mailoutbox):
    url = reverse("portal:resend_verification")
    client.post(url, {"email": pending.email})
    client.post(url, {"email": pending.email})
    assert len(mailoutbox) == 1
