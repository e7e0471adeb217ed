"""Transports (đường truyền liên thông): how packages leave and arrive, behind one interface.

A transport sends a package's bytes to agency codes under a message id the
other side dedupes on, leases the packages waiting for one of our agencies,
fetches their bytes and acknowledges them once stored. Two are built in:
``hub`` (congvu's own hub, docs/hub.md, or any hub speaking its API) and
``axis`` (an HTTP adapter modelled on the national axis, docs/exchange.md).

Which one, where and with which credentials is configuration
(``CONGVU_EXCHANGE_*``): one congvu instance may act for several agencies
(a district and its communes), each with its own code and credential.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class TransportError(Exception):
    """The other end refused the call or could not be reached.

    ``retryable``: no answer, a server error or a throttle (the outbox tries
    again); otherwise the package will never be accepted as it is.
    """

    def __init__(self, code: str, message: str, *, retryable: bool):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True)
class Leased:
    """A package offered to one of our agencies: fetch, store, then acknowledge."""

    id: str
    agency: str
    sender: str
    message_id: str
    kind: str
    #: What the transport needs back to fetch and acknowledge (its own object).
    handle: object = None


class Transport(Protocol):
    def send(self, content: bytes, *, message_id: str, to: list[str], kind: str) -> bool:
        """Send; True when the other end already had this message id (a safe retry)."""

    def lease(self, limit: int) -> list[Leased]: ...

    def fetch(self, leased: Leased) -> bytes: ...

    def acknowledge(self, leased: Leased) -> None: ...


BUILTIN = {
    "hub": "congvu.exchange.transport.hub.HubTransport",
    "axis": "congvu.exchange.transport.axis.AxisTransport",
}


def transport_name() -> str:
    """The configured transport ("" when the instance exchanges nothing electronically)."""
    return (getattr(settings, "CONGVU_EXCHANGE_TRANSPORT", "") or "").strip()


def agencies() -> dict[str, str]:
    """Our agency codes this instance sends and receives for, each with its credential."""
    return dict(getattr(settings, "CONGVU_EXCHANGE_AGENCIES", {}) or {})


def transport_for(agency_code: str) -> Transport | None:
    """The transport acting for ``agency_code``; None when off or the code has no credential."""
    name = transport_name()
    if not name:
        return None
    credential = agencies().get(agency_code)
    if credential is None:
        return None
    endpoint = getattr(settings, "CONGVU_EXCHANGE_ENDPOINT", "")
    if not endpoint:
        raise ImproperlyConfigured("CONGVU_EXCHANGE_ENDPOINT is empty (EXCHANGE_ENDPOINT)")
    cls = import_string(BUILTIN.get(name, name))
    return cls(
        endpoint=endpoint,
        agency_code=agency_code,
        credential=credential,
        timeout=float(getattr(settings, "CONGVU_EXCHANGE_TIMEOUT_SECONDS", 30)),
    )
