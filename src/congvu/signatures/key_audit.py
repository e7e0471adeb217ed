"""One audit record per signature made with a key ("every signature audited", issue 13).

The signing plugin calls :func:`signature_log` inside the issuing transaction
for each signature it adds; the record names the key as its object, so the
key's page lists it in the key's history beside registration and revocation.
"""

from __future__ import annotations

from congvu.audit.services import log_action

from .models import SigningKey

SIGN_ACTION = "congvu.signatures.signing_key.sign"


def signature_log(*, actor, signing_key: SigningKey, document, field: str, sha256: str = ""):
    """Record that ``signing_key`` signed ``document`` (its label and pk) in signature ``field``."""
    return log_action(
        actor=actor,
        action=SIGN_ACTION,
        obj=signing_key,
        after={
            "document": str(document)[:200],
            "document_type": document._meta.label_lower,
            "document_id": document.pk,
            "field": field,
            "fingerprint": signing_key.fingerprint,
            "sha256": sha256,
        },
        unit=signing_key.unit,
    )
