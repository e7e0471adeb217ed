"""The sandbox gateway: behaves like a real one, with a local "bank" page.

1. ``start`` sends the payer to ``/thanh-toan/sandbox/<reference>/``, where
   they choose success, failure or cancel (:mod:`.views`).
2. The bank then posts, server to server, a JSON body signed with
   HMAC-SHA256 (header ``X-Sandbox-Signature``, hex) to
   ``/thanh-toan/callback/sandbox/``, and sends the browser back to the
   return page. In-process, "posting" is a call of the same service the
   callback view calls, with the same signed bytes.

The shared secret is ``CONGVU_PAYMENT_SANDBOX_SECRET``, or, when empty, a key
derived from ``SECRET_KEY`` (so a fresh install works and nobody has to
invent a secret for a sandbox).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .constants import ProviderResult
from .providers import CallbackRejected, CallbackResult, PaymentProvider

SIGNATURE_HEADER = "X-Sandbox-Signature"


def secret() -> bytes:
    configured = getattr(settings, "CONGVU_PAYMENT_SANDBOX_SECRET", "")
    if configured:
        return configured.encode()
    return hmac.new(
        settings.SECRET_KEY.encode(), b"congvu.payments.sandbox", hashlib.sha256
    ).digest()


def sign(body: bytes, key: bytes | None = None) -> str:
    return hmac.new(key or secret(), body, hashlib.sha256).hexdigest()


def max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "CONGVU_PAYMENT_CALLBACK_MAX_AGE", 300))


def build_callback(
    payment, result: str, *, when=None, transaction_id: str = ""
) -> tuple[bytes, dict]:
    """The body and headers the sandbox bank posts for ``payment``."""
    when = when or timezone.now()
    payload = {
        "reference": payment.reference,
        "transaction_id": transaction_id or "SBX" + secrets.token_hex(8).upper(),
        "amount": payment.amount,
        "result": result,
        "timestamp": int(when.timestamp()),
    }
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(body)}
    return body, headers


class SandboxProvider(PaymentProvider):
    name = "sandbox"
    logged_headers = ("Content-Type", "User-Agent", SIGNATURE_HEADER)

    def start(self, payment) -> str:
        return reverse("payments:sandbox_bank", args=[payment.reference])

    def verify_callback(self, request) -> CallbackResult:
        return self.verify(request.body, request.headers)

    def verify(self, body: bytes, headers, *, now=None) -> CallbackResult:
        signature = headers.get(SIGNATURE_HEADER, "")
        expected = sign(body)
        # Constant time: a forger must not learn the signature byte by byte.
        if not signature or not hmac.compare_digest(expected, str(signature).lower()):
            reference, txn = _peek(body)
            raise CallbackRejected(
                "bad_signature", "signature", reference=reference, transaction_id=txn
            )
        try:
            data = json.loads(body)
            reference = str(data["reference"])
            transaction_id = str(data["transaction_id"])
            amount = int(data["amount"])
            result = str(data["result"])
            sent_at = datetime.datetime.fromtimestamp(int(data["timestamp"]), tz=datetime.UTC)
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            raise CallbackRejected("malformed", f"malformed: {exc}") from exc
        if result not in ProviderResult.values:
            raise CallbackRejected(
                "malformed", "result", reference=reference, transaction_id=transaction_id
            )
        now = now or timezone.now()
        # Freshness both ways: an old message is a replay; one from the future a forgery or bad clock.
        if abs(now - sent_at) > max_age():
            raise CallbackRejected(
                "stale", "timestamp", reference=reference, transaction_id=transaction_id
            )
        return CallbackResult(
            reference=reference,
            transaction_id=transaction_id,
            amount=amount,
            result=result,
            sent_at=sent_at,
            raw=data,
        )


def _peek(body: bytes) -> tuple[str, str]:
    """Reference and transaction id of an unauthenticated body, for the log only."""
    try:
        data = json.loads(body)
        return str(data.get("reference", ""))[:64], str(data.get("transaction_id", ""))[:100]
    except (ValueError, AttributeError):
        return "", ""
