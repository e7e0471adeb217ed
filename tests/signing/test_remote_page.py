"""The "Chờ ký số" pages: the waiting state polled with HTMX, retry and void with confirmation.

Here congvu calls the sandbox in-process (no URL configured, as in the demo)
and the holder answers on the sandbox's phone page mounted at /sandbox/ky-so/.
"""

import re

from django.test import Client
from django.urls import reverse

import pytest

from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from congvu.registry.constants import NumberStatus
from congvu.registry.models import IssuedNumber
from congvu.signatures import sandbox
from congvu.signatures.models import RemoteSigningRequest
from tests.outgoing.helpers import approved
from tests.signing.test_remote import RECIPIENTS, setup_remote, waiting

WAITING = "Đang chờ người ký xác nhận trên điện thoại"


@pytest.fixture
def remote(settings, admin, ca, commune, tmp_path):
    settings.CONGVU_SIGNING_SANDBOX = True
    settings.CONGVU_SIGNING_SANDBOX_DIR = str(tmp_path / "ky-so-sandbox")
    settings.CONGVU_SIGNING_REMOTE_URL = ""
    return setup_remote(settings, admin, ca, commune, sandbox.SandboxStore(), "")


def answer_on_phone(c, decision: str, reason: str = ""):
    """The holder opens the phone page (as a browser would) and answers the pending request."""
    phone = Client()
    url = f"/sandbox/ky-so/dien-thoai/{c.account.account_id}/"
    page = phone.get(url, {"ma": c.account.phone_code}).content.decode()
    transaction = re.search(r'name="giao_dich" value="([0-9a-f]+)"', page).group(1)
    return phone.post(
        url,
        {
            "ma": c.account.phone_code,
            "giao_dich": transaction,
            "quyet_dinh": decision,
            "ly_do": reason,
        },
    )


