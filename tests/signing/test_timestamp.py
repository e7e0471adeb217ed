"""With a TSA configured, both signatures carry an RFC 3161 timestamp (PAdES B-T).

The TSA is a real HTTP server in the test process answering
application/timestamp-query with pyHanko's time-stamping responder, signed by a
TSA certificate of the test CA.
"""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from congvu.core.errors import ServiceError
from congvu.files.services import file_open_verified
from congvu.signatures import pki
from congvu.signatures.validation import validate_pdf
from tests.outgoing.helpers import approved, issued


@pytest.fixture
def tsa(ca):
    cert, key = pki.issue_tsa(ca)
    responder = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    served = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            answer = responder.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            served.append(self.headers["Content-Type"])
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", served
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_signatures_are_timestamped_by_the_configured_tsa(settings, signing, tsa):
    url, served = tsa
    settings.CONGVU_SIGNING_TSA_URL = url
    doc = issued(signing)
    with file_open_verified(doc.issued_file) as handle:
        reports = validate_pdf(handle.read())
    # pyHanko may ask once more to size the signature; every request is a real RFC 3161 query.
    assert len(served) >= 2 and set(served) == {"application/timestamp-query"}
    assert len(reports) == 2 and all(r.ok for r in reports)
    assert all(r.timestamped_at is not None for r in reports)


@pytest.mark.django_db
def test_unreachable_tsa_issues_nothing(settings, signing):
    settings.CONGVU_SIGNING_TSA_URL = "http://127.0.0.1:9/"
    doc = approved(signing)
    from congvu.outgoing import services

    with pytest.raises(ServiceError) as err:
        services.document_issue(actor=signing.clerk, document=doc)
    assert err.value.code == "signing_failed"
    doc.refresh_from_db()
    assert doc.number is None and not doc.issued_file_id
