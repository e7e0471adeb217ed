"""Remote-signing providers (ký số từ xa): the signer's key stays with a signing service.

This is how most Vietnamese officials sign today (VNPT SmartCA, Viettel
MySign, ...): congvu sends the service a digest for the signer's account, the
holder approves (or refuses) on the phone, and congvu polls until the service
answers with the signature value and the certificate chain, or says the
request was refused or expired.

A provider is a class registered under a key (:func:`register`), chosen by
``CONGVU_SIGNING_REMOTE_PROVIDER`` and configured with
``CONGVU_SIGNING_REMOTE_URL``, ``..._CLIENT_ID``, ``..._CLIENT_SECRET`` and
``..._HTTP_TIMEOUT``. Each real service needs its own class (their JSON
differs); ``"sandbox"`` speaks the API of the sandbox service shipped in the
project (``sandbox.py``). Every failure is a :class:`RemoteSigningError` with
a stable ``code``.
"""

from __future__ import annotations

import base64
import datetime
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from congvu.core.errors import ServiceError

PENDING, APPROVED, REFUSED, EXPIRED = "pending", "approved", "refused", "expired"


class RemoteSigningError(ServiceError):
    """The remote-signing service could not do what was asked (``code`` says why)."""

    status = 502


def unreachable(detail: str = "") -> RemoteSigningError:
    return RemoteSigningError(
        _("Không kết nối được dịch vụ ký số từ xa; thử lại sau. %(detail)s") % {"detail": detail},
        code="remote_unreachable",
    )


@dataclass(frozen=True)
class Started:
    """A signing request the service accepted."""

    transaction_id: str
    expires_at: datetime.datetime | None


@dataclass(frozen=True)
class Outcome:
    """What the service says about a request now."""

    state: str  # PENDING, APPROVED, REFUSED or EXPIRED
    signature: bytes = b""
    certificates: tuple[bytes, ...] = field(default_factory=tuple)
    reason: str = ""


class RemoteProvider(ABC):
    """The operations every remote-signing service offers."""

    key = ""
    verbose_name = ""

    @abstractmethod
    def account_certificates(self, account: str) -> tuple[bytes, ...]:
        """The account's certificate chain (DER, leaf first); ``remote_account_unknown`` if none."""

    @abstractmethod
    def start(self, *, account: str, digest: bytes, description: str) -> Started:
        """Ask the holder of ``account`` to sign the SHA-256 ``digest``."""

    @abstractmethod
    def status(self, transaction_id: str) -> Outcome:
        """Where the request stands; the signature value once approved."""

    @property
    def phone_url_template(self) -> str:
        """Where a holder approves requests, when the provider has a web page for it ("" if not)."""
        return ""


_PROVIDERS: dict[str, type[RemoteProvider]] = {}


def register(key: str):
    """Register a provider class under ``key`` (decorator)."""

    def decorator(cls: type[RemoteProvider]) -> type[RemoteProvider]:
        cls.key = key
        _PROVIDERS[key] = cls
        return cls

    return decorator


def registered_providers() -> dict[str, type[RemoteProvider]]:
    return dict(_PROVIDERS)


def get_provider(key: str | None = None) -> RemoteProvider:
    key = key or getattr(settings, "CONGVU_SIGNING_REMOTE_PROVIDER", "sandbox")
    try:
        return _PROVIDERS[key]()
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"Unknown CONGVU_SIGNING_REMOTE_PROVIDER {key!r}; known: {sorted(_PROVIDERS)}"
        ) from exc


# --- transports: real HTTP, or the sandbox in-process (demo without a URL) ---


class _HttpTransport:
    def __init__(self, base_url: str, auth: tuple[str, str], timeout: float):
        self.base_url, self.auth, self.timeout = base_url.rstrip("/") + "/", auth, timeout

    def __call__(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        import requests

        try:
            response = requests.request(
                method,
                self.base_url + path,
                json=body,
                auth=self.auth,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise unreachable(type(exc).__name__) from exc
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, {}


class _WsgiTransport:
    """Calls a WSGI application directly: same requests and answers, no socket."""

    def __init__(self, app, auth: tuple[str, str]):
        self.app, self.auth = app, auth

    def __call__(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        import io

        data = json.dumps(body).encode() if body is not None else b""
        token = base64.b64encode(":".join(self.auth).encode()).decode()
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": "/" + path,
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(data)),
            "HTTP_AUTHORIZATION": f"Basic {token}",
            "wsgi.input": io.BytesIO(data),
        }
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])

        payload = b"".join(self.app(environ, start_response))
        return answer["status"], json.loads(payload or b"{}")


