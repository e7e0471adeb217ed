"""The sandbox remote-signing service: behaves like a real one (VNPT SmartCA, Viettel MySign).

Demo and tests only (``CONGVU_SIGNING_SANDBOX``). It is a separate service in
spirit: it keeps its signers' keys and its requests as files under
``CONGVU_SIGNING_SANDBOX_DIR``, never in congvu's database, and it is a plain
WSGI application (:func:`application`) that speaks JSON over HTTP:

- ``GET  api/accounts/<account>`` → the account's certificate chain (leaf first);
- ``POST api/sign`` ``{"account", "digest", "digest_algorithm", "description"}`` →
  202 ``{"transaction_id", "status": "pending", "expires_at"}``;
- ``GET  api/sign/<transaction_id>`` → ``pending``, ``approved`` (with the
  ``signature`` and ``certificates``), ``refused`` (with the ``reason``) or
  ``expired`` (nobody answered within ``CONGVU_SIGNING_SANDBOX_TIMEOUT`` seconds).

API calls authenticate with HTTP Basic (the client id and secret congvu is
configured with). The holder's "phone" is a page, ``dien-thoai/<account>/?ma=<code>``,
listing the pending requests with "Đồng ý ký" and "Từ chối" (two forms; a
refusal needs a reason); the code is the
account's own secret, like the app login of a real service. Binary values are
base64. Congvu mounts the application at ``/sandbox/ky-so/`` (``sandbox_urls``);
tests may also serve it over a real socket.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

PENDING, APPROVED, REFUSED, EXPIRED = "pending", "approved", "refused", "expired"
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


def sandbox_secret() -> str:
    """The client secret the sandbox expects: the configured one, or one derived from SECRET_KEY."""
    configured = getattr(settings, "CONGVU_SIGNING_REMOTE_CLIENT_SECRET", "")
    if configured:
        return configured
    return hmac.new(
        settings.SECRET_KEY.encode(), b"congvu.signatures.sandbox", hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True)
class SandboxAccount:
    """A signer's account at the sandbox service: its id, phone code and certificate chain."""

    account_id: str
    phone_code: str
    certificates: tuple[bytes, ...]


