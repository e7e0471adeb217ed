"""Bounds on the anonymous callback endpoint (``/thanh-toan/callback/…``).

Anyone can POST there, so nothing an anonymous sender does may cost the
database a row per request:

- a per-address throttle over all callbacks (``CONGVU_PAYMENT_CALLBACK_LIMIT_PER_IP``
  per ``CONGVU_PAYMENT_CALLBACK_WINDOW_SECONDS``), answered 429 before anything is read;
- a body cap (``CONGVU_PAYMENT_CALLBACK_MAX_BYTES``), answered 413 unstored;
- junk — a bad signature, a body that is not a message, a reference no
  payment has — is kept (``PaymentCallback`` + audit) once per outcome and
  window for the whole site; the others in the window only raise a counter
  in the cache, reported with the next one kept.

Counters live in the shared cache (Redis in production), so they hold across
workers; with the local-memory cache they are per process.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from .constants import CallbackOutcome

logger = logging.getLogger("congvu.payments")

# Outcomes an anonymous sender can cause at will: nothing authentic names a payment.
JUNK_OUTCOMES = frozenset(
    {
        CallbackOutcome.BAD_SIGNATURE,
        CallbackOutcome.MALFORMED,
        CallbackOutcome.UNKNOWN_REFERENCE,
    }
)
# The suppressed count is carried to the next kept record for a day at most.
COUNT_TTL = 24 * 3600


def max_body_bytes() -> int:
    return int(getattr(settings, "CONGVU_PAYMENT_CALLBACK_MAX_BYTES", 16 * 1024))


def _window() -> int:
    return int(getattr(settings, "CONGVU_PAYMENT_CALLBACK_WINDOW_SECONDS", 60))


def _limit() -> int:
    return int(getattr(settings, "CONGVU_PAYMENT_CALLBACK_LIMIT_PER_IP", 120))


def _incr(key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def _addr_key(remote_addr: str) -> str:
    return hashlib.sha256(remote_addr.encode()).hexdigest()[:32]


def throttled(remote_addr: str) -> bool:
    """Count one callback from ``remote_addr``; True once it is over the limit for the window."""
    window = _window()
    digest = _addr_key(remote_addr)
    over = _incr(f"congvu:payments:cb:ip:{digest}", window) > _limit()
    if over and cache.add(f"congvu:payments:cb:ip-logged:{digest}", 1, window):
        logger.warning("payment callbacks throttled for %s", remote_addr)
    return over


def too_large(request) -> bool:
    """True when the body is over the cap; the declared length is checked before reading it."""
    cap = max_body_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    return declared > cap or len(request.body) > cap


def _gate_key(provider: str, outcome: str) -> str:
    return f"congvu:payments:cb:junk:{provider}:{outcome}"


def junk_to_keep(provider: str, outcome: str) -> int | None:
    """Whether a junk callback is kept: None (only counted) or how many were skipped before it."""
    gate = _gate_key(provider, outcome)
    if cache.add(gate, 1, _window()):
        skipped = cache.get(f"{gate}:skipped", 0)
        cache.delete(f"{gate}:skipped")
        return skipped
    _incr(f"{gate}:skipped", COUNT_TTL)
    return None


def end_window(provider: str, outcome: str) -> None:
    """Close the current window of ``outcome`` now (the next junk one is kept)."""
    cache.delete(_gate_key(provider, outcome))
