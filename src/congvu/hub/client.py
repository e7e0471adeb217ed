"""A client of the hub's HTTP API, for an instance that exchanges through a hub.

It speaks to any hub that implements docs/hub.md (congvu's own, or a
province's). Network failures and refusals become :class:`HubClientError`
with the hub's stable code, so the caller (the exchange transport, driven by
the event outbox) can tell "try again later" (``retryable``) from "this
package will never be accepted".
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass


class HubClientError(Exception):
    """The hub refused the call or could not be reached."""

    def __init__(self, code: str, message: str, *, status: int = 0):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    @property
    def retryable(self) -> bool:
        # No answer, a server error or a throttle: the same call may work later.
        return self.status == 0 or self.status >= 500 or self.status == 429


@dataclass(frozen=True)
class LeasedPackage:
    """A package offered to this agency: fetch its bytes, store them, then acknowledge."""

    id: str
    sender: str
    message_id: str
    kind: str
    size: int
    sha256: str


class HubClient:
    """``HubClient(base_url, token)``; ``base_url`` ends at ``/truc/v1/``."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/") + "/"
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, *, body: bytes | None = None, headers=None):
        request = urllib.request.Request(
            self.base_url + path,
            data=body,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                payload = json.loads(raw)
                code, message = payload.get("code", "hub_error"), payload.get("message", "")
            except ValueError:
                code, message = "hub_error", raw[:200].decode(errors="replace")
            raise HubClientError(code, message, status=error.code) from error
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise HubClientError("hub_unreachable", str(error)) from error

    def send(self, content: bytes, *, message_id: str, to: list[str], kind: str = "edoc") -> bool:
        """Send ``content`` to ``to``; True if the hub already had it (a safe retry)."""
        status, _headers, raw = self._call(
            "POST",
            "goi-tin/",
            body=content,
            headers={
                "Content-Type": "application/xml",
                "X-Message-Id": message_id,
                "X-To": ",".join(to),
                "X-Kind": kind,
            },
        )
        return bool(json.loads(raw).get("duplicate"))

    def lease(self, limit: int = 20) -> list[LeasedPackage]:
        _status, _headers, raw = self._call("GET", f"goi-tin/?limit={int(limit)}")
        return [
            LeasedPackage(
                id=p["id"],
                sender=p["from"],
                message_id=p["message_id"],
                kind=p["kind"],
                size=p["size"],
                sha256=p["sha256"],
            )
            for p in json.loads(raw)["packages"]
        ]

    def fetch(self, package: LeasedPackage) -> bytes:
        """The package's bytes, checked against the hash the hub announced."""
        _status, _headers, raw = self._call("GET", f"goi-tin/{package.id}/")
        if hashlib.sha256(raw).hexdigest() != package.sha256:
            raise HubClientError("package_hash_mismatch", package.id, status=502)
        return raw

    def acknowledge(self, package: LeasedPackage) -> None:
        self._call("POST", f"goi-tin/{package.id}/xac-nhan/", body=b"")
