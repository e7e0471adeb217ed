"""Callback verification: signature, freshness, reference, amount, replay, idempotency."""

import datetime
import json

from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.audit.models import AuditRecord
from congvu.onestop.constants import DossierStatus
from congvu.payments import sandbox, services
from congvu.payments.constants import PaymentStatus
from congvu.payments.models import PaymentCallback, ReceiptCounter

pytestmark = pytest.mark.django_db
URL = "/thanh-toan/callback/sandbox/"


def post(client, body, headers):
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )


@pytest.fixture
def payment(dossier, citizen):
    return services.payment_start(actor=citizen, dossier=dossier)


def test_url_name():
    assert reverse("payments:callback", args=["sandbox"]) == URL


def test_valid_callback_applies(client, payment, dossier):
    body, headers = sandbox.build_callback(payment, "success", transaction_id="SBX1")
    resp = post(client, body, headers)
    assert resp.status_code == 200 and resp.json() == {"ok": True, "outcome": "applied"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and payment.provider_transaction_id == "SBX1"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    cb = PaymentCallback.objects.get()
    assert (
        cb.raw_body == body.decode()
        and cb.headers["X-Sandbox-Signature"] == headers["X-Sandbox-Signature"]
    )


def test_forged_signature_changes_nothing_and_is_logged(client, payment, dossier):
    body, _ = sandbox.build_callback(payment, "success")
    forged = {"X-Sandbox-Signature": sandbox.sign(body, b"not-the-secret")}
    resp = post(client, body, forged)
    assert resp.status_code == 400 and resp.json()["outcome"] == "bad_signature"
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    cb = PaymentCallback.objects.get()
    assert (cb.outcome, cb.signature_valid, cb.payment) == ("bad_signature", False, payment)
    assert AuditRecord.objects.filter(action="congvu.payments.callback.bad_signature").exists()


def test_missing_signature_and_tampered_body(client, payment):
    body, headers = sandbox.build_callback(payment, "success")
    assert post(client, body, {}).json()["outcome"] == "bad_signature"
    tampered = body.replace(b'"amount":58000', b'"amount":1')
    assert tampered != body
    assert post(client, tampered, headers).json()["outcome"] == "bad_signature"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_stale_callback_rejected(client, payment):
    old = timezone.now() - datetime.timedelta(minutes=10)
    body, headers = sandbox.build_callback(payment, "success", when=old)
    resp = post(client, body, headers)
    assert resp.json()["outcome"] == "stale"
    future = timezone.now() + datetime.timedelta(minutes=10)
    assert (
        post(client, *sandbox.build_callback(payment, "success", when=future)).json()["outcome"]
        == "stale"
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert PaymentCallback.objects.filter(outcome="stale", signature_valid=True).count() == 2


def test_amount_mismatch_rejected(client, payment, dossier):
    payment.amount = 1_000  # what a forger would like to pay, signed with the right key
    body, headers = sandbox.build_callback(payment, "success")
    payment.refresh_from_db()
    resp = post(client, body, headers)
    assert resp.status_code == 400 and resp.json()["outcome"] == "amount_mismatch"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert AuditRecord.objects.filter(action="congvu.payments.callback.amount_mismatch").exists()


def test_unknown_reference_and_malformed(client, payment):
    payment.reference = "TTNOPE"
    body, headers = sandbox.build_callback(payment, "success")
    assert post(client, body, headers).json()["outcome"] == "unknown_reference"
    junk = b"not json"
    assert (
        post(client, junk, {"X-Sandbox-Signature": sandbox.sign(junk)}).json()["outcome"]
        == "malformed"
    )
    odd = json.dumps({"reference": "x"}).encode()
    assert post(client, odd, {"X-Sandbox-Signature": sandbox.sign(odd)}).status_code == 400


def test_replayed_callback_changes_nothing(client, payment, dossier):
    body, headers = sandbox.build_callback(payment, "success", transaction_id="SBX9")
    post(client, body, headers)
    payment.refresh_from_db()
    first = (payment.status, payment.receipt_number, payment.paid_at)
    resp = post(client, body, headers)
    assert resp.status_code == 200 and resp.json()["outcome"] == "duplicate"
    payment.refresh_from_db()
    assert (payment.status, payment.receipt_number, payment.paid_at) == first
    assert ReceiptCounter.objects.get().last == 1
    replay = PaymentCallback.objects.get(outcome="duplicate")
    assert replay.replay is True
    assert AuditRecord.objects.filter(action="congvu.payments.callback.duplicate").count() == 1


def test_succeeded_payment_never_flips(client, payment):
    post(client, *sandbox.build_callback(payment, "success", transaction_id="A1"))
    resp = post(client, *sandbox.build_callback(payment, "failure", transaction_id="A2"))
    assert resp.json()["outcome"] == "ignored_final"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and payment.provider_transaction_id == "A1"


def test_failed_payment_does_not_become_paid_by_later_callback(client, payment, dossier):
    post(client, *sandbox.build_callback(payment, "failure", transaction_id="F1"))
    post(client, *sandbox.build_callback(payment, "success", transaction_id="F2"))
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert dossier.status == DossierStatus.AWAITING_PAYMENT


def test_callback_view_refuses_get(client):
    assert client.get(URL).status_code == 405


def test_secret_derived_from_secret_key(settings):
    settings.CONGVU_PAYMENT_SANDBOX_SECRET = ""
    derived = sandbox.secret()
    assert derived != settings.SECRET_KEY.encode() and len(derived) == 32
    settings.SECRET_KEY = "another-key-" * 5
    assert sandbox.secret() != derived
