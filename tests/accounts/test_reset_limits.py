"""Password-reset mail is limited per client address and per e-mail address (issue 11).

Officials' and portal pages alike. Over the per-address (e-mail) limit the
answer is the usual "mail sent" page, so the limit tells nothing about accounts.
"""

from django.core import mail
from django.test import override_settings
from django.urls import reverse

import pytest

from tests.factories import PositionFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "official": ("accounts:password_reset", "accounts:password_reset_done"),
    "citizen": ("portal:password_reset", "portal:password_reset_done"),
}


def _account(kind: str, email: str):
    if kind == "official":
        return PositionFactory(user__email=email).user
    return UserFactory(citizen=True, email=email)


@pytest.mark.parametrize("kind", sorted(PAGES))
@override_settings(ACCOUNT_MAILS_PER_ADDRESS=2, ACCOUNT_MAIL_REQUESTS_PER_IP=50)
def test_at_most_n_mails_to_one_address_and_the_same_answer_after(client, kind):
    form, done = (reverse(name) for name in PAGES[kind])
    _account(kind, "lan@congvu.test")
    for n in range(4):
        response = client.post(form, {"email": "LAN@congvu.test"}, REMOTE_ADDR=f"10.0.0.{n}")
        assert response.status_code == 302 and response["Location"] == done
    assert len(mail.outbox) == 2
    # Another address is not affected.
    _account(kind, "hoa@congvu.test")
    client.post(form, {"email": "hoa@congvu.test"})
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("kind", sorted(PAGES))
@override_settings(ACCOUNT_MAILS_PER_ADDRESS=50, ACCOUNT_MAIL_REQUESTS_PER_IP=3)
def test_one_client_address_may_ask_only_so_often(client, kind):
    form, done = (reverse(name) for name in PAGES[kind])
    for n in range(3):
        response = client.post(form, {"email": f"ai-do-{n}@congvu.test"}, REMOTE_ADDR="10.9.9.9")
        assert response["Location"] == done
    _account(kind, "lan@congvu.test")
    refused = client.post(form, {"email": "lan@congvu.test"}, REMOTE_ADDR="10.9.9.9")
    assert refused.status_code == 429
    assert "quá nhiều lần" in refused.content.decode()
    assert mail.outbox == []
    ok = client.post(form, {"email": "lan@congvu.test"}, REMOTE_ADDR="10.9.9.10")
    assert ok["Location"] == done and len(mail.outbox) == 1
