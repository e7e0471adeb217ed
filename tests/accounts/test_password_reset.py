"""Quên mật khẩu: an e-mail with a one-time link; the new password logs in."""

import re

from django.core import mail
from django.urls import reverse

import pytest

from tests.factories import PositionFactory, UserFactory

from .conftest import audit_actions

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-moi-2026!"


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password-reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_reset_by_email_then_login_with_new_password(client):
    user = PositionFactory(user__email="lan@congvu.test").user
    page = client.get(reverse("accounts:password_reset"))
    assert page.status_code == 200
    assert "Quên mật khẩu" in page.content.decode()

    response = client.post(reverse("accounts:password_reset"), {"email": "lan@congvu.test"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lan@congvu.test"]
    assert "Đặt lại mật khẩu" in message.subject
    assert user.username in message.body

    link = _reset_link(message)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert audit_actions("congvu.accounts.user.password_reset", user).count() == 1

    # The link is single-use.
    again = client.get(link, follow=True)
    assert "không hợp lệ" in again.content.decode()

    old = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "mat-khau-thu-nghiem-1"}
    )
    assert old.status_code == 200
    new = client.post(
        reverse("accounts:login"), {"username": user.username, "password": NEW_PASSWORD}
    )
    assert new.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_unknown_address_and_citizen_get_no_mail(client):
    UserFactory(citizen=True, email="dan@congvu.test")
    for email in ("khong-co@congvu.test", "dan@congvu.test"):
        response = client.post(reverse("accounts:password_reset"), {"email": email})
        # Same answer either way, so the page does not reveal who has an account.
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
