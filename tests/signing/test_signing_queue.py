"""The văn thư's "Chờ ký số" queue and counters; refused and expired signatures named as such."""

import datetime
import re

from django.urls import reverse

import pytest
import time_machine

from congvu.outgoing import selectors, services
from congvu.outgoing.constants import Status
from congvu.web.mywork import counters_for
from tests.signing.test_remote import waiting
from tests.signing.test_remote_page import answer_on_phone, remote, status  # noqa: F401


def _three(c):
    """One still pending, one refused, one expired (answered through the real flow)."""
    expired = waiting(c)
    with time_machine.travel(
        datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=301)
    ):
        services.document_signing_poll(document=expired)
    refused = waiting(c)
    answer_on_phone(c, "tu-choi", "Sai số liệu ở Điều 2")
    services.document_signing_poll(document=refused)
    pending = waiting(c)
    return pending, refused, expired


def _counts(user) -> dict:
    return {c.key: c.count for c in counters_for(user)}


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


@pytest.mark.django_db
def test_clerk_has_a_queue_with_refused_and_expired_first(client, remote):  # noqa: F811
    pending, refused, expired = _three(remote)
    client.force_login(remote.clerk)
    html = client.get(reverse("outgoing:list"), {"tab": "signing"}).content.decode()
    rows = _rows(html)
    assert len(rows) == 3
    # Refused and expired (needing the văn thư) first, highlighted; the pending one after.
    assert 'data-signing-problem="expired"' in rows[0] and "Yêu cầu ký số hết hạn" in rows[0]
    assert 'data-signing-problem="refused"' in rows[1] and "Ký số bị từ chối" in rows[1]
    assert "Chờ ký số" in rows[2] and "data-signing-problem" not in rows[2]
    attention = {d.pk for d in selectors.signing_attention(actor=remote.clerk)}
    assert attention == {refused.pk, expired.pk}
    counts = _counts(remote.clerk)
    assert counts["outgoing_signing_attention"] == 2
    assert counts["outgoing_awaiting_signature"] == 3
    home = client.get(reverse("web:home")).content.decode()
    assert 'data-counter="outgoing_signing_attention"' in home
    assert "?tab=signing" in home
    # Other officials get neither the counters nor the documents in the queue.
    assert "outgoing_signing_attention" not in _counts(remote.specialist)
    assert selectors.awaiting_signature(actor=remote.specialist).count() == 0


@pytest.mark.django_db
def test_list_and_document_page_name_a_refusal_and_an_expiry(client, remote):  # noqa: F811
    pending, refused, expired = _three(remote)
    client.force_login(remote.clerk)
    html = client.get(reverse("outgoing:list")).content.decode()  # "Tất cả"
    assert "Ký số bị từ chối" in html and "Yêu cầu ký số hết hạn" in html
    for doc, label in (
        (refused, "Ký số bị từ chối"),
        (expired, "Yêu cầu ký số hết hạn"),
        (pending, "Chờ ký số"),
    ):
        page = client.get(reverse("outgoing:detail", args=[doc.pk])).content.decode()
        shown = re.search(r'<span id="trang-thai-van-ban"[^>]*>(.*?)</span>\s*</dd>', page, re.S)
        assert label in shown.group(1), (doc.pk, shown.group(1))
    # After a retry it waits again.
    services.document_signing_retry(actor=remote.clerk, document=refused)
    page = client.get(reverse("outgoing:detail", args=[refused.pk])).content.decode()
    assert "Ký số bị từ chối" not in page.split("<h2")[0]
    assert _counts(remote.clerk)["outgoing_signing_attention"] == 1


@pytest.mark.django_db
def test_the_polled_fragment_updates_the_status_line(client, remote):  # noqa: F811
    doc = waiting(remote)
    client.force_login(remote.clerk)
    answer_on_phone(remote, "tu-choi", "Sai tên người nhận")
    fragment = status(client, doc).content.decode()
    assert 'id="trang-thai-van-ban" hx-swap-oob="true"' in fragment
    assert "Ký số bị từ chối" in fragment
    assert doc.__class__.objects.get(pk=doc.pk).status == Status.SIGNING


@pytest.mark.django_db
def test_api_lists_the_queue(remote):  # noqa: F811
    from rest_framework.test import APIClient

    pending, refused, expired = _three(remote)
    client = APIClient()
    client.force_authenticate(remote.clerk)
    data = client.get("/api/v1/outgoing-documents/", {"tab": "signing"}).json()
    results = data["results"] if isinstance(data, dict) else data
    assert {d["id"] for d in results} == {pending.pk, refused.pk, expired.pk}


@pytest.mark.django_db
def test_the_inbox_has_the_signing_queue_for_the_clerk_refused_and_expired_first(
    client,
    remote,  # noqa: F811
):
    pending, refused, expired = _three(remote)
    client.force_login(remote.clerk)
    html = client.get(reverse("inbox:home"), {"tab": "signing"}).content.decode()
    rows = re.findall(r'<tr data-item="outgoing-(\d+)">(.*?)</tr>', html, re.S)
    assert [int(pk) for pk, _row in rows] == [expired.pk, refused.pk, pending.pk]
    assert 'data-signing-problem="expired"' in rows[0][1] and "Yêu cầu ký số hết hạn" in rows[0][1]
    assert 'data-signing-problem="refused"' in rows[1][1] and "Ký số bị từ chối" in rows[1][1]
    assert "Chờ ký số" in rows[2][1] and "data-signing-problem" not in rows[2][1]
    # Both home counters open that tab of the inbox, with the counts of the queue.
    home = client.get(reverse("web:home")).content.decode()
    for key in ("outgoing_signing_attention", "outgoing_awaiting_signature"):
        card = re.search(rf'data-counter="{key}">\s*<a href="([^"]+)"', home).group(1)
        assert card == f"{reverse('inbox:home')}?tab=signing"
    counts = _counts(remote.clerk)
    assert counts["outgoing_awaiting_signature"] == 3 and counts["outgoing_signing_attention"] == 2
    # Only the văn thư, who can send again or void, has the tab.
    client.force_login(remote.specialist)
    assert "tab=signing" not in client.get(reverse("inbox:home")).content.decode()
