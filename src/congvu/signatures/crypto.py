"""The PKCS#12 password at rest: Fernet with a key derived from SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib

from django.conf import settings

from cryptography.fernet import Fernet


def _fernet() -> Fernet:
    # A domain-separated derivation: the same SECRET_KEY also signs sessions.
    digest = hashlib.sha256(b"congvu.signatures.pkcs12-password:" + settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(digest.digest()))


def seal_password(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode() if password else ""


def open_password(token: str) -> bytes | None:
    return _fernet().decrypt(token.encode()) if token else None
