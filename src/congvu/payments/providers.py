"""The payment provider interface (cổng thanh toán) and its registry.

A provider sends the payer to its gateway (:meth:`PaymentProvider.start`)
and, later, verifies what the gateway posts back
(:meth:`PaymentProvider.verify_callback`). Verification here is only about
the message itself — signature, shape, freshness; whether it matches a
payment (reference, amount, state) is decided by
``services.payment_callback_process`` against the database.

``settings.CONGVU_PAYMENT_PROVIDER`` names the provider in use: a key of
:data:`PROVIDERS` or a dotted path to a :class:`PaymentProvider` subclass.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

PROVIDERS = {"sandbox": "congvu.payments.sandbox.SandboxProvider"}
DEFAULT_PROVIDER = "sandbox"


@dataclass
class CallbackResult:
    """A verified gateway message: which payment, which transaction, what happened."""

    reference: str
    transaction_id: str
    amount: int
    result: str  # constants.ProviderResult
    sent_at: datetime.datetime
    raw: dict = field(default_factory=dict)


class CallbackRejected(Exception):
    """The callback is not a valid message of this provider; ``code`` says why."""

    def __init__(self, code: str, message: str, *, reference: str = "", transaction_id: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.reference = reference
        self.transaction_id = transaction_id


class PaymentProvider(ABC):
    """A payment gateway. Subclasses set ``name`` and implement both methods."""

    name: str = ""
    # Headers kept with each callback (the rest may carry cookies or proxies' noise).
    logged_headers: tuple[str, ...] = ("Content-Type", "User-Agent")

    @abstractmethod
    def start(self, payment) -> str:
        """Return the URL the payer's browser is sent to for ``payment``."""

    @abstractmethod
    def verify_callback(self, request) -> CallbackResult:
        """Parse and authenticate a callback request; raise :class:`CallbackRejected` if invalid."""

    def header_subset(self, headers) -> dict:
        return {name: headers[name] for name in self.logged_headers if name in headers}


def provider_name() -> str:
    return getattr(settings, "CONGVU_PAYMENT_PROVIDER", "") or DEFAULT_PROVIDER


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider called ``name`` (default: the configured one)."""
    name = name or provider_name()
    path = PROVIDERS.get(name, name)
    if "." not in path:
        raise ImproperlyConfigured(f"Unknown payment provider {name!r}")
    cls = import_string(path)
    if not (isinstance(cls, type) and issubclass(cls, PaymentProvider)):
        raise ImproperlyConfigured(f"{path} is not a PaymentProvider")
    return cls()


def provider_for_callback(name: str) -> PaymentProvider | None:
    """The provider a callback URL names, if it is the configured one; None otherwise.

    Only the configured provider takes callbacks: a sandbox endpoint must not
    accept messages on a site that uses a real gateway.
    """
    configured = get_provider()
    return configured if configured.name == name else None
