"""The axis adapter against a small in-test server speaking the API it assumes (axis.py)."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from congvu.events.dispatch import dispatch
from congvu.exchange.models import DeliveryStatus, ReceivedPackage
from congvu.exchange.services.sending import exchange_poll
from congvu.exchange.transport import TransportError, transport_for
from tests.outgoing.helpers import issued

from .test_transport import A_CODE, B_CODE, B_NAME, world  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

SECRETS = {A_CODE: "bi-mat-a", B_CODE: "bi-mat-b"}


class FakeAxis:
    """Stores packages per recipient; lists them until ``updateStatus``; dedupes by messageid."""

    def __init__(self):
        self.packages: dict[str, dict] = {}
        self.by_message: dict[tuple[str, str], str] = {}
        self.fail_next: int | None = None


def handler_for(axis: FakeAxis):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, payload: dict):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _caller(self):
            code = self.headers.get("from", "")
            if SECRETS.get(code) != self.headers.get("secret"):
                self._answer(200, {"status": "FAIL", "ErrorCode": "auth", "ErrorDesc": "Sai"})
                return None
            if axis.fail_next:
                status, axis.fail_next = axis.fail_next, None
                self._answer(status, {"status": "FAIL"})
                return None
            return code

        def do_POST(self):
            caller = self._caller()
            if caller is None:
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            url = urlparse(self.path)
            if url.path.endswith("/sendEdoc"):
                key = (caller, self.headers["messageid"])
                if key in axis.by_message:
                    return self._answer(
                        200, {"status": "OK", "DocId": axis.by_message[key], "duplicate": True}
                    )
                for to in self.headers["to"].split(","):
                    doc_id = uuid.uuid4().hex
                    axis.packages[doc_id] = {
                        "to": to,
                        "from": caller,
                        "data": body,
                        "done": False,
                        "message_id": self.headers["messageid"],
                        "kind": self.headers["messagetype"],
                    }
                    axis.by_message[key] = doc_id
                return self._answer(200, {"status": "OK", "DocId": doc_id})
            if url.path.endswith("/updateStatus"):
                doc_id = json.loads(body)["docId"]
                package = axis.packages.get(doc_id)
                if package is None or package["to"] != caller:
                    return self._answer(200, {"status": "FAIL", "ErrorCode": "notfound"})
                package["done"] = True
                return self._answer(200, {"status": "OK"})
            self._answer(404, {"status": "FAIL"})

        def do_GET(self):
            caller = self._caller()
            if caller is None:
                return
            url = urlparse(self.path)
            query = parse_qs(url.query)
            if url.path.endswith("/getReceivedEdocList"):
                data = [
                    {
                        "DocId": k,
                        "From": p["from"],
                        "MessageId": p["message_id"],
                        "MessageType": p["kind"],
                    }
                    for k, p in axis.packages.items()
                    if p["to"] == caller and not p["done"]
                ]
                return self._answer(200, {"status": "OK", "data": data})
            if url.path.endswith("/getEdoc"):
                package = axis.packages.get(query["docId"][0])
                if package is None or package["to"] != caller:
                    return self._answer(200, {"status": "FAIL", "ErrorCode": "notfound"})
                data = base64.b64encode(package["data"]).decode()
                return self._answer(200, {"status": "OK", "data": data})
            self._answer(404, {"status": "FAIL"})

    return Handler


@pytest.fixture
def axis(world, settings):  # noqa: F811
    state = FakeAxis()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CONGVU_EXCHANGE_TRANSPORT = "axis"
    settings.CONGVU_EXCHANGE_ENDPOINT = f"http://127.0.0.1:{server.server_port}/api/"
    settings.CONGVU_EXCHANGE_AGENCIES = dict(SECRETS)
    yield state
    server.shutdown()
    server.server_close()


def test_a_document_and_its_status_travel_over_the_axis(world, axis):  # noqa: F811
    a, _b = world
    document = issued(a, recipients=[{"external_name": B_NAME}])
    dispatch()
    assert [p["to"] for p in axis.packages.values()] == [B_CODE]
    exchange_poll()  # B takes the document in (01 goes back), A takes the 01
    dispatch()
    exchange_poll()
    package = ReceivedPackage.objects.get(kind="edoc")
    assert package.summary["code"] == document.number_notation
    assert list(
        DeliveryStatus.objects.filter(outgoing_document=document).values_list(
            "status_code", flat=True
        )
    ) == ["01"]
    assert all(p["done"] for p in axis.packages.values())


def test_a_resend_under_the_same_message_id_is_a_duplicate(world, axis):  # noqa: F811
    transport = transport_for(A_CODE)
    assert transport.send(b"<edXML/>", message_id="m-1", to=[B_CODE], kind="edoc") is False
    assert transport.send(b"<edXML/>", message_id="m-1", to=[B_CODE], kind="edoc") is True
    [offered] = transport_for(B_CODE).lease(10)
    assert transport_for(B_CODE).fetch(offered) == b"<edXML/>"
    assert offered.sender == A_CODE and offered.message_id == "m-1"


def test_refusals_and_outages_say_whether_to_retry(world, axis, settings):  # noqa: F811
    settings.CONGVU_EXCHANGE_AGENCIES = {A_CODE: "sai"}
    with pytest.raises(TransportError) as error:
        transport_for(A_CODE).lease(10)
    assert error.value.code == "axis_auth" and not error.value.retryable
    settings.CONGVU_EXCHANGE_AGENCIES = dict(SECRETS)
    axis.fail_next = 503
    with pytest.raises(TransportError) as error:
        transport_for(A_CODE).lease(10)
    assert error.value.code == "axis_http_503" and error.value.retryable
