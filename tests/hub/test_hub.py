"""The local exchange hub (/truc/v1/): agencies, sending, leasing, acknowledging (issue 14)."""

import datetime
import hashlib
import io

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

import pytest
import time_machine

from congvu.hub.models import HubAgency, HubMessage
from congvu.hub.services import HubError, hub_agency_add, token_digest

pytestmark = pytest.mark.django_db

URL = "/truc/v1/goi-tin/"
PACKAGE = "<edXML:edXMLEnvelope>gói tin thử</edXML:edXMLEnvelope>".encode()


@pytest.fixture
def agencies():
    made = {}
    for key, code, name in [
        ("tinh", "000.00.00.H57", "UBND tỉnh Vĩnh Long"),
        ("xa", "000.00.31.H57", "UBND xã Thạnh Phú"),
        ("khac", "000.00.33.H57", "UBND xã An Hiệp"),
    ]:
        made[key] = hub_agency_add(code=code, name=name)
    return made


def auth(agencies, key):
    return {"Authorization": f"Bearer {agencies[key][1]}"}


def send(client, agencies, key, body=PACKAGE, message_id="vb-1", to="000.00.31.H57", kind="edoc"):
    headers = {**auth(agencies, key), "X-Message-Id": message_id, "X-To": to, "X-Kind": kind}
    return client.post(URL, data=body, content_type="application/xml", headers=headers)


def lease(client, agencies, key):
    response = client.get(URL, headers=auth(agencies, key))
    assert response.status_code == 200
    return response.json()["packages"]


def test_an_agency_code_must_have_13_characters_and_the_token_is_stored_hashed():
    with pytest.raises(HubError) as error:
        hub_agency_add(code="000.00.31", name="UBND xã")
    assert error.value.code == "agency_code_invalid" and error.value.errors[0].field == "code"
    agency, token = hub_agency_add(code="000.00.31.h57", name="UBND xã Thạnh Phú")
    assert agency.code == "000.00.31.H57"
    assert agency.token_digest == token_digest(token) and token not in agency.token_digest
    with pytest.raises(HubError) as error:
        hub_agency_add(code="000.00.31.H57", name="Lần nữa")
    assert error.value.code == "agency_exists"


def test_without_a_valid_token_nothing_is_answered(client, agencies):
    assert client.get(URL).json()["code"] == "hub_unauthorized"
    response = client.get(URL, headers={"Authorization": "Bearer sai"})
    assert response.status_code == 401 and response.json()["code"] == "hub_unauthorized"
    HubAgency.objects.filter(code="000.00.31.H57").update(is_active=False)
    assert client.get(URL, headers=auth(agencies, "xa")).status_code == 401


def test_a_package_reaches_each_recipient_and_nobody_else(client, agencies):
    response = send(client, agencies, "tinh", to="000.00.31.H57,000.00.33.H57")
    assert response.status_code == 201, response.content
    sent = response.json()["packages"]
    assert {p["to"] for p in sent} == {"000.00.31.H57", "000.00.33.H57"}
    assert all(p["sha256"] == hashlib.sha256(PACKAGE).hexdigest() for p in sent)

    mine = lease(client, agencies, "xa")
    assert len(mine) == 1 and mine[0]["from"] == "000.00.00.H57" and mine[0]["message_id"] == "vb-1"
    content = client.get(f"{URL}{mine[0]['id']}/", headers=auth(agencies, "xa"))
    assert content.status_code == 200 and b"".join(content.streaming_content) == PACKAGE
    assert content["X-Sha256"] == mine[0]["sha256"]
    # The sender may read what it sent; a third agency may not even learn it exists.
    assert client.get(f"{URL}{mine[0]['id']}/", headers=auth(agencies, "tinh")).status_code == 200
    assert client.get(f"{URL}{mine[0]['id']}/", headers=auth(agencies, "khac")).status_code == 404
    assert lease(client, agencies, "tinh") == []


