"""The national axis adapter (trục liên thông văn bản quốc gia, VDXP): ASSUMED API.

No public specification of the axis's HTTP API was found (docs/exchange.md,
"Transport"). This adapter follows the operations the axis's published SDKs
are named after (``sendEdoc``, ``getReceivedEdocList``, ``getEdoc``,
``updateStatus``) with the shapes below; everything about the wire is in
this one module, so adjusting it to the real axis touches nothing else:

- every call carries headers ``from: <our agency code>`` and ``secret:
  <credential>``; JSON answers ``{"status": "OK", ...}`` or ``{"status":
  "FAIL", "ErrorCode": ..., "ErrorDesc": ...}``;
- ``POST sendEdoc``: the package's bytes, headers ``messagetype`` (``edoc``
  or ``status``), ``to`` (comma-separated codes) and ``messageid``; answers
  ``{"status": "OK", "DocId": ..., "duplicate": bool}``;
- ``GET getReceivedEdocList?messagetype=all&limit=N``: ``{"status": "OK",
  "data": [{"DocId", "From", "MessageId", "MessageType"}]}``;
- ``GET getEdoc?docId=…``: ``{"status": "OK", "data": <base64>}``;
- ``POST updateStatus``: ``{"docId": …, "status": "done"}``, after which the
  axis no longer lists the package.

Should the axis ignore ``messageid``, a retried send may reach the receiver
twice: it is the same stored bytes, which ``package_receive`` keeps once.
"""

from __future__ import annotations

import base64
import binascii
import json
import urllib.error
import urllib.parse
import urllib.request

from . import Leased, TransportError


class AxisTransport:
    def __init__(self, *, endpoint: str, agency_code: str, credential: str, timeout: float):
        self.base_url = endpoint.rstrip("/") + "/"
        self.agency_code = agency_code
        self.credential = credential
        self.timeout = timeout

    def _call(self, method: str, path: str, *, body: bytes | None = None, headers=None) -> dict:
        request = urllib.request.Request(
            self.base_url + path,
            data=body,
            method=method,
            headers={"from": self.agency_code, "secret": self.credential, **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            retryable = error.code >= 500 or error.code == 429
            raise TransportError(
                f"axis_http_{error.code}",
                error.read()[:200].decode(errors="replace"),
                retryable=retryable,
            ) from error
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise TransportError("axis_unreachable", str(error), retryable=True) from error
        try:
            answer = json.loads(raw)
        except ValueError as error:
            raise TransportError(
                "axis_bad_answer", raw[:200].decode(errors="replace"), retryable=True
            ) from error
        if str(answer.get("status", "")).upper() != "OK":
            raise TransportError(
                f"axis_{answer.get('ErrorCode') or 'refused'}",
                str(answer.get("ErrorDesc") or ""),
                retryable=False,
            )
        return answer

    def send(self, content: bytes, *, message_id: str, to: list[str], kind: str) -> bool:
        answer = self._call(
            "POST",
            "sendEdoc",
            body=content,
            headers={
                "Content-Type": "application/xml",
                "messagetype": kind,
                "to": ",".join(to),
                "messageid": message_id,
            },
        )
        return bool(answer.get("duplicate"))

    def lease(self, limit: int) -> list[Leased]:
        query = urllib.parse.urlencode({"messagetype": "all", "limit": int(limit)})
        answer = self._call("GET", f"getReceivedEdocList?{query}")
        return [
            Leased(
                id=str(item["DocId"]),
                agency=self.agency_code,
                sender=str(item.get("From", "")),
                message_id=str(item.get("MessageId", "")),
                kind=str(item.get("MessageType", "edoc")),
            )
            for item in answer.get("data") or []
        ]

    def fetch(self, leased: Leased) -> bytes:
        query = urllib.parse.urlencode({"docId": leased.id})
        answer = self._call("GET", f"getEdoc?{query}")
        try:
            return base64.b64decode(answer.get("data") or "", validate=True)
        except (binascii.Error, ValueError) as error:
            raise TransportError("axis_bad_answer", leased.id, retryable=True) from error

    def acknowledge(self, leased: Leased) -> None:
        body = json.dumps({"docId": leased.id, "status": "done"}).encode()
        self._call("POST", "updateStatus", body=body, headers={"Content-Type": "application/json"})
