"""The hub client against a real hub over HTTP (pytest-django's live server)."""

import pytest

from congvu.hub.client import HubClient, HubClientError
from congvu.hub.services import hub_agency_add

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "<edXML:edXMLEnvelope>Công văn số 12/UBND-VP</edXML:edXMLEnvelope>".encode()


@pytest.fixture
def clients(live_server):
    base = f"{live_server.url}/truc/v1/"
    _tinh, tinh_token = hub_agency_add(code="000.00.00.H57", name="UBND tỉnh Vĩnh Long")
    _xa, xa_token = hub_agency_add(code="000.00.31.H57", name="UBND xã Thạnh Phú")
    return HubClient(base, tinh_token, timeout=10), HubClient(base, xa_token, timeout=10)


def test_send_lease_fetch_acknowledge(clients):
    tinh, xa = clients
    assert tinh.send(PACKAGE, message_id="vb-12", to=["000.00.31.H57"]) is False
    assert tinh.send(PACKAGE, message_id="vb-12", to=["000.00.31.H57"]) is True  # a safe retry
    [package] = xa.lease()
    assert (package.sender, package.message_id, package.kind) == ("000.00.00.H57", "vb-12", "edoc")
    assert xa.fetch(package) == PACKAGE
    xa.acknowledge(package)
    assert xa.lease() == []


def test_refusals_carry_the_hub_code_and_say_whether_to_retry(clients, live_server):
    tinh, _xa = clients
    with pytest.raises(HubClientError) as error:
        tinh.send(PACKAGE, message_id="vb-1", to=["000.00.99.H57"])
    assert error.value.code == "recipient_unknown" and error.value.status == 400
    assert not error.value.retryable
    stranger = HubClient(f"{live_server.url}/truc/v1/", "khong-dung", timeout=10)
    with pytest.raises(HubClientError) as error:
        stranger.lease()
    assert error.value.code == "hub_unauthorized" and not error.value.retryable


def test_an_unreachable_hub_is_retryable():
    # Port 9 (discard) on loopback: nothing listens there in the test machine.
    client = HubClient("http://127.0.0.1:9/truc/v1/", "x", timeout=2)
    with pytest.raises(HubClientError) as error:
        client.lease()
    assert error.value.code == "hub_unreachable" and error.value.retryable
