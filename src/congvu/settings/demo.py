"""Demo settings (`make demo`): embedded SQLite, local files, no other services.

Runs with DEBUG off behind gunicorn, static files served by WhiteNoise. The
secret key is generated once into var/secret_key so sessions survive restarts.
"""

import os
import secrets
from pathlib import Path

_var = Path(os.environ.get("CONGVU_VAR_DIR", Path(__file__).resolve().parents[3] / "var"))
_var.mkdir(parents=True, exist_ok=True)
_key_file = _var / "secret_key"
if not _key_file.exists():
    _key_file.write_text(secrets.token_urlsafe(50))
    _key_file.chmod(0o600)
os.environ.setdefault("SECRET_KEY", _key_file.read_text().strip())
os.environ.setdefault("DEBUG", "0")
# Issued demo documents carry real PAdES signatures made with keys load_demo generates.
os.environ.setdefault("DOCUMENT_SIGNER", "pades")
# One demo leader signs through the sandbox remote-signing service (docs/signing.md).
os.environ.setdefault("SIGNING_SANDBOX", "1")

from .base import *  # noqa: E402,F403