def test_sending_again_is_idempotent_and_a_reused_id_is_refused(client, agencies):
    first = send(client, agencies, "tinh").json()["packages"]
    again = send(client, agencies, "tinh")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["packages"] == first
    other = send(client, agencies, "tinh", body=b"<khac/>")
    assert other.status_code == 409 and other.json()["code"] == "message_id_reused"
    assert HubMessage.objects.count() == 1


def test_bad_requests_name_the_field_and_store_nothing(client, agencies, settings):
    before = set(_blobs())
    unknown = send(client, agencies, "tinh", to="000.00.99.H57")
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "recipient_unknown" and unknown.json()["field"] == "to"
    assert "000.00.99.H57" in unknown.json()["message"]
    bad_id = send(client, agencies, "tinh", message_id="có dấu")
    assert bad_id.json()["field"] == "message_id"
    assert send(client, agencies, "tinh", kind="khac").json()["code"] == "kind_invalid"
    assert send(client, agencies, "tinh", body=b"").json()["code"] == "content_empty"
    settings.HUB_MAX_PACKAGE_BYTES = 10
    big = send(client, agencies, "tinh")
    assert big.status_code == 413 and big.json()["code"] == "package_too_large"
    assert not HubMessage.objects.exists()
    assert set(_blobs()) == before


def _blobs():
    found = []
    stack = ["hub"]
    while stack:
        folder = stack.pop()
        if not default_storage.exists(folder):
            continue
        dirs, files = default_storage.listdir(folder)
        stack += [f"{folder}/{d}" for d in dirs]
        found += [f"{folder}/{f}" for f in files]
    return found


def test_an_unacknowledged_package_comes_back_after_its_lease(client, agencies, settings):
    settings.HUB_LEASE_SECONDS = 60
    send(client, agencies, "tinh")
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        first = lease(client, agencies, "xa")
        assert len(first) == 1
        assert lease(client, agencies, "xa") == []  # leased: not offered twice at once
    with time_machine.travel(now + datetime.timedelta(seconds=61), tick=False):
        again = lease(client, agencies, "xa")
    assert [p["id"] for p in again] == [first[0]["id"]]
    assert HubMessage.objects.get().fetch_count == 2


def test_an_acknowledged_package_is_never_offered_again(client, agencies, settings):
    settings.HUB_LEASE_SECONDS = 0
    send(client, agencies, "tinh")
    package = lease(client, agencies, "xa")[0]
    ack_url = f"{URL}{package['id']}/xac-nhan/"
    # Only the recipient acknowledges; the sender gets a 404 like anyone else.
    assert client.post(ack_url, headers=auth(agencies, "tinh")).status_code == 404
    done = client.post(ack_url, headers=auth(agencies, "xa"))
    assert done.status_code == 200
    assert client.post(ack_url, headers=auth(agencies, "xa")).json() == done.json()
    assert lease(client, agencies, "xa") == []


def test_packages_are_leased_oldest_first_in_bounded_batches(client, agencies):
    for n in range(5):
        send(client, agencies, "tinh", message_id=f"vb-{n}")
    batch = client.get(URL + "?limit=3", headers=auth(agencies, "xa")).json()["packages"]
    assert [p["message_id"] for p in batch] == ["vb-0", "vb-1", "vb-2"]
    rest = lease(client, agencies, "xa")
    assert [p["message_id"] for p in rest] == ["vb-3", "vb-4"]


def test_the_command_connects_an_agency_and_prints_its_token_once():
    out = io.StringIO()
    call_command("hub_agency", "add", "000.00.31.H57", "UBND xã Thạnh Phú", stdout=out)
    code, token = out.getvalue().strip().split("\t")
    assert code == "000.00.31.H57"
    assert HubAgency.objects.get().token_digest == token_digest(token)
    listing = io.StringIO()
    call_command("hub_agency", "list", stdout=listing)
    assert token not in listing.getvalue() and "UBND xã Thạnh Phú" in listing.getvalue()
