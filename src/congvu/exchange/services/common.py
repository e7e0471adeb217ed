"""What the exchange services share: permissions, audit, trust anchors, our agency key."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from congvu.accounts.constants import Role
from congvu.audit.services import log_action
from congvu.core.authz import as_actor
from congvu.core.errors import PermissionDenied


def require_directory_editor(actor) -> None:
    a = as_actor(actor)
    if not (a.is_system_admin or a.has_role(Role.CLERK) or a.admin_unit_ids):
        raise PermissionDenied(
            _("Chỉ văn thư hoặc quản trị mới được sửa danh bạ cơ quan liên thông.")
        )


def audit(actor, entity: str, verb: str, obj, *, before=None, after=None, unit=None) -> None:
    log_action(
        actor=actor,
        action=f"congvu.exchange.{entity}.{verb}",
        obj=obj,
        before=before,
        after=after,
        unit=unit,
    )


def require_signature() -> bool:
    """Refuse unsigned packages (off by default: some LGSPs strip or never add one)."""
    return bool(getattr(settings, "CONGVU_EDXML_REQUIRE_SIGNATURE", False))


def require_trusted() -> bool:
    """Refuse packages whose certificate does not chain to a trust anchor (off by default)."""
    return bool(getattr(settings, "CONGVU_EDXML_REQUIRE_TRUSTED", False))


def trust_anchors():
    """The ``TrustAnchor`` certificates of ``congvu.signatures`` (cryptography objects)."""
    from cryptography import x509

    from congvu.signatures.models import TrustAnchor

    anchors = []
    for pem in TrustAnchor.objects.values_list("certificate_pem", flat=True):
        try:
            anchors.append(x509.load_pem_x509_certificate(pem.encode()))
        except ValueError:
            continue
    return anchors


def agency_key(unit):
    """(key, certificate, chain) of ``unit``'s active agency PKCS#12 key, or None.

    A key on a PKCS#11 token does not sign edXML yet (signxml needs the key in
    memory): such a unit sends unsigned packages unless signatures are required.
    """
    from cryptography.hazmat.primitives.serialization import pkcs12

    from congvu.signatures.crypto import open_password
    from congvu.signatures.models import KeyKind
    from congvu.signatures.services import active_key

    key = active_key(kind=KeyKind.AGENCY, unit=unit)
    if key is None or not key.pkcs12:
        return None
    private, certificate, chain = pkcs12.load_key_and_certificates(
        bytes(key.pkcs12), open_password(key.password_encrypted)
    )
    return private, certificate, list(chain or [])


def agency_code_of(unit) -> str:
    """The QCVN 102 code of ``unit`` or of its nearest ancestor that has one."""
    return unit.agency_code()
