"""Remote signing (ký số từ xa) against the sandbox service over real HTTP.

The sandbox runs as a WSGI server on a socket in the test process, with its
own key store in a temporary directory; the leader's key is only there. The
holder's "phone" is driven through the sandbox's phone page over HTTP. No
crypto is mocked: the issued PDF is checked with the project's validator.
"""

import datetime
import io
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.core.management import call_command

import pytest
import requests
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

from congvu.audit.models import AuditRecord
from congvu.core.errors import ServiceError
from congvu.files.services import file_open_verified
from congvu.outgoing import services
from congvu.outgoing.constants import DeliveryStatus, Status
from congvu.outgoing.models import OutgoingDocument
from congvu.registry.constants import NumberStatus
from congvu.registry.models import IssuedNumber
from congvu.signatures import pki, sandbox
from congvu.signatures.models import KeyKind, RemoteRequestStatus, RemoteSigningRequest
from congvu.signatures.pades import AGENCY_FIELD, SIGNER_FIELD
from congvu.signatures.services import signing_key_register_remote, trust_anchor_add
from congvu.signatures.validation import validate_pdf
from tests.outgoing.helpers import approved
from tests.signing.conftest import PASSWORD, register_keys


class _Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def sandbox_service(settings, tmp_path):
    """The sandbox service on a real socket; congvu configured to call it over HTTP."""
    settings.CONGVU_SIGNING_SANDBOX = True
    settings.CONGVU_SIGNING_SANDBOX_DIR = str(tmp_path / "ky-so-sandbox")
    settings.CONGVU_SIGNING_SANDBOX_TIMEOUT = 300
    store = sandbox.SandboxStore()
    server = make_server(
        "127.0.0.1",
        0,
        lambda environ, start: sandbox.application(environ, start, store),
        server_class=_Threading,
        handler_class=_Quiet,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/"
    settings.CONGVU_SIGNING_REMOTE_URL = url
    yield store, url
    server.shutdown()
    server.server_close()


def enrol(store, ca, name, unit_name):
    """The provider's enrolment of a signer (out of band): an account holding a new key."""
    data = pki.issue_pkcs12(ca, name, unit_name, PASSWORD)
    account = store.create_account(pkcs12_data=data, password=PASSWORD, name=name)
    return account


def setup_remote(settings, admin, ca, commune, store, url):
    """PAdES on; the leader's key at the sandbox service, the agency's a local PKCS#12."""
    settings.CONGVU_SIGNER = "pades"
    trust_anchor_add(actor=admin, name="Test CA", certificate_pem=ca.pem)
    register_keys(admin, ca, commune, person=False)
    account = enrol(store, ca, "Nguyễn Thị Hồng Nhung", commune.unit.name)
    signing_key_register_remote(
        actor=admin,
        unit=commune.unit,
        user=commune.leader,
        account=account.account_id,
        certificate_der=account.certificates[0],
        image=pki.signature_png("nhung"),
    )
    commune.account = account
    commune.url = url
    return commune


@pytest.fixture
def remote(settings, admin, ca, commune, sandbox_service):
    store, url = sandbox_service
    return setup_remote(settings, admin, ca, commune, store, url)


def phone(c, decision: str, reason: str = "") -> requests.Response:
    """The holder answers the only pending request on the sandbox's phone page."""
    page = f"{c.url}dien-thoai/{c.account.account_id}/"
    pending = sandbox.SandboxStore().pending(c.account.account_id)
    assert len(pending) == 1, pending
    return requests.post(
        page,
        data={
            "ma": c.account.phone_code,
            "giao_dich": pending[0]["transaction_id"],
            "quyet_dinh": decision,
            "ly_do": reason,
        },
        timeout=10,
    )


RECIPIENTS = [
    {"external_name": "Công ty Điện lực", "external_address": "Thạnh Phú", "kind": "main"}
]


def waiting(c) -> OutgoingDocument:
    doc = approved(c, recipients=RECIPIENTS)
    return services.document_issue(actor=c.clerk, document=doc)


def reload(doc) -> OutgoingDocument:
    return OutgoingDocument.objects.get(pk=doc.pk)


def actions(doc) -> list[str]:
    return list(
        AuditRecord.objects.filter(object_id=str(doc.pk), action__startswith="congvu.outgoing.")
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_issue_with_remote_key_waits_numbered_for_the_phone(remote):
    doc = waiting(remote)
    assert doc.status == Status.SIGNING
    assert doc.number == 1 and doc.number_notation.startswith("01/")
    assert doc.issued_file_id is None
    issued = IssuedNumber.objects.get(pk=doc.issued_number_id)
    assert issued.status != NumberStatus.VOIDED and issued.object_id == str(doc.pk)
    assert doc.recipients.filter(delivery_status=DeliveryStatus.PENDING).exists()
    request = RemoteSigningRequest.objects.get()
    assert request.status == RemoteRequestStatus.PENDING
    # The service holds only a digest of the signed attributes, never the document.
    pending = sandbox.SandboxStore().pending(remote.account.account_id)
    assert len(pending) == 1 and pending[0]["transaction_id"] == request.transaction_id
    assert "congvu.outgoing.document.signing_requested" in actions(doc)
    # Nothing answered yet: polling changes nothing.
    assert services.document_signing_poll(document=doc).status == Status.SIGNING


@pytest.mark.django_db
def test_approval_issues_with_two_valid_signatures(remote):
    doc = waiting(remote)
    answer = phone(remote, "dong-y")
    assert answer.status_code == 200
    doc = services.document_signing_poll(document=doc)
    assert doc.status == Status.ISSUED
    with file_open_verified(doc.issued_file) as handle:
        reports = validate_pdf(handle.read())
    assert [r.field for r in reports] == [SIGNER_FIELD, AGENCY_FIELD]
    assert all(r.ok for r in reports), reports
    assert reports[0].signer == "Nguyễn Thị Hồng Nhung"
    assert not doc.recipients.filter(delivery_status=DeliveryStatus.PENDING).exists()
    assert RemoteSigningRequest.objects.get().status == RemoteRequestStatus.COMPLETED
    assert actions(doc)[-1] == "congvu.outgoing.document.issued"


@pytest.mark.django_db
def test_polling_twice_after_approval_issues_once(remote):
    doc = waiting(remote)
    phone(remote, "dong-y")
    first = services.document_signing_poll(document=doc)
    second = services.document_signing_poll(document=doc)
    assert first.issued_file_id == second.issued_file_id
    assert actions(doc).count("congvu.outgoing.document.issued") == 1
    assert IssuedNumber.objects.count() == 1


@pytest.mark.django_db
def test_refusal_keeps_the_number_and_says_why(remote):
    doc = waiting(remote)
    phone(remote, "tu-choi", "Sai tên người nhận")
    doc = services.document_signing_poll(document=doc)
    assert doc.status == Status.SIGNING and doc.number == 1
    request = RemoteSigningRequest.objects.get()
    assert request.status == RemoteRequestStatus.REFUSED
    assert request.reason == "Sai tên người nhận"
    assert "congvu.outgoing.document.signing_refused" in actions(doc)
    # The refused document is not issued by a later poll either.
    assert services.document_signing_poll(document=doc).status == Status.SIGNING


@pytest.mark.django_db
def test_unanswered_request_expires_after_the_timeout(remote):
    doc = waiting(remote)
    with time_machine.travel(
        datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=301)
    ):
        doc = services.document_signing_poll(document=doc)
    assert doc.status == Status.SIGNING
    request = RemoteSigningRequest.objects.get()
    assert request.status == RemoteRequestStatus.EXPIRED
    assert "congvu.outgoing.document.signing_expired" in actions(doc)
    # Too late to approve on the phone.
    with time_machine.travel(
        datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=301)
    ):
        assert sandbox.SandboxStore().pending(remote.account.account_id) == []


