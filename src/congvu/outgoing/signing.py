"""The "sign" step of issuance: pluggable signers (ký số).

``document_issue`` renders the document to PDF and hands the bytes to the
signer chosen by the ``CONGVU_SIGNER`` setting (default ``"noop"``); it
stores what the signer returns. A signer that cannot sign raises
:class:`SigningError` (or any exception): the issuing transaction then rolls
back, so no number is consumed and nothing is half-issued.

A real PAdES signer (person + agency signature, Art. 5, 33) is a class with
the same ``sign`` method registered under its own key, for example::

    @register("pades")
    class PadesSigner(BaseSigner):
        verbose_name = _("Chữ ký số PAdES")

        def sign(self, document, pdf_bytes: bytes) -> bytes:
            ...
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


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