def status(client, doc):
    return client.get(reverse("outgoing:signing_status", args=[doc.pk]), HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_waiting_page_polls_and_reloads_once_issued(client, remote):
    doc = waiting(remote)
    client.force_login(remote.clerk)
    page = client.get(reverse("outgoing:detail", args=[doc.pk])).content.decode()
    assert WAITING in page and doc.number_notation in page
    assert (
        reverse("outgoing:signing_status", args=[doc.pk]) in page
        and 'hx-trigger="every 5s"' in page
    )
    assert "Gửi lại yêu cầu ký" not in page  # nothing to retry while the phone may answer
    fragment = status(client, doc)
    assert fragment.status_code == 200 and WAITING in fragment.content.decode()
    assert answer_on_phone(remote, "dong-y").status_code == 200
    done = status(client, doc)
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    doc = OutgoingDocument.objects.get(pk=doc.pk)
    assert doc.status == Status.ISSUED
    page = client.get(reverse("outgoing:detail", args=[doc.pk])).content.decode()
    assert "Chữ ký số: hợp lệ — Nguyễn Thị Hồng Nhung, " in page


@pytest.mark.django_db
def test_signer_gets_the_sandbox_phone_link(client, remote):
    doc = waiting(remote)
    client.force_login(remote.leader)
    page = client.get(reverse("outgoing:detail", args=[doc.pk])).content.decode()
    assert f"/sandbox/ky-so/dien-thoai/{remote.account.account_id}/?ma=" in page
    client.force_login(remote.clerk)
    page = client.get(reverse("outgoing:detail", args=[doc.pk])).content.decode()
    assert "/sandbox/ky-so/dien-thoai/" not in page


@pytest.mark.django_db
def test_refusal_shows_the_reason_and_retry_needs_confirmation(client, remote):
    doc = waiting(remote)
    answer_on_phone(remote, "tu-choi", "Sai số liệu ở Điều 2")
    client.force_login(remote.clerk)
    fragment = status(client, doc).content.decode()
    assert "Người ký từ chối" in fragment and "Sai số liệu ở Điều 2" in fragment
    assert "Gửi lại yêu cầu ký" in fragment and "Hủy số" in fragment
    url = reverse("outgoing:signing_retry", args=[doc.pk])
    confirm = client.get(url).content.decode()
    assert 'name="xac_nhan" value="1"' in confirm
    client.post(url)  # not confirmed: nothing sent
    assert RemoteSigningRequest.objects.count() == 1
    response = client.post(url, {"xac_nhan": "1"})
    assert response.status_code == 302
    assert RemoteSigningRequest.objects.filter(status="pending").count() == 1
    # The specialist cannot do it (no button, and the service refuses).
    other = Client()
    other.force_login(remote.specialist)
    answer_on_phone(remote, "tu-choi", "Chưa đúng thể thức")
    status(client, doc)
    other.post(url, {"xac_nhan": "1"})
    assert RemoteSigningRequest.objects.count() == 2


@pytest.mark.django_db
def test_void_needs_confirmation_and_a_reason(client, remote):
    doc = waiting(remote)
    answer_on_phone(remote, "tu-choi", "Chưa đúng thể thức")
    client.force_login(remote.clerk)
    status(client, doc)
    url = reverse("outgoing:signing_void", args=[doc.pk])
    page = client.post(url, {"xac_nhan": "1", "reason": ""}).content.decode()
    assert "Lý do hủy số" in page
    assert OutgoingDocument.objects.get(pk=doc.pk).status == Status.SIGNING
    client.post(url, {"xac_nhan": "1", "reason": "Lãnh đạo đi công tác dài ngày"})
    doc = OutgoingDocument.objects.get(pk=doc.pk)
    assert doc.status == Status.APPROVED and doc.number is None
    issued = IssuedNumber.objects.get()
    assert issued.status == NumberStatus.VOIDED


@pytest.mark.django_db
def test_sandbox_is_not_served_unless_enabled(client, settings, remote):
    url = f"/sandbox/ky-so/dien-thoai/{remote.account.account_id}/"
    assert client.get(url, {"ma": remote.account.phone_code}).status_code == 200
    settings.CONGVU_SIGNING_SANDBOX = False
    assert client.get(url, {"ma": remote.account.phone_code}).status_code == 404


PHONE_STEP = "gửi yêu cầu ký số đến điện thoại của người ký"


@pytest.mark.django_db
def test_issue_confirmation_says_the_request_goes_to_the_phone(client, settings, remote):
    doc = approved(remote, recipients=RECIPIENTS)
    client.force_login(remote.clerk)
    url = reverse("outgoing:issue", args=[doc.pk])
    page = client.get(url).content.decode()
    assert PHONE_STEP in page and "“Chờ ký số”" in page and "giữ số đã cấp" in page
    assert "gửi ngay đến các nơi nhận" not in page  # delivery waits for the signature
    response = client.post(url, {"xac_nhan": "1"}, follow=True)
    assert "văn bản chờ người ký xác nhận ký số trên điện thoại" in response.content.decode()
    assert OutgoingDocument.objects.get(pk=doc.pk).status == Status.SIGNING
    # A signer whose key is local (here: no signing at all) is told what it always was.
    settings.CONGVU_SIGNER = "noop"
    other = approved(remote, recipients=RECIPIENTS)
    page = client.get(reverse("outgoing:issue", args=[other.pk])).content.decode()
    assert PHONE_STEP not in page and "gửi ngay đến các nơi nhận" in page


NOT_ALLOWED = "Bạn không thực hiện được thao tác này với văn bản ở trạng thái hiện tại."


@pytest.mark.django_db
def test_retry_and_void_pages_send_back_unless_the_request_was_answered(client, remote):
    """Issued, or still waiting: the confirm pages do not open (GET) nor act (POST)."""
    doc = waiting(remote)
    client.force_login(remote.clerk)
    pages = [
        reverse("outgoing:signing_retry", args=[doc.pk]),
        reverse("outgoing:signing_void", args=[doc.pk]),
    ]
    detail = reverse("outgoing:detail", args=[doc.pk])
    for url in pages:  # pending: the phone may still answer
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == detail
    answer_on_phone(remote, "dong-y")
    status(client, doc)
    assert OutgoingDocument.objects.get(pk=doc.pk).status == Status.ISSUED
    for url in pages:
        response = client.get(url, follow=True)
        assert response.redirect_chain == [(detail, 302)]
        page = response.content.decode()
        assert NOT_ALLOWED in page and 'name="xac_nhan"' not in page
        response = client.post(url, {"xac_nhan": "1", "reason": "Thử hủy"})
        assert response.status_code == 302 and response["Location"] == detail
    assert OutgoingDocument.objects.get(pk=doc.pk).status == Status.ISSUED
    assert IssuedNumber.objects.get().status != NumberStatus.VOIDED