@pytest.mark.django_db
def test_retry_after_refusal_issues_with_the_same_number(remote):
    doc = waiting(remote)
    phone(remote, "tu-choi", "Chưa đọc kỹ")
    services.document_signing_poll(document=doc)
    with pytest.raises(ServiceError) as err:
        services.document_signing_retry(actor=remote.specialist, document=doc)
    assert err.value.code == "permission_denied"
    services.document_signing_retry(actor=remote.clerk, document=doc)
    # A second retry while the new request is pending is refused.
    with pytest.raises(ServiceError) as err:
        services.document_signing_retry(actor=remote.clerk, document=doc)
    assert err.value.code == "remote_pending"
    phone(remote, "dong-y")
    doc = services.document_signing_poll(document=doc)
    assert doc.status == Status.ISSUED and doc.number == 1
    assert IssuedNumber.objects.count() == 1
    assert RemoteSigningRequest.objects.filter(status=RemoteRequestStatus.COMPLETED).count() == 1
    assert "congvu.outgoing.document.signing_retried" in actions(doc)
    with file_open_verified(doc.issued_file) as handle:
        assert all(r.ok for r in validate_pdf(handle.read()))


@pytest.mark.django_db
def test_void_after_refusal_voids_the_number_and_approves_again(remote):
    doc = waiting(remote)
    number = doc.issued_number
    with pytest.raises(ServiceError) as err:
        services.document_signing_void(actor=remote.clerk, document=doc, reason="Lãnh đạo đi vắng")
    assert err.value.code == "remote_pending"  # still waiting for the phone
    phone(remote, "tu-choi", "Lãnh đạo đi công tác")
    services.document_signing_poll(document=doc)
    with pytest.raises(ServiceError) as err:
        services.document_signing_void(actor=remote.clerk, document=doc, reason=" ")
    assert err.value.code == "required"
    doc = services.document_signing_void(
        actor=remote.clerk, document=doc, reason="Lãnh đạo đi vắng"
    )
    assert doc.status == Status.APPROVED and doc.number is None and not doc.number_notation
    number.refresh_from_db()
    assert number.status == NumberStatus.VOIDED and "Lãnh đạo đi vắng" in number.void_reason
    # What the register reads: the reason and the trích yếu, no internal id.
    assert number.void_reason == (
        f"Lãnh đạo đi vắng (hủy số của văn bản chưa ký xong: “{doc.subject[:80]}”)"
    )
    assert (number.object_type, number.object_id) == ("", "")  # released in the same step
    assert "congvu.outgoing.document.number_voided" in actions(doc)
    # Issued again later: the next number, never the voided one.
    phone_free = services.document_issue(actor=remote.clerk, document=doc)
    assert phone_free.status == Status.SIGNING and phone_free.number == 2


