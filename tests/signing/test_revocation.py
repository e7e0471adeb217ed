"""Revocation: B-LT signatures embed OCSP and CRL answers; verification says good / revoked / unknown.

The test CA's OCSP responder and CRL are a real HTTP server in the test
process, answering with responses the CA signs (``pki.ocsp_response_der``,
``pki.crl_der``); the certificates name them (AIA, CRL distribution point).
"""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.urls import reverse

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from congvu.files.services import file_open_verified
from congvu.signatures import pki, services
from congvu.signatures.models import KeyKind
from congvu.signatures.pades import AGENCY_FIELD, SIGNER_FIELD
from congvu.signatures.validation import Revocation, validate_pdf
from tests.outgoing.helpers import issued
from tests.signing.conftest import PASSWORD


class Responder:
    """The CA's OCSP responder (POST /ocsp) and CRL (GET /crl) over local HTTP."""

    def __init__(self, ca):
        self.ca = ca
        self.issued = {}
        self.requests = []
        responder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                responder.requests.append(("crl", self.path))
                self._answer(pki.crl_der(responder.ca), "application/pkix-crl")

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                responder.requests.append(("ocsp", self.headers["Content-Type"]))
                answer = pki.ocsp_response_der(responder.ca, body, responder.issued)
                self._answer(answer, "application/ocsp-response")

            def _answer(self, data, content_type):
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        base = f"http://127.0.0.1:{self.server.server_port}"
        self.ocsp_url, self.crl_url = f"{base}/ocsp", f"{base}/crl/ca.crl"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        if self.thread.is_alive():
            self.server.shutdown()
        self.server.server_close()

    def pkcs12(self, common_name: str, org: str, *, ocsp: bool = True) -> bytes:
        data = pki.issue_pkcs12(
            self.ca,
            common_name,
            org,
            PASSWORD,
            ocsp_url=self.ocsp_url if ocsp else "",
            crl_url=self.crl_url,
        )
        _key, cert, _chain = pkcs12.load_key_and_certificates(data, PASSWORD.encode())
        self.issued[cert.serial_number] = cert
        return data

    def revoke(self, common_name: str) -> None:
        from cryptography.x509.oid import NameOID

        for cert in self.issued.values():
            if cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == common_name:
                pki.revoke(self.ca, cert)


@pytest.fixture
def responder(ca):
    running = Responder(ca).start()
    yield running
    running.stop()


LEADER = "Nguyễn Thị Hồng Nhung"


def register_revocable_keys(admin, responder, commune):
    services.signing_key_register(
        actor=admin,
        unit=commune.unit,
        kind=KeyKind.PERSON,
        user=commune.leader,
        pkcs12_data=responder.pkcs12(LEADER, commune.unit.name),
        password=PASSWORD,
        image=pki.signature_png("nhung"),
    )
    services.signing_key_register(
        actor=admin,
        unit=commune.unit,
        kind=KeyKind.AGENCY,
        # The agency's CA publishes a CRL only: both kinds of answer get exercised.
        pkcs12_data=responder.pkcs12(commune.unit.name, commune.unit.name, ocsp=False),
        password=PASSWORD,
        image=pki.seal_png(),
    )


@pytest.fixture
def revocable(settings, admin, ca, commune, responder):
    """PAdES on, the CA trusted; the keys' certificates name the running responder."""
    settings.CONGVU_SIGNER = "pades"
    services.trust_anchor_add(actor=admin, name="Test CA", certificate_pem=ca.pem)
    register_revocable_keys(admin, responder, commune)
    return commune


def issued_pdf(commune) -> bytes:
    doc = issued(commune)
    with file_open_verified(doc.issued_file) as handle:
        return handle.read()


def dss_contents(data: bytes) -> tuple[int, int]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(data)))
    return len(dss.ocsps), len(dss.crls)


@pytest.mark.django_db
def test_b_lt_signatures_embed_ocsp_and_crl(settings, revocable, responder):
    settings.CONGVU_SIGNING_EMBED_REVOCATION = True
    data = issued_pdf(revocable)
    ocsps, crls = dss_contents(data)
    assert ocsps >= 1 and crls >= 1  # the leader's OCSP answer, the CRL for the agency
    assert {kind for kind, _ in responder.requests} == {"ocsp", "crl"}
    # With the responder gone, the embedded answers alone say "good".
    responder.stop()
    reports = validate_pdf(data, fetch=False)
    assert [r.field for r in reports] == [SIGNER_FIELD, AGENCY_FIELD]
    assert all(r.ok and r.revocation == Revocation.GOOD for r in reports), reports


@pytest.mark.django_db
def test_without_b_lt_no_validation_info_is_embedded(revocable):
    from pyhanko.sign.validation.dss import NoDSSFoundError

    data = issued_pdf(revocable)
    with pytest.raises(NoDSSFoundError):
        dss_contents(data)
    # Not embedded, not fetched: the revocation status is not known, the signatures still hold.
    reports = validate_pdf(data, fetch=False)
    assert all(r.ok and r.revocation == Revocation.UNKNOWN for r in reports), reports
    # Fetched from the responder: good.
    reports = validate_pdf(data, fetch=True)
    assert all(r.ok and r.revocation == Revocation.GOOD for r in reports), reports


@pytest.mark.django_db
def test_revoked_signer_certificate_shows_as_revoked(client, revocable, responder):
    data = issued_pdf(revocable)
    responder.revoke(LEADER)
    leader, agency = validate_pdf(data, fetch=True)
    assert leader.revocation == Revocation.REVOKED and leader.revoked and not leader.ok
    assert agency.revocation == Revocation.GOOD and agency.ok


@pytest.mark.django_db
def test_revoked_signer_is_shown_revoked_on_the_incoming_page(
    client, revocable, responder, django_capture_on_commit_callbacks
):
    from congvu.files.models import SignatureStatus
    from congvu.incoming.models import IncomingDocument
    from tests.outgoing.conftest import make_commune

    other = make_commune("An Qui")
    responder.revoke(LEADER)
    with django_capture_on_commit_callbacks(execute=True):
        issued(revocable, recipients=[{"unit": other.unit}])
    incoming = IncomingDocument.objects.get(unit=other.unit)
    client.force_login(other.clerk)
    page = client.get(reverse("incoming:detail", args=[incoming.pk])).content.decode()
    assert f"chứng thư số của {LEADER} đã bị thu hồi" in page
    assert f"Chữ ký số: hợp lệ — {revocable.unit.name}, " in page
    assert "(đã kiểm tra: chứng thư chưa bị thu hồi)" in page
    listing = client.get(reverse("incoming:list")).content.decode()
    assert "Chứng thư đã bị thu hồi" in listing
    from congvu.files.models import StoredFile

    stored = StoredFile.objects.get(owner_type="incoming.incomingdocument", owner_id=incoming.pk)
    assert stored.signature_status == SignatureStatus.REVOKED


@pytest.mark.django_db
def test_unreachable_responder_leaves_the_status_unknown(settings, admin, ca, commune):
    settings.CONGVU_SIGNER = "pades"
    services.trust_anchor_add(actor=admin, name="Test CA", certificate_pem=ca.pem)
    gone = Responder(ca)  # never started: nothing answers at its address
    gone.stop()
    register_revocable_keys(admin, gone, commune)
    reports = validate_pdf(issued_pdf(commune), fetch=True)
    assert len(reports) == 2
    assert all(r.ok and r.revocation == Revocation.UNKNOWN for r in reports), reports
