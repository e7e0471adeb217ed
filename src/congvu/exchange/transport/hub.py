"""The hub transport: congvu's own hub (docs/hub.md) through ``congvu.hub.client``."""

from __future__ import annotations

from congvu.hub.client import HubClient, HubClientError, LeasedPackage

from . import Leased, TransportError


def _error(exc: HubClientError) -> TransportError:
    return TransportError(exc.code, exc.message, retryable=exc.retryable)


class HubTransport:
    """Speaks to ``endpoint`` (``…/truc/v1/``) with the agency's bearer token."""

    def __init__(self, *, endpoint: str, agency_code: str, credential: str, timeout: float):
        self.agency_code = agency_code
        self.client = HubClient(endpoint, credential, timeout=timeout)

    def send(self, content: bytes, *, message_id: str, to: list[str], kind: str) -> bool:
        try:
            return self.client.send(content, message_id=message_id, to=to, kind=kind)
        except HubClientError as exc:
            raise _error(exc) from exc

    def lease(self, limit: int) -> list[Leased]:
        try:
            packages = self.client.lease(limit)
        except HubClientError as exc:
            raise _error(exc) from exc
        return [
            Leased(
                id=p.id,
                agency=self.agency_code,
                sender=p.sender,
                message_id=p.message_id,
                kind=p.kind,
                handle=p,
            )
            for p in packages
        ]

    def fetch(self, leased: Leased) -> bytes:
        package: LeasedPackage = leased.handle
        try:
            return self.client.fetch(package)
        except HubClientError as exc:
            raise _error(exc) from exc

    def acknowledge(self, leased: Leased) -> None:
        try:
            self.client.acknowledge(leased.handle)
        except HubClientError as exc:
            raise _error(exc) from exc