class SandboxError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class SandboxStore:
    """Accounts (with their PKCS#12 keys) and requests as JSON files; one lock for writes."""

    def __init__(self, directory: str | Path | None = None):
        self.root = Path(directory or settings.CONGVU_SIGNING_SANDBOX_DIR)

    def _path(self, kind: str, name: str) -> Path:
        if not _ID.match(name):
            raise SandboxError(404, "not_found", "unknown id")
        return self.root / kind / f"{name}.json"

    def _read(self, kind: str, name: str) -> dict:
        try:
            return json.loads(self._path(kind, name).read_text())
        except FileNotFoundError as exc:
            raise SandboxError(404, f"{kind[:-1]}_not_found", f"unknown {kind[:-1]}") from exc

    def _write(self, kind: str, name: str, data: dict) -> None:
        path = self._path(kind, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_text(json.dumps(data))
        partial.replace(path)

    @contextlib.contextmanager
    def _locked(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    # --- accounts (made out of band, like a real provider's enrolment) ---
    def create_account(self, *, pkcs12_data: bytes, password: str, name: str) -> SandboxAccount:
        from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

        _key, cert, extra = pkcs12.load_key_and_certificates(pkcs12_data, password.encode())
        chain = [cert.public_bytes(Encoding.DER)] + [c.public_bytes(Encoding.DER) for c in extra]
        account = SandboxAccount(
            account_id=uuid.uuid4().hex[:16],
            phone_code=secrets.token_urlsafe(12),
            certificates=tuple(chain),
        )
        with self._locked():
            self._write(
                "accounts",
                account.account_id,
                {
                    "id": account.account_id,
                    "name": name,
                    "phone_code": account.phone_code,
                    "pkcs12": b64(pkcs12_data),
                    "password": password,
                    "certificates": [b64(c) for c in chain],
                },
            )
        return account

    def account(self, account_id: str) -> dict:
        return self._read("accounts", account_id)

    # --- the API ---
    def start(self, *, account_id: str, digest: bytes, description: str) -> dict:
        self.account(account_id)
        if len(digest) != 32:
            raise SandboxError(400, "bad_digest", "digest must be a SHA-256 value")
        now = time.time()
        request = {
            "transaction_id": uuid.uuid4().hex,
            "account": account_id,
            "digest": b64(digest),
            "description": description[:255],
            "created_at": now,
            "expires_at": now + settings.CONGVU_SIGNING_SANDBOX_TIMEOUT,
            "status": PENDING,
            "reason": "",
            "signature": "",
        }
        with self._locked():
            self._write("requests", request["transaction_id"], request)
        return request

    def status(self, transaction_id: str) -> dict:
        with self._locked():
            request = self._read("requests", transaction_id)
            if request["status"] == PENDING and time.time() >= request["expires_at"]:
                request["status"] = EXPIRED
                self._write("requests", transaction_id, request)
        return request

    # --- the phone ---
    def check_phone(self, account_id: str, code: str) -> dict:
        account = self.account(account_id)
        if not hmac.compare_digest(account["phone_code"], code or ""):
            raise SandboxError(403, "forbidden", "wrong phone code")
        return account

    def pending(self, account_id: str) -> list[dict]:
        folder = self.root / "requests"
        found = []
        for path in sorted(folder.glob("*.json")) if folder.exists() else []:
            request = self.status(path.stem)
            if request["account"] == account_id and request["status"] == PENDING:
                found.append(request)
        return sorted(found, key=lambda r: r["created_at"])

    def decide(self, account: dict, transaction_id: str, *, approve: bool, reason: str = ""):
        with self._locked():
            request = self._read("requests", transaction_id)
            if request["account"] != account["id"]:
                raise SandboxError(404, "transaction_not_found", "unknown transaction")
            if request["status"] == PENDING and time.time() >= request["expires_at"]:
                request["status"] = EXPIRED
            if request["status"] != PENDING:
                self._write("requests", transaction_id, request)
                raise SandboxError(409, "not_pending", request["status"])
            if approve:
                request["signature"] = b64(_sign_digest(account, unb64(request["digest"])))
                request["status"] = APPROVED
            else:
                if not (reason or "").strip():
                    raise SandboxError(400, "reason_required", "a refusal needs a reason")
                request["status"] = REFUSED
                request["reason"] = reason.strip()[:255]
            request["decided_at"] = time.time()
            self._write("requests", transaction_id, request)
        return request


def _sign_digest(account: dict, digest: bytes) -> bytes:
    """Sign a SHA-256 value with the account's key (what the phone's approval triggers)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, _cert, _extra = pkcs12.load_key_and_certificates(
        unb64(account["pkcs12"]), account["password"].encode()
    )
    prehashed = utils.Prehashed(hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(digest, ec.ECDSA(prehashed))
    return key.sign(digest, padding.PKCS1v15(), prehashed)


# --- HTTP --------------------------------------------------------------------------------


def _json(start_response, status: int, body: dict):
    data = json.dumps(body).encode()
    reason = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized"}
    start_response(
        f"{status} {reason.get(status, 'Error')}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _authorised(environ) -> bool:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Basic "):
        return False
    try:
        client_id, _sep, secret = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return False
    expected_id = getattr(settings, "CONGVU_SIGNING_REMOTE_CLIENT_ID", "congvu")
    return hmac.compare_digest(client_id, expected_id) and hmac.compare_digest(
        secret, sandbox_secret()
    )


def _public(request: dict) -> dict:
    answer = {
        "transaction_id": request["transaction_id"],
        "status": request["status"],
        "expires_at": request["expires_at"],
    }
    if request["status"] == APPROVED:
        answer["signature"] = request["signature"]
    if request["status"] == REFUSED:
        answer["reason"] = request["reason"]
    return answer


def _body(environ) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length) if length else b""


def _api(environ, start_response, store: SandboxStore, parts: list[str]):
    if not _authorised(environ):
        return _json(start_response, 401, {"error": "unauthorized"})
    method = environ["REQUEST_METHOD"]
    if method == "GET" and len(parts) == 2 and parts[0] == "accounts":
        account = store.account(parts[1])
        return _json(
            start_response,
            200,
            {"account": account["id"], "certificates": account["certificates"]},
        )
    if method == "POST" and parts == ["sign"]:
        try:
            payload = json.loads(_body(environ))
            digest = unb64(payload["digest"])
            account_id = str(payload["account"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SandboxError(400, "bad_request", "account and base64 digest required") from exc
        if payload.get("digest_algorithm", "sha256") != "sha256":
            raise SandboxError(400, "bad_digest", "only sha256 is supported")
        request = store.start(
            account_id=account_id, digest=digest, description=str(payload.get("description", ""))
        )
        return _json(start_response, 202, _public(request))
    if method == "GET" and len(parts) == 2 and parts[0] == "sign":
        request = store.status(parts[1])
        answer = _public(request)
        if request["status"] == APPROVED:
            answer["certificates"] = store.account(request["account"])["certificates"]
        return _json(start_response, 200, answer)
    raise SandboxError(404, "not_found", "no such endpoint")


def _phone_page(
    store: SandboxStore, account: dict, code: str, note: str = "", error: str = ""
) -> bytes:
    rows = format_html_join(
        "",
        # Two forms: the approval has no text field, so Enter typed in the reason
        # can only ever submit the refusal, and a refusal must say why.
        "<li><p><strong>{}</strong><br><small>{}</small></p>"
        '<form method="post"><input type="hidden" name="ma" value="{}">'
        '<input type="hidden" name="giao_dich" value="{}">'
        '<button name="quyet_dinh" value="dong-y">{}</button></form>'
        '<form method="post"><input type="hidden" name="ma" value="{}">'
        '<input type="hidden" name="giao_dich" value="{}">'
        '<input type="hidden" name="quyet_dinh" value="tu-choi">'
        '<label>{} <input name="ly_do" maxlength="255" required></label> '
        '<button name="quyet_dinh" value="tu-choi">{}</button></form></li>',
        (
            (
                r["description"] or r["transaction_id"],
                _("Mã xác thực: %(code)s") % {"code": r["digest"][:8]},
                code,
                r["transaction_id"],
                _("Đồng ý ký"),
                code,
                r["transaction_id"],
                _("Lý do từ chối"),
                _("Từ chối"),
            )
            for r in store.pending(account["id"])
        ),
    )
    html = format_html(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{title}</title></head><body>"
        "<main>"
        "<h1>{title}</h1><p>{who}</p>{note}{error}<ul>{rows}</ul>{empty}</main></body></html>",
        title=_("Ký số từ xa (thử nghiệm)"),
        who=account["name"],
        note=format_html('<p role="status">{}</p>', note) if note else "",
        error=format_html('<p role="alert">{}</p>', error) if error else "",
        rows=rows,
        empty="" if rows else format_html("<p>{}</p>", _("Không có yêu cầu ký nào đang chờ.")),
    )
    return str(html).encode()


def _phone(environ, start_response, store: SandboxStore, parts: list[str]):
    if len(parts) != 1:
        raise SandboxError(404, "not_found", "no such page")
    method = environ["REQUEST_METHOD"]
    form = parse_qs(_body(environ).decode() if method == "POST" else "")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    code = (form.get("ma") or query.get("ma") or [""])[0]
    account = store.check_phone(parts[0], code)
    note = error = ""
    if method == "POST":
        decision = (form.get("quyet_dinh") or [""])[-1]
        reason = (form.get("ly_do") or [""])[0].strip()
        if decision not in ("dong-y", "tu-choi"):
            # Never read an unnamed submission as an approval.
            error = _("Hãy bấm “Đồng ý ký” hoặc “Từ chối”.")
        elif decision == "tu-choi" and not reason:
            error = _("Phải ghi lý do từ chối ký; yêu cầu vẫn đang chờ bạn xác nhận.")
        else:
            approve = decision == "dong-y"
            try:
                store.decide(
                    account, (form.get("giao_dich") or [""])[0], approve=approve, reason=reason
                )
                note = _("Đã ký.") if approve else _("Đã từ chối.")
            except SandboxError as exc:
                note = _("Yêu cầu không còn chờ xác nhận (%(status)s).") % {"status": exc.message}
    data = _phone_page(store, account, code, note, error)
    start_response(
        "200 OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))],
    )
    return [data]


def application(environ, start_response, store: SandboxStore | None = None):
    """The sandbox service as a WSGI application (paths relative to where it is mounted)."""
    store = store or SandboxStore()
    parts = [p for p in environ.get("PATH_INFO", "").split("/") if p]
    try:
        if parts[:1] == ["api"]:
            return _api(environ, start_response, store, parts[1:])
        if parts[:1] == ["dien-thoai"]:
            return _phone(environ, start_response, store, parts[1:])
        raise SandboxError(404, "not_found", "no such endpoint")
    except SandboxError as exc:
        return _json(start_response, exc.status, {"error": exc.code, "message": exc.message})
