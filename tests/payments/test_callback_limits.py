"""The anonymous callback endpoint is bounded: per-address throttle, body cap, junk kept once a window.

Junk (a bad signature, a body that is not a message, a reference no payment
has) must not cost a stored body and an audit row per request: the first one
in a window is kept, the rest only counted, and the count goes with the next
kept one. Genuine callbacks are never held back by someone else's junk.
"""

import json

from django.utils import timezone

import pytest

from congvu.audit.models import AuditRecord
from congvu.payments import guard, sandbox, services
from congvu.payments.constants import PaymentStatus
from congvu.payments.models import PaymentCallback

pytestmark = pytest.mark.django_db
URL = "/thanh-toan/callback/sandbox/"


def post(client, body: bytes, headers=None, *, addr="203.0.113.9"):
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={k: v for k, v in (headers or {}).items() if k != "Content-Type"},
        REMOTE_ADDR=addr,
    )


def callback_audits():
    return AuditRecord.objects.filter(action__startswith="congvu.payments.callback.")


@pytest.fixture
def payment(dossier, citizen):
    return services.payment_start(actor=citizen, dossier=dossier)


def forged(n: int) -> tuple[bytes, dict]:
    body = json.dumps({"reference": f"TT{n:06d}", "transaction_id": f"X{n}"}).encode()
    return body, {"X-Sandbox-Signature": "0" * 64}


def test_junk_is_stored_once_a_window_and_counted(client, db):
    for n in range(25):
        response = post(client, *forged(n))
        assert response.status_code == 400
        assert response.json() == {"ok": False, "outcome": "bad_signature"}
    assert PaymentCallback.objects.count() == 1
    assert callback_audits().count() == 1
    # The window ends: the next one is kept, with how many were only counted.
    guard.end_window("sandbox", "bad_signature")
    post(client, *forged(99))
    assert PaymentCallback.objects.count() == 2
    latest = callback_audits().order_by("-pk").first()
    assert latest.after["suppressed"] == 24


@pytest.mark.parametrize("kind", ["unknown_reference", "malformed"])
def test_signed_junk_naming_no_payment_is_bounded_too(client, db, kind):
    for n in range(10):
        if kind == "unknown_reference":
            body = json.dumps(
                {
                    "reference": f"TTNOPE{n}",
                    "transaction_id": f"T{n}",
                    "amount": 1,
                    "result": "success",
                    "timestamp": int(timezone.now().timestamp()),
                }
            ).encode()
        else:
            body = f"not json {n}".encode()
        response = post(client, body, {"X-Sandbox-Signature": sandbox.sign(body)})
        assert response.json()["outcome"] == kind
    assert PaymentCallback.objects.count() == 1
    assert callback_audits().count() == 1


def test_oversized_body_is_refused_unstored(client, db, settings):
    settings.CONGVU_PAYMENT_CALLBACK_MAX_BYTES = 1024
    body = b'{"reference":"' + b"A" * 4000 + b'"}'
    response = post(client, body, {"X-Sandbox-Signature": sandbox.sign(body)})
    assert response.status_code == 413
    assert response.json() == {"ok": False, "outcome": "too_large"}
    assert PaymentCallback.objects.count() == 0 and callback_audits().count() == 0


def test_stored_body_never_exceeds_the_cap(db, settings):
    settings.CONGVU_PAYMENT_CALLBACK_MAX_BYTES = 1024
    body = b'{"reference":"' + b"A" * 4000 + b'"}'
    services.payment_callback_process(
        provider=sandbox.SandboxProvider(), body=body, headers={}, remote_addr="203.0.113.9"
    )
    assert len(PaymentCallback.objects.get().raw_body) == 1024


def test_one_address_is_throttled_not_the_gateway(client, payment, settings):
    settings.CONGVU_PAYMENT_CALLBACK_LIMIT_PER_IP = 5
    for n in range(5):
        assert post(client, *forged(n)).status_code == 400
    response = post(client, *forged(6))
    assert response.status_code == 429
    assert response.json() == {"ok": False, "outcome": "throttled"}
    assert PaymentCallback.objects.count() == 1
    # The gateway posts from its own address and is applied.
    body, headers = sandbox.build_callback(payment, "success", transaction_id="SBX1")
    response = post(client, body, headers, addr="198.51.100.7")
    assert response.json() == {"ok": True, "outcome": "applied"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED


def test_genuine_callbacks_are_each_kept(client, payment):
    body, headers = sandbox.build_callback(payment, "success", transaction_id="SBX1")
    for _ in range(3):
        post(client, body, headers, addr="198.51.100.7")
    # Signed by the gateway: applied once, then duplicates, each one kept for disputes.
    assert PaymentCallback.objects.filter(signature_valid=True).count() == 3
    assert callback_audits().filter(action="congvu.payments.callback.duplicate").count() == 2
