"""The sandbox's phone page: a refusal says why, and Enter never approves by accident."""

import re

from django.test import Client

import pytest

from congvu.signatures import sandbox
from tests.signing.test_remote import waiting
from tests.signing.test_remote_page import remote  # noqa: F401  (fixture)


def _phone(c):
    url = f"/sandbox/ky-so/dien-thoai/{c.account.account_id}/"
    client = Client()
    page = client.get(url, {"ma": c.account.phone_code}).content.decode()
    transaction = re.search(r'name="giao_dich" value="([0-9a-f]+)"', page).group(1)
    return client, url, page, transaction


def _pending(c):
    return [r["status"] for r in sandbox.SandboxStore().pending(c.account.account_id)]


@pytest.mark.django_db
def test_approval_and_refusal_are_separate_forms(remote):  # noqa: F811
    waiting(remote)
    _client, _url, page, _tx = _phone(remote)
    forms = re.findall(r"<form.*?</form>", page, re.S)
    assert len(forms) == 2
    approve, refuse = forms
    # The approval form has no field Enter could be typed into.
    assert 'value="dong-y"' in approve and "<input name" not in approve
    assert 'value="dong-y"' not in refuse and 'name="ly_do"' in refuse and "required" in refuse


@pytest.mark.django_db
def test_refusal_without_a_reason_is_refused_and_stays_pending(remote):  # noqa: F811
    waiting(remote)
    client, url, _page, tx = _phone(remote)
    answer = client.post(
        url,
        {"ma": remote.account.phone_code, "giao_dich": tx, "quyet_dinh": "tu-choi", "ly_do": " "},
    ).content.decode()
    assert "Phải ghi lý do từ chối ký" in answer and 'role="alert"' in answer
    assert _pending(remote) == ["pending"]
    account = sandbox.SandboxStore().account(remote.account.account_id)
    with pytest.raises(sandbox.SandboxError) as exc:
        sandbox.SandboxStore().decide(account, tx, approve=False, reason="")
    assert exc.value.code == "reason_required"


@pytest.mark.django_db
def test_a_submission_without_a_decision_never_approves(remote):  # noqa: F811
    """What Enter in the old shared form sent: the reason, and no button."""
    waiting(remote)
    client, url, _page, tx = _phone(remote)
    answer = client.post(
        url, {"ma": remote.account.phone_code, "giao_dich": tx, "ly_do": "nhầm"}
    ).content.decode()
    assert "Hãy bấm" in answer
    assert _pending(remote) == ["pending"]
    client.post(
        url,
        {"ma": remote.account.phone_code, "giao_dich": tx, "quyet_dinh": "tu-choi", "ly_do": "Sai"},
    )
    assert _pending(remote) == []
    assert sandbox.SandboxStore().status(tx)["status"] == "refused"