@pytest.mark.django_db
def test_periodic_job_issues_approved_documents(remote):
    from congvu.outgoing.tasks import poll_remote_signatures

    doc = waiting(remote)
    assert poll_remote_signatures.apply().get() == 0
    phone(remote, "dong-y")
    # Embedded mode: the same job through run_periodic (cron), by its schedule name.
    out = io.StringIO()
    call_command("run_periodic", only=["remote-signatures"], stdout=out)
    assert (
        "remote-signatures (congvu.outgoing.tasks.poll_remote_signatures): OK 1" in out.getvalue()
    )
    assert reload(doc).status == Status.ISSUED
    assert poll_remote_signatures.apply().get() == 0


@pytest.mark.django_db
def test_unreachable_service_rolls_the_issuance_back(settings, remote):
    doc = approved(remote)
    settings.CONGVU_SIGNING_REMOTE_URL = "http://127.0.0.1:9/"
    with pytest.raises(ServiceError) as err:
        services.document_issue(actor=remote.clerk, document=doc)
    assert err.value.code == "remote_unreachable"
    doc = reload(doc)
    assert doc.status == Status.APPROVED and doc.number is None
    assert not IssuedNumber.objects.exists()
    assert not RemoteSigningRequest.objects.exists()
    # Back online: the first number is still the next one.
    settings.CONGVU_SIGNING_REMOTE_URL = remote.url
    assert services.document_issue(actor=remote.clerk, document=doc).number == 1


