"""Secrets never reach the logs or the audit trail (ASVS V7.1.1, V7.1.2).

Every log record emitted at any level while a secret is in play is captured
(message, arguments, exception text and the extra attributes handlers may
print), together with every audit record, and searched for the secret:
passwords at login (officials and citizens), the one-time link and the new
password of a reset, and API tokens (issued, and a wrong one presented).
Error reports of the login views mask the password too.
"""

from __future__ import annotations

import logging
import re
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

import pytest
from rest_framework.test import APIClient

from congvu.audit.models import AuditRecord
from tests.factories import PositionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def everything_written(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        parts.append(record.exc_text or "")
        parts.extend(repr(v) for k, v in vars(record).items() if k not in {"args", "msg"})
    for row in AuditRecord.objects.values():
        parts.append(repr(row))
    return "\n".join(parts)


def assert_absent(secret: str, caplog):
    assert secret not in everything_written(caplog)


def test_official_login_failure_logs_no_password(client, logs):
    user = PositionFactory().user
    secret = "Sai-MatKhau-8qZ!x"
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": secret}
    )
    assert response.status_code == 200
    assert_absent(secret, logs)


def test_citizen_login_failure_logs_no_password(client, logs):
    citizen = UserFactory(citizen=True, email="congdan@congvu.test")
    secret = "Congdan-Sai-3wP#"
    client.post(reverse("portal:login"), {"username": citizen.email, "password": secret})
    client.post(reverse("portal:login"), {"email": citizen.email, "password": secret})
    assert_absent(secret, logs)


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("accounts:login", {"username": "vanthu"}),
        ("portal:login", {"email": "congdan@congvu.test"}),
    ],
)
def test_login_error_reports_mask_the_password(client, url, fields):
    """Were the login view to crash, the error report (mail to ADMINS) would hide the password."""
    response = client.post(reverse(url), {**fields, "password": "Bi-Mat-1"})
    shown = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert shown["password"] != "Bi-Mat-1"
    assert set(shown["password"]) == {"*"}


def test_password_reset_logs_neither_the_link_nor_the_new_password(client, logs):
    PositionFactory(user__email="lan@congvu.test")
    client.post(reverse("accounts:password_reset"), {"email": "lan@congvu.test"})
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/[^\s]+/)", message.body)[1]
    token = link.rstrip("/").split("/")[-1]
    page = client.get(link, follow=True)
    new_password = "Mat-Khau-Moi-7rT$"
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert_absent(token, logs)
    assert_absent(new_password, logs)


def test_api_tokens_are_not_logged(logs):
    official = PositionFactory(user__username="lienthong").user
    out = StringIO()
    call_command("create_api_token", official.username, stdout=out, stderr=StringIO())
    key = out.getvalue().strip()
    assert len(key) >= 40
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me/").status_code == 200
    wrong = "f" * 40
    client.credentials(HTTP_AUTHORIZATION=f"Token {wrong}")
    assert client.get("/api/v1/units/").status_code == 401
    assert_absent(key, logs)
    assert_absent(wrong, logs)


def test_the_search_would_see_a_logged_secret(logs):
    """The capture covers loggers at every level, so a leak would be caught."""
    logging.getLogger("congvu.anything").debug("key=%s", "Lo-Ra-Ngoai-42")
    assert "Lo-Ra-Ngoai-42" in everything_written(logs)
