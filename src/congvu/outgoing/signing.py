"""The "sign" step of issuance: pluggable signers (ký số).

``document_issue`` renders the document to PDF and hands the bytes to the
signer chosen by the ``CONGVU_SIGNER`` setting (default ``"noop"``); it
stores what the signer returns. A signer that cannot sign raises
:class:`SigningError` (or any exception): the issuing transaction then rolls
back, so no number is consumed and nothing is half-issued.

``"pades"`` is the real one (docs/signing.md): the signer's and then the
agency's PAdES signature (Decree 30/2020 Art. 5, 33) with the keys the unit
administrator registered (``congvu.signatures``). A signer or an agency
without a usable key stops the issuance with a ServiceError that says so;
``check_signer`` lets "Duyệt ký" refuse a leader without a key earlier.
A signer whose key is at a remote-signing service (``remote_key``) signs in
two halves around the approval on the phone (``remote_prepare`` and
``remote_finish``, driven by ``services/remote_signing.py``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from congvu.core.errors import ServiceError


class SigningError(Exception):
    """The signer refused or failed; the issuance must not happen."""


class BaseSigner(ABC):
    """A signing plugin: returns the signed PDF bytes for ``document``."""

    key = ""
    verbose_name = ""
    is_demo_plugin = False

    @abstractmethod
    def sign(self, document, pdf_bytes: bytes) -> bytes:
        """Sign ``pdf_bytes``; raise SigningError to stop the issuance."""

    def check_signer(self, document, user) -> None:
        """At "Duyệt ký": raise ServiceError when ``user`` could not sign ``document``."""
        return None  # a signer without keys of its own (noop) can always sign

    def remote_key(self, document):
        """The signer's key when it is with a remote-signing service (issuance waits), else None."""
        return None


def signs_remotely(document) -> bool:
    """Whether issuing ``document`` will wait for the signer's phone (the confirmation page says so).

    A missing key is not this page's concern: the issuance itself refuses it.
    """
    try:
        return get_signer().remote_key(document) is not None
    except ServiceError:
        return False


_SIGNERS: dict[str, type[BaseSigner]] = {}


def register(key: str):
    """Register a signer class under ``key`` (decorator)."""

    def decorator(cls: type[BaseSigner]) -> type[BaseSigner]:
        cls.key = key
        _SIGNERS[key] = cls
        return cls

    return decorator


def registered_signers() -> dict[str, type[BaseSigner]]:
    return dict(_SIGNERS)


def get_signer(key: str | None = None) -> BaseSigner:
    key = key or getattr(settings, "CONGVU_SIGNER", "noop")
    try:
        return _SIGNERS[key]()
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"Unknown CONGVU_SIGNER {key!r}; known: {sorted(_SIGNERS)}"
        ) from exc


@register("noop")
class NoopSigner(BaseSigner):
    """No signature yet: the rendered PDF is issued as it is."""

    verbose_name = _("Không ký số (tạm thời)")

    def sign(self, document, pdf_bytes: bytes) -> bytes:
        return pdf_bytes


@register("failing")
class FailingSigner(BaseSigner):
    """Always fails: shows (and tests) that a failed signature issues nothing."""

    verbose_name = _("Thử nghiệm: luôn lỗi")
    is_demo_plugin = True

    def sign(self, document, pdf_bytes: bytes) -> bytes:
        raise SigningError("demo signer always fails")


def _key_material(signing_key):
    from congvu.signatures.crypto import open_password
    from congvu.signatures.pades import KeyMaterial

    return KeyMaterial(
        pkcs12=bytes(signing_key.pkcs12),
        password=open_password(signing_key.password_encrypted),
        image=bytes(signing_key.image),
        certificate_der=bytes(signing_key.certificate_der),
        token_module=signing_key.token_module,
        token_label=signing_key.token_label,
        token_key_label=signing_key.token_key_label,
    )