@pytest.mark.django_db
def test_unreachable_service_while_waiting_changes_nothing(settings, remote):
    doc = waiting(remote)
    settings.CONGVU_SIGNING_REMOTE_URL = "http://127.0.0.1:9/"
    with pytest.raises(ServiceError) as err:
        services.document_signing_poll(document=doc)
    assert err.value.code == "remote_unreachable"
    assert services.remote_signatures_poll() == 0  # the job logs it and goes on
    assert reload(doc).status == Status.SIGNING
    assert RemoteSigningRequest.objects.get().status == RemoteRequestStatus.PENDING


@pytest.mark.django_db
def test_registration_checks_the_account_and_its_certificate(remote, admin, ca):
    store = sandbox.SandboxStore()
    with pytest.raises(ServiceError) as err:
        signing_key_register_remote(
            actor=admin,
            unit=remote.unit,
            user=remote.deputy,
            account="khong-co",
            certificate_der=remote.account.certificates[0],
        )
    assert err.value.code == "remote_account_unknown"
    other = enrol(store, ca, "Người khác", remote.unit.name)
    with pytest.raises(ServiceError) as err:
        signing_key_register_remote(
            actor=admin,
            unit=remote.unit,
            user=remote.deputy,
            account=other.account_id,
            certificate_der=remote.account.certificates[0],
        )
    assert err.value.code == "remote_certificate_mismatch"
    with pytest.raises(ServiceError) as err:
        signing_key_register_remote(
            actor=remote.clerk,
            unit=remote.unit,
            user=remote.deputy,
            account=other.account_id,
            certificate_der=other.certificates[0],
        )
    assert err.value.code == "permission_denied"
    key = signing_key_register_remote(
        actor=admin,
        unit=remote.unit,
        user=remote.deputy,
        account=other.account_id,
        certificate_der=other.certificates[0],
    )
    assert key.is_remote and key.kind == KeyKind.PERSON and not bytes(key.pkcs12)
    cert = x509.load_der_x509_certificate(other.certificates[0])
    assert key.serial == format(cert.serial_number, "x")


@pytest.mark.django_db
def test_a_signature_from_another_key_is_never_embedded(remote, ca):
    """A service answering with a signature by some other key: refused, nothing issued."""
    doc = waiting(remote)
    store = sandbox.SandboxStore()
    request = RemoteSigningRequest.objects.get()
    # The account's key is swapped at the service (a compromised or confused provider).
    account = store.account(remote.account.account_id)
    rogue = pki.issue_pkcs12(ca, "Kẻ khác", remote.unit.name, PASSWORD)
    account["pkcs12"] = sandbox.b64(rogue)
    store._write("accounts", account["id"], account)
    store.decide(account, request.transaction_id, approve=True)
    doc = services.document_signing_poll(document=doc)
    assert doc.status == Status.SIGNING and doc.issued_file_id is None
    request.refresh_from_db()
    assert request.status == RemoteRequestStatus.REFUSED
    _key, cert, _extra = pkcs12.load_key_and_certificates(rogue, PASSWORD.encode())
    assert cert.public_bytes(Encoding.DER) != remote.account.certificates[0]


@pytest.mark.django_db
def test_api_refuses_a_client_without_the_secret(remote):
    answer = requests.get(f"{remote.url}api/accounts/{remote.account.account_id}", timeout=10)
    assert answer.status_code == 401
    answer = requests.get(
        f"{remote.url}api/accounts/{remote.account.account_id}",
        auth=("congvu", "sai"),
        timeout=10,
    )
    assert answer.status_code == 401
    page = requests.get(
        f"{remote.url}dien-thoai/{remote.account.account_id}/", params={"ma": "sai"}, timeout=10
    )
    assert page.status_code == 403
