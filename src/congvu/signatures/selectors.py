"""Reading the signatures of a stored PDF, cached by its content and the trust anchors."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from congvu.core.errors import ServiceError
from congvu.files.services import file_open_verified

from .models import SigningKey, TrustAnchor
from .validation import SignatureReport, broken_report, validate_pdf

#: Signatures can only be read off a PDF this large; bigger files are not parsed on a page view.
MAX_CHECKED_BYTES = 50 * 1024 * 1024
CACHE_SECONDS = 3600


def _anchors_version() -> str:
    prints = TrustAnchor.objects.order_by("fingerprint").values_list("fingerprint", flat=True)
    return hashlib.sha256("".join(prints).encode()).hexdigest()[:16]


def stored_file_signatures(stored) -> list[SignatureReport] | None:
    """The signature reports of a stored PDF; None when it is not a PDF (or too large to check).

    The same bytes against the same trust anchors give the same answer, so the
    validation is cached by the file's SHA-256 and the anchors' fingerprints;
    an added anchor checks again.
    """
    if (
        stored is None
        or stored.content_type != "application/pdf"
        or stored.size > MAX_CHECKED_BYTES
    ):
        return None
    try:
        # Read (and hash-check) every time: a blob changed in storage must not
        # be answered from the cache as still valid.
        with file_open_verified(stored) as handle:
            data = handle.read()
    except ServiceError as exc:  # the stored bytes changed since upload: broken, not unsigned
        return [broken_report("", str(exc))]
    key = f"congvu:signatures:{stored.sha256}:{_anchors_version()}"
    reports = cache.get(key)
    if reports is None:
        reports = validate_pdf(data)
        cache.set(key, reports, CACHE_SECONDS)
    return reports


def keys_expiring(actor, *, within_days: int = 30):
    """Unrevoked keys the actor may see whose certificate ends within ``within_days`` (soonest first).

    Renewing a certificate takes the CA days; the unit administrator and the
    holder should know a month ahead, not on the day issuance stops.
    """
    import datetime

    from django.utils import timezone

    now = timezone.now()
    return (
        SigningKey.objects.restrict(actor, "view")
        .filter(revoked_at__isnull=True, not_after__gte=now)
        .filter(not_after__lte=now + datetime.timedelta(days=within_days))
        .select_related("user", "unit")
        .order_by("not_after", "pk")
    )
