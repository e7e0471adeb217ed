"""Two savings for the PAdES signing path, measured by ``bench/signing.py`` (docs/benchmarks.md).

1. **Reserve the signature's room.** Without ``bytes_reserved``, pyHanko's
   ``PdfSigner.sign_pdf`` signs a dummy CMS first only to learn how much room
   the real one needs (``estimate_signature_container_size``): every
   signature is made twice. A fixed room that any real chain fits in skips
   the dry run. The room costs twice its size in the file (hex), so it is
   sized for a CA chain of a few RSA-4096 certificates, and larger with a
   timestamp token (the TSA's chain travels inside it).
2. **Open each PKCS#12 file once per process.** Decrypting the file
   (PBKDF2) and parsing the key and certificates is the same work at every
   issuance; the signer object is stateless between signatures. The cache is
   keyed by the SHA-256 of the file and its password, so a new key or a
   re-registered file is a new entry and an old one is never looked up again;
   :func:`forget` drops an entry at once (revocation), and the LRU bound keeps
   at most :data:`CACHE_SIZE` keys in memory.

``signatures/pades.py`` adopts them with two changes in ``_sign_once`` and
``_signer`` (``bytes_reserved=signature_room(timestamper is not None)`` and
``cached_pkcs12_signer(material.pkcs12, material.password)``).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

#: Bytes reserved for one CMS signature container (PAdES B-B / B-T).
ROOM_WITHOUT_TIMESTAMP = 12 * 1024
ROOM_WITH_TIMESTAMP = 32 * 1024
CACHE_SIZE = 64

_lock = threading.Lock()
_signers: OrderedDict[str, object] = OrderedDict()


def signature_room(timestamped: bool) -> int:
    """The ``bytes_reserved`` of a signature, with or without an RFC 3161 timestamp."""
    return ROOM_WITH_TIMESTAMP if timestamped else ROOM_WITHOUT_TIMESTAMP


def _cache_key(pkcs12: bytes, password: bytes | None) -> str:
    digest = hashlib.sha256(pkcs12)
    digest.update(b"\0")
    digest.update(password or b"")
    return digest.hexdigest()


def cached_pkcs12_signer(pkcs12: bytes, password: bytes | None):
    """pyHanko's ``SimpleSigner`` for this PKCS#12 file, opened once per process."""
    from pyhanko.sign import signers

    key = _cache_key(pkcs12, password)
    with _lock:
        signer = _signers.get(key)
        if signer is not None:
            _signers.move_to_end(key)
            return signer
    signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, (), passphrase=password)
    if signer is None:  # pyHanko returns None for a file it cannot open
        raise ValueError("the PKCS#12 file does not open with its password")
    with _lock:
        _signers[key] = signer
        while len(_signers) > CACHE_SIZE:
            _signers.popitem(last=False)
    return signer


def forget(pkcs12: bytes, password: bytes | None = None) -> None:
    """Drop the cached signer of this file (e.g. when its key is revoked)."""
    if password is not None:
        with _lock:
            _signers.pop(_cache_key(pkcs12, password), None)
        return
    # Without the password: drop every entry (the key of an entry hides the file).
    clear()


def clear() -> None:
    with _lock:
        _signers.clear()