def _person_key(user):
    from congvu.signatures.models import KeyKind
    from congvu.signatures.services import active_key

    key = active_key(kind=KeyKind.PERSON, user=user) if user is not None else None
    if key is None:
        raise ServiceError(
            gettext_now(
                "Người ký chưa có chứng thư số còn hiệu lực; "
                "quản trị đơn vị cần đăng ký khóa ký số cho người ký."
            ),
            code="signer_key_missing",
            field="signer",
        )
    return key


def signer_keys(document):
    """The signer's and the agency's usable keys, or a ServiceError naming what is missing."""
    person = _person_key(document.signer if document.signer_id else None)
    return person, _agency_key(document)


def _agency_key(document):
    from congvu.signatures.models import KeyKind
    from congvu.signatures.services import active_key

    agency = active_key(kind=KeyKind.AGENCY, unit=document.unit)
    if agency is None:
        raise ServiceError(
            gettext_now(
                "Cơ quan ban hành chưa có chứng thư số còn hiệu lực; "
                "quản trị đơn vị cần đăng ký khóa ký số của cơ quan."
            ),
            code="agency_key_missing",
            field="unit",
        )
    return agency


@register("pades")
class PadesSigner(BaseSigner):
    """The signer's and the agency's PAdES signatures with visible Appendix I images."""

    verbose_name = _("Chữ ký số PAdES (người ký và cơ quan)")

    def check_signer(self, document, user) -> None:
        _person_key(user)

    def remote_key(self, document):
        person, _agency = signer_keys(document)
        return person if person.is_remote else None

    def sign(self, document, pdf_bytes: bytes) -> bytes:
        from congvu.org.places import place_name
        from congvu.signatures.pades import sign_issued

        person, agency = signer_keys(document)
        if person.is_remote:
            raise SigningError("a remote key signs through remote_signing_start")
        signed = sign_issued(
            pdf_bytes,
            person=_key_material(person),
            agency=_key_material(agency),
            agency_name=document.unit.name,
            location=place_name(document.unit),
            when=document.issued_at,
            tsa_url=getattr(settings, "CONGVU_SIGNING_TSA_URL", ""),
        )
        _log_signatures(document, person, agency, signed)
        return signed


def _log_signatures(document, person, agency, signed: bytes) -> None:
    """Every signature audited (issue 13): one record per key, in the issuing transaction."""
    import hashlib

    from congvu.signatures.key_audit import signature_log
    from congvu.signatures.pades import AGENCY_FIELD, SIGNER_FIELD

    digest = hashlib.sha256(signed).hexdigest()
    for key, field in ((person, SIGNER_FIELD), (agency, AGENCY_FIELD)):
        signature_log(
            actor=document.issued_by, signing_key=key, document=document, field=field, sha256=digest
        )


# --- remote signing (ký số từ xa): the two halves around the signer's approval ---


def remote_prepare(document, pdf_bytes: bytes, person):
    """The rendered PDF with the signer's field reserved, and what the service must sign."""
    from congvu.org.places import place_name
    from congvu.signatures.remote_pades import prepare

    return prepare(
        pdf_bytes,
        certificate_der=bytes(person.certificate_der),
        image=bytes(person.image),
        location=place_name(document.unit),
    )


def remote_finish(document, prepared, person, *, signature: bytes, chain=()) -> bytes:
    """Embed the approved signature value, then add the agency's signature (a local key)."""
    from congvu.org.places import place_name
    from congvu.signatures.pades import sign_agency
    from congvu.signatures.remote_pades import finish

    agency = _agency_key(document)
    tsa_url = getattr(settings, "CONGVU_SIGNING_TSA_URL", "")
    signed = finish(
        prepared,
        certificate_der=bytes(person.certificate_der),
        chain_der=chain[1:],
        signature=signature,
        tsa_url=tsa_url,
    )
    signed = sign_agency(
        signed,
        agency=_key_material(agency),
        agency_name=document.unit.name,
        location=place_name(document.unit),
        when=document.issued_at,
        tsa_url=tsa_url,
    )
    _log_signatures(document, person, agency, signed)
    return signed