def _when(value) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    return datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC)


@register("sandbox")
class SandboxProvider(RemoteProvider):
    """The project's sandbox service (``signatures/sandbox.py``), over HTTP or in-process."""

    verbose_name = _("Dịch vụ ký số từ xa thử nghiệm (sandbox)")

    def __init__(self):
        from . import sandbox

        client_id = getattr(settings, "CONGVU_SIGNING_REMOTE_CLIENT_ID", "congvu")
        auth = (client_id, sandbox.sandbox_secret())
        url = getattr(settings, "CONGVU_SIGNING_REMOTE_URL", "")
        if url:
            timeout = getattr(settings, "CONGVU_SIGNING_REMOTE_HTTP_TIMEOUT", 10)
            self.call = _HttpTransport(url, auth, timeout)
        elif getattr(settings, "CONGVU_SIGNING_SANDBOX", False):
            self.call = _WsgiTransport(sandbox.application, auth)
        else:
            raise RemoteSigningError(
                _("Chưa cấu hình dịch vụ ký số từ xa (SIGNING_REMOTE_URL)."),
                code="remote_not_configured",
            )

    def _checked(self, status: int, body: dict) -> dict:
        if status == 401:
            raise RemoteSigningError(
                _("Dịch vụ ký số từ xa không chấp nhận tài khoản kết nối của hệ thống."),
                code="remote_unauthorized",
            )
        if status == 404 and body.get("error") == "account_not_found":
            raise RemoteSigningError(
                _("Dịch vụ ký số từ xa không có tài khoản ký này."),
                code="remote_account_unknown",
                field="remote_account",
            )
        if status >= 500 or status not in (200, 202):
            raise RemoteSigningError(
                _("Dịch vụ ký số từ xa trả lời lỗi (%(status)s: %(error)s).")
                % {"status": status, "error": body.get("error", "")},
                code="remote_error",
            )
        return body

    def account_certificates(self, account: str) -> tuple[bytes, ...]:
        body = self._checked(*self.call("GET", f"api/accounts/{account}"))
        try:
            return tuple(base64.b64decode(c) for c in body["certificates"])
        except (KeyError, TypeError, ValueError) as exc:
            raise _bad_answer() from exc

    def start(self, *, account: str, digest: bytes, description: str) -> Started:
        body = self._checked(
            *self.call(
                "POST",
                "api/sign",
                {
                    "account": account,
                    "digest": base64.b64encode(digest).decode(),
                    "digest_algorithm": "sha256",
                    "description": description,
                },
            )
        )
        try:
            return Started(str(body["transaction_id"]), _when(body.get("expires_at")))
        except KeyError as exc:
            raise _bad_answer() from exc

    def status(self, transaction_id: str) -> Outcome:
        body = self._checked(*self.call("GET", f"api/sign/{transaction_id}"))
        state = body.get("status")
        try:
            if state == APPROVED:
                return Outcome(
                    APPROVED,
                    signature=base64.b64decode(body["signature"]),
                    certificates=tuple(base64.b64decode(c) for c in body.get("certificates", ())),
                )
            if state in (PENDING, REFUSED, EXPIRED):
                return Outcome(state, reason=str(body.get("reason", "")))
        except (KeyError, TypeError, ValueError) as exc:
            raise _bad_answer() from exc
        raise _bad_answer()

    @property
    def phone_url_template(self) -> str:
        return "/sandbox/ky-so/dien-thoai/{account}/"


def _bad_answer() -> RemoteSigningError:
    return RemoteSigningError(
        _("Dịch vụ ký số từ xa trả lời không đúng định dạng."), code="remote_bad_response"
    )
