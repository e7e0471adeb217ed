"""SIGKILL the app in the middle of an upload, an issuance and a payment callback.

Each test first shows the kill happened where it should (the blob is on disk,
the number was taken) and then that after the restart nothing is half done:
no record without its file or file without its record, no number used twice
or skipped, and the interrupted operation, retried, completes.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest

from congvu.files.models import StoredFile
from congvu.incoming.models import IncomingDocument
from congvu.onestop.constants import DossierStatus, PauseReason
from congvu.onestop.models import ClockPause
from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from congvu.payments import sandbox
from congvu.payments import services as payments
from congvu.payments.constants import CallbackOutcome, PaymentStatus
from congvu.payments.models import Payment, PaymentCallback, ReceiptCounter
from congvu.registry.models import DocumentType, IssuedNumber
from tests.factories import (
    DossierFactory,
    FeeFactory,
    PositionFactory,
    ProcedureVersionFactory,
    UnitFactory,
    UserFactory,
)
from tests.files.builders import pdf_with_text
from tests.outgoing.conftest import make_commune
from tests.outgoing.helpers import approved

from .conftest import InFlight, csrf_token, wait_for_marker
from .invariants import assert_files_consistent, assert_numbers_contiguous, restart_sweep

REGISTER_URL = "/app/van-ban-den/vao-so/"


def _register(app, clerk, unit, number: str, *, with_file: bool = True):
    """Post the paper-registration form (vào sổ văn bản đến) with a scanned PDF."""
    http = app.session(clerk)
    token = csrf_token(http, app.url + REGISTER_URL)
    data = {
        "csrfmiddlewaretoken": token,
        "unit": unit.pk,
        "issuer_name": "Sở Tư pháp tỉnh Vĩnh Long",
        "number_notation": number,
        "document_date": "2026-11-20",
        "document_type": DocumentType.objects.get(code="cong-van").pk,
        "subject": f"V/v hướng dẫn chứng thực, văn bản {number}",
        "urgency": 0,
        "secrecy": 0,
    }
    pdf = pdf_with_text(f"Công văn {number} về chứng thực bản sao điện tử")
    files = {"files": (f"{number.replace('/', '-')}.pdf", pdf, "application/pdf")}
    if not with_file:
        files = {"files": ("", b"", "application/octet-stream")}
    return lambda: http.post(
        app.url + REGISTER_URL, data=data, files=files, timeout=120, allow_redirects=False
    )


def _pair(faults_env, point: str):
    """The app to kill at ``point`` and the one that replaces it after the kill.

    The replacement boots alongside (start-ups overlap) but serves nothing
    before the kill, so for the data it is a restart.
    """
    doomed = faults_env.app(pause_at=point, wait=False)
    restarted = faults_env.app(wait=False)
    doomed.wait_ready()
    restarted.wait_ready()
    return doomed, restarted


def test_kill_during_upload(faults_env):
    commune = make_commune("Thạnh Phú")
    app, restarted = _pair(faults_env, "files.store.after_blob")
    first = _register(app, commune.clerk, commune.unit, "101/STP-HCTP", with_file=False)()
    assert first.status_code == 302, first.text[:2000]
    assert not app.marker.exists(), "a document without a file stores nothing"

    send = _register(app, commune.clerk, commune.unit, "102/STP-HCTP")
    cut = InFlight(send)
    wait_for_marker(app.marker, app.process)
    app.process.kill()
    cut.join()
    assert cut.response is None, "the request must die with the app"

    # Killed after the blob was written and before the row committed: the blob is
    # an orphan, the document and its số đến were rolled back with the transaction.
    assert not IncomingDocument.objects.filter(number_notation="102/STP-HCTP").exists()
    assert len(faults_env.blobs()) == StoredFile.objects.count() + 1
    assert restart_sweep(faults_env.media) == 1
    assert_files_consistent(faults_env.media)
    assert_numbers_contiguous()

    # After the restart the clerk submits again and gets the next number.
    again = _register(restarted, commune.clerk, commune.unit, "102/STP-HCTP")()
    assert again.status_code == 302, again.text[:2000]
    numbers = dict(IncomingDocument.objects.values_list("number_notation", "arrival_number"))
    assert numbers == {"101/STP-HCTP": 1, "102/STP-HCTP": 2}
    assert_files_consistent(faults_env.media)
    assert_numbers_contiguous()


@pytest.mark.parametrize("point", ["outgoing.issue.after_number", "outgoing.issue.before_commit"])
def test_kill_during_issuance(faults_env, point):
    commune = make_commune("Thạnh Phú")
    first, second = approved(commune), approved(commune)
    app, restarted = _pair(faults_env, point)
    api = app.api(commune.clerk)
    issue = f"{app.url}/api/v1/outgoing-documents/{first.pk}/issue/"

    cut = InFlight(lambda: api.post(issue, timeout=120))
    wait_for_marker(app.marker, app.process)
    app.process.kill()
    cut.join()
    assert cut.response is None

    # Nothing of the issuance survived: still approved, no number, no file row.
    doc = OutgoingDocument.objects.get(pk=first.pk)
    assert (doc.status, doc.number, doc.issued_file_id) == (Status.APPROVED, None, None)
    assert not IssuedNumber.objects.exists()
    restart_sweep(faults_env.media)
    assert_files_consistent(faults_env.media)
    assert_numbers_contiguous()

    api = restarted.api(commune.clerk)
    for doc in (first, second):
        url = f"{restarted.url}/api/v1/outgoing-documents/{doc.pk}/issue/"
        response = api.post(url, timeout=120)
        assert response.status_code == 200, response.text[:2000]
    numbers = dict(OutgoingDocument.objects.values_list("pk", "number"))
    assert numbers == {first.pk: 1, second.pk: 2}
    assert StoredFile.objects.filter(purpose="issued").count() == 2
    assert_files_consistent(faults_env.media)
    assert_numbers_contiguous()


@pytest.fixture
def payment(settings):
    settings.CONGVU_PAYMENT_PROVIDER = "sandbox"
    settings.CONGVU_PAYMENT_SANDBOX_SECRET = "bi-mat-thu-nghiem"  # as tests/faults/app_settings
    unit = UnitFactory(commune=True, name="Ủy ban nhân dân xã An Thạnh")
    PositionFactory(unit=unit, role="onestop_officer")
    version = ProcedureVersionFactory(procedure__name="Đăng ký khai sinh")
    FeeFactory(version=version, name="Lệ phí đăng ký", amount=50_000)
    citizen = UserFactory(citizen=True)
    dossier = DossierFactory(
        procedure_version=version,
        status=DossierStatus.AWAITING_PAYMENT,
        applicant=citizen,
        receiving_unit=unit,
    )
    ClockPause.objects.create(
        dossier=dossier, reason=PauseReason.PAYMENT, started_at=dossier.received_at
    )
    return payments.payment_start(actor=citizen, dossier=dossier)


def test_kill_during_payment_callback(faults_env, payment):
    body, headers = sandbox.build_callback(payment, "success", when=timezone.now())
    app, restarted = _pair(faults_env, "payments.callback.before_commit")
    url = f"{app.url}/thanh-toan/callback/sandbox/"
    headers = {**headers, "Content-Type": "application/json"}

    import requests

    cut = InFlight(lambda: requests.post(url, data=body, headers=headers, timeout=120))
    wait_for_marker(app.marker, app.process)
    app.process.kill()
    cut.join()
    assert cut.response is None

    # The bank got no answer; nothing was recorded, no receipt number was taken.
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.receipt_number is None
    assert not PaymentCallback.objects.exists()
    assert not ReceiptCounter.objects.filter(last__gt=0).exists()
    assert payment.dossier.status == DossierStatus.AWAITING_PAYMENT

    # The bank retries the same notification after the restart: applied once, then a duplicate.
    url = f"{restarted.url}/thanh-toan/callback/sandbox/"
    replies = [requests.post(url, data=body, headers=headers, timeout=60) for _ in range(2)]
    assert [r.json()["outcome"] for r in replies] == [
        CallbackOutcome.APPLIED,
        CallbackOutcome.DUPLICATE,
    ], [r.text[:500] for r in replies]
    payment = Payment.objects.get(pk=payment.pk)
    assert (payment.status, payment.receipt_number) == (PaymentStatus.SUCCEEDED, 1)
    assert ReceiptCounter.objects.get().last == 1
    assert payment.dossier.status != DossierStatus.AWAITING_PAYMENT
    assert payment.paid_at is not None
    assert payment.paid_at >= payment.created_at - datetime.timedelta(seconds=1)
