"""Quên mật khẩu on the portal: portal accounts only, audited."""

import re

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

import pytest

from congvu.audit.models import AuditRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-moi-that-dai-7"


def reset_link(mail) -> str:
    match = re.search(r"http://testserver(/quen-mat-khau/[^/\s]+/[^/\s]+/)", mail.body)
    assert match, mail.body
    return match[1]


def test_citizen_resets_password_by_mail(client, mailoutbox):
    citizen = UserFactory(citizen=True, email="hoa@example.vn")
    response = client.post(reverse("portal:password_reset"), {"email": "HOA@example.vn"})
    assert response["Location"] == reverse("portal:password_reset_done")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["hoa@example.vn"]
    assert mailoutbox[0].subject == "Đặt lại mật khẩu tài khoản dịch vụ công"
    assert "trên congvu." in mailoutbox[0].body

    form_url = client.get(reset_link(mailoutbox[0]))["Location"]  # token moves to the session
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("portal:password_reset_complete")
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    record = AuditRecord.objects.get(action="congvu.portal.citizen.password_reset")
    assert record.object_id == str(citizen.pk) and record.actor_id == citizen.pk

    response = client.post(
        reverse("portal:login"), {"email": "hoa@example.vn", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_no_mail_for_officials_or_unverified(client, mailoutbox):
    UserFactory(email="canbo@thanhphu.gov.vn")
    UserFactory(unverified_citizen=True, email="moi@example.vn")
    for email in ("canbo@thanhphu.gov.vn", "moi@example.vn", "khong.co@example.vn"):
        response = client.post(reverse("portal:password_reset"), {"email": email})
        assert response.status_code == 302
    assert mailoutbox == []


def test_official_reset_token_refused_on_portal(client):
    official = UserFactory()
    uid = urlsafe_base64_encode(force_bytes(official.pk))
    url = reverse(
        "portal:password_reset_confirm",
        args=[uid, default_token_generator.make_token(official)],
    )
    response = client.get(url, follow=True)
    assert response.context["validlink"] is False
    assert "không hợp lệ" in response.content.decode()
