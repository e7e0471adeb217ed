"""Registering and revoking signing keys, adding trust anchors (unit or system administrators)."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from congvu.audit.services import log_action
from congvu.core.authz import as_actor
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.core.text import fold

from .crypto import seal_password
from .models import KeyKind, SigningKey, TrustAnchor

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _may_manage(actor, unit) -> bool:
    actor = as_actor(actor)
    return actor.is_system_admin or (actor.is_official and unit.pk in actor.admin_unit_ids)


def _key_facts(key: SigningKey) -> dict:
    return {
        "kind": key.kind,
        "unit": key.unit_id,
        "user": key.user_id,
        "subject": key.subject,
        "serial": key.serial,
        "fingerprint": key.fingerprint,
        "not_after": key.not_after.isoformat(),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


def _check_certificate(cert, image: bytes) -> None:
    now = timezone.now()
    if not (cert.not_valid_before_utc <= now <= cert.not_valid_after_utc):
        raise ServiceError(
            _("Chứng thư số đã hết hạn hoặc chưa có hiệu lực."),
            code="certificate_not_valid_now",
            field="pkcs12",
        )
    if image and not image.startswith(PNG_MAGIC):
        raise ServiceError(
            _("Hình chữ ký / con dấu phải là tệp PNG."), code="image_not_png", field="image"
        )


def _certificate_facts(cert, der: bytes) -> dict:
    """The SigningKey columns read from its certificate (file or token alike)."""
    return {
        "subject": cert.subject.rfc4514_string()[:255],
        "issuer": cert.issuer.rfc4514_string()[:255],
        "serial": format(cert.serial_number, "x")[:64],
        "fingerprint": hashlib.sha256(der).hexdigest(),
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
    }


#: How a certificate stands against the configured trust anchors (``trust_problem``).
TRUSTED, SELF_SIGNED, UNTRUSTED = "trusted", "self_signed", "untrusted"
#: The codes of a registration refused for want of ``accept_untrusted`` (a warning, not an error).
TRUST_CODES = {
    "certificate_self_signed",
    "certificate_untrusted",
    "certificate_name_mismatch",
}
#: Longest chain walked from the certificate to an anchor.
MAX_CHAIN = 8


def _fingerprint(cert) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _issued_by(child, parent) -> bool:
    if child.issuer != parent.subject:
        return False
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def trust_problem(cert, intermediates=()) -> str:
    """``TRUSTED`` when ``cert`` chains (through ``intermediates``) to a ``TrustAnchor``.

    Otherwise ``SELF_SIGNED`` (the certificate signed itself: no CA vouches for
    the holder, whatever the anchors say) or ``UNTRUSTED`` (no path to an anchor).
    Signatures made with such a key validate as "chưa xác thực".
    """
    if _issued_by(cert, cert):
        return SELF_SIGNED
    anchors = [
        x509.load_pem_x509_certificate(pem.encode())
        for pem in TrustAnchor.objects.values_list("certificate_pem", flat=True)
    ]
    trusted = {_fingerprint(a) for a in anchors}
    pool = [*intermediates, *anchors]
    current = cert
    for _step in range(MAX_CHAIN):
        issuer = next((c for c in pool if _issued_by(current, c)), None)
        if issuer is None:
            return UNTRUSTED
        if _fingerprint(issuer) in trusted:
            return TRUSTED
        current = issuer
    return UNTRUSTED


def name_mismatch(cert, user) -> str:
    """The certificate's CN when it does not name ``user`` (accents and case aside), else ""."""
    if user is None:
        return ""
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    common = str(names[0].value) if names else ""
    full_name = user.full_name or user.username
    if fold(" ".join(common.split())) == fold(" ".join(full_name.split())):
        return ""
    return common or "—"


def _require_trust(
    cert, intermediates, accept_untrusted: bool, user=None, check_holder_name: bool = False
) -> dict:
    """What the audit record says of the certificate's trust; refuses a doubtful one unless accepted.

    Doubtful: self-signed, outside the trust anchors, or naming someone other than
    the official the key is registered for (tên trên chứng thư khác tên người ký).
    All problems are told at once; one confirmation (``accept_untrusted``) covers them.
    The name is compared only when ``check_holder_name`` (the registration pages ask
    for it; the demo and the system's own paths name the holder themselves).
    """
    problem = trust_problem(cert, intermediates)
    other_name = name_mismatch(cert, user) if check_holder_name else ""
    facts = {"trust": problem}
    if other_name:
        facts["name_mismatch"] = other_name
    if problem == TRUSTED and not other_name:
        return facts
    if not accept_untrusted:
        messages = []
        if problem == SELF_SIGNED:
            messages.append(
                _(
                    "Chứng thư số này là chứng thư tự ký, không do tổ chức cung cấp dịch vụ "
                    "chứng thực chữ ký số cấp: chữ ký bằng khóa này sẽ hiện “chưa xác thực”."
                )
            )
        elif problem == UNTRUSTED:
            messages.append(
                _(
                    "Chứng thư số này không thuộc chứng thư gốc tin cậy nào đã cấu hình: chữ ký "
                    "bằng khóa này sẽ hiện “chưa xác thực”."
                )
            )
        if other_name:
            messages.append(
                _(
                    "Chứng thư số cấp cho “%(cn)s”, không phải “%(name)s”: kiểm tra lại đúng "
                    "người ký chưa."
                )
                % {"cn": other_name, "name": user.full_name or user.username}
            )
        messages.append(_("Chỉ đăng ký khi đã kiểm tra và đánh dấu ô xác nhận."))
        code = f"certificate_{problem}" if problem != TRUSTED else "certificate_name_mismatch"
        raise ServiceError(" ".join(str(m) for m in messages), code=code, field="accept_untrusted")
    return {**facts, "untrusted_accepted": True}


@transaction.atomic
def signing_key_register(
    *,
    actor,
    unit,
    kind: str,
    pkcs12_data: bytes,
    password: str,
    image: bytes = b"",
    user=None,
    accept_untrusted: bool = False,
    check_holder_name: bool = False,
) -> SigningKey:
    """Register a PKCS#12 key for an official (``user``) or for the agency ``unit``.

    The file must open with ``password`` and hold a key and a certificate that
    is valid now; the image, when given, must be a PNG (Appendix I). A
    certificate that is self-signed or does not chain to a trust anchor is
    refused (``certificate_self_signed``, ``certificate_untrusted``) unless
    ``accept_untrusted`` says the administrator saw the warning; the audit
    record keeps which it was.
    """
    if not _may_manage(actor, unit):
        raise PermissionDenied(_("Chỉ quản trị đơn vị được quản lý khóa ký số của đơn vị."))
    return register_key_unchecked(
        actor=actor,
        unit=unit,
        kind=kind,
        pkcs12_data=pkcs12_data,
        password=password,
        image=image,
        user=user,
        accept_untrusted=accept_untrusted,
        check_holder_name=check_holder_name,
    )


def register_key_unchecked(
    *,
    actor,
    unit,
    kind,
    pkcs12_data,
    password,
    image=b"",
    user=None,
    accept_untrusted=False,
    check_holder_name=False,
):
    """``signing_key_register`` without the permission check: for the system itself (the demo)."""
    if kind not in KeyKind.values:
        raise ServiceError(_("Loại khóa ký số không hợp lệ."), code="invalid_kind", field="kind")
    if (kind == KeyKind.PERSON) != (user is not None):
        raise ServiceError(
            _("Khóa cá nhân phải gắn với một người; khóa cơ quan thì không."),
            code="key_owner_mismatch",
            field="user",
        )
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(
            pkcs12_data, password.encode() if password else None
        )
    except (ValueError, TypeError) as exc:
        raise ServiceError(
            _("Không mở được tệp PKCS#12: sai mật khẩu hoặc tệp hỏng."),
            code="pkcs12_invalid",
            field="pkcs12",
        ) from exc
    if key is None or cert is None:
        raise ServiceError(
            _("Tệp PKCS#12 phải chứa khóa bí mật và chứng thư số."),
            code="pkcs12_incomplete",
            field="pkcs12",
        )
    _check_certificate(cert, image)
    trust = _require_trust(cert, extra or (), accept_untrusted, user, check_holder_name)
    der = cert.public_bytes(serialization.Encoding.DER)
    signing_key = SigningKey.objects.create(
        kind=kind,
        unit=unit,
        user=user,
        pkcs12=pkcs12_data,
        certificate_der=der,
        password_encrypted=seal_password(password),
        image=image,
        **_certificate_facts(cert, der),
        created_by=as_actor(actor).user if actor is not None else None,
    )
    log_action(
        actor=actor,
        action="congvu.signatures.signing_key.register",
        obj=signing_key,
        after={**_key_facts(signing_key), **trust},
        unit=unit,
    )
    return signing_key


@transaction.atomic
def signing_key_register_token(
    *,
    actor,
    unit,
    kind: str,
    module: str,
    token_label: str,
    key_label: str,
    pin: str,
    certificate_der: bytes,
    image: bytes = b"",
    user=None,
    accept_untrusted: bool = False,
    check_holder_name: bool = False,
) -> SigningKey:
    """Register a key held on a PKCS#11 token (its certificate given as DER); the key stays there.

    The token is opened with ``pin`` and must hold a private key labelled
    ``key_label`` whose public key is the certificate's. An untrusted or
    self-signed certificate needs ``accept_untrusted`` (as for a PKCS#12 file).
    """
    if not _may_manage(actor, unit):
        raise PermissionDenied(_("Chỉ quản trị đơn vị được quản lý khóa ký số của đơn vị."))
    if kind not in KeyKind.values:
        raise ServiceError(_("Loại khóa ký số không hợp lệ."), code="invalid_kind", field="kind")
    if (kind == KeyKind.PERSON) != (user is not None):
        raise ServiceError(
            _("Khóa cá nhân phải gắn với một người; khóa cơ quan thì không."),
            code="key_owner_mismatch",
            field="user",
        )
    try:
        cert = x509.load_der_x509_certificate(certificate_der)
    except ValueError as exc:
        raise ServiceError(
            _("Chứng thư số không đúng định dạng."), code="certificate_invalid", field="certificate"
        ) from exc
    _check_certificate(cert, image)
    from .pades import token_holds_key

    if not token_holds_key(module, token_label, pin, key_label, certificate_der):
        raise ServiceError(
            _(
                "Không tìm thấy trên token khóa bí mật ứng với chứng thư số (sai PIN, nhãn hoặc chứng thư)."
            ),
            code="token_key_not_found",
            field="token_key_label",
        )
    # Last: a warning confirmed should not be followed by another refusal.
    trust = _require_trust(cert, (), accept_untrusted, user, check_holder_name)
    signing_key = SigningKey.objects.create(
        kind=kind,
        unit=unit,
        user=user,
        certificate_der=certificate_der,
        token_module=module,
        token_label=token_label,
        token_key_label=key_label,
        password_encrypted=seal_password(pin),
        image=image,
        **_certificate_facts(cert, certificate_der),
        created_by=as_actor(actor).user,
    )
    log_action(
        actor=actor,
        action="congvu.signatures.signing_key.register",
        obj=signing_key,
        after={**_key_facts(signing_key), "token": token_label, **trust},
        unit=unit,
    )
    return signing_key


@transaction.atomic
def signing_key_register_remote(
    *,
    actor,
    unit,
    user,
    account: str,
    certificate_der: bytes,
    image: bytes = b"",
    provider: str = "",
    accept_untrusted: bool = False,
    check_holder_name: bool = False,
) -> SigningKey:
    """Register an official's key held by a remote-signing service (ký số từ xa).

    Only the provider, the signer's account there and the certificate are
    kept. The service must know the account (``remote_account_unknown``) and
    hold exactly this certificate for it (``remote_certificate_mismatch``);
    an unreachable service refuses the registration (``remote_unreachable``).
    An untrusted or self-signed certificate needs ``accept_untrusted``; the
    service's chain serves as intermediates.
    """
    if not _may_manage(actor, unit):
        raise PermissionDenied(_("Chỉ quản trị đơn vị được quản lý khóa ký số của đơn vị."))
    return register_remote_unchecked(
        actor=actor,
        unit=unit,
        user=user,
        account=account,
        certificate_der=certificate_der,
        image=image,
        provider=provider,
        accept_untrusted=accept_untrusted,
        check_holder_name=check_holder_name,
    )


def register_remote_unchecked(
    *,
    actor,
    unit,
    user,
    account,
    certificate_der,
    image=b"",
    provider="",
    accept_untrusted=False,
    check_holder_name=False,
) -> SigningKey:
    """``signing_key_register_remote`` without the permission check: for the system (the demo)."""
    from django.conf import settings

    from .remote import get_provider

    if user is None:
        raise ServiceError(
            _("Khóa ký số từ xa phải gắn với một người."), code="key_owner_mismatch", field="user"
        )
    account = (account or "").strip()
    if not account:
        raise ServiceError(
            _("Phải nhập tài khoản ký số từ xa."), code="required", field="remote_account"
        )
    try:
        cert = x509.load_der_x509_certificate(certificate_der)
    except ValueError as exc:
        raise ServiceError(
            _("Chứng thư số không đúng định dạng."), code="certificate_invalid", field="certificate"
        ) from exc
    _check_certificate(cert, image)
    provider = provider or getattr(settings, "CONGVU_SIGNING_REMOTE_PROVIDER", "sandbox")
    chain = get_provider(provider).account_certificates(account)
    if not chain or chain[0] != certificate_der:
        raise ServiceError(
            _("Chứng thư số không khớp với chứng thư của tài khoản trên dịch vụ ký số từ xa."),
            code="remote_certificate_mismatch",
            field="certificate",
        )
    intermediates = []
    for der in chain[1:]:
        try:
            intermediates.append(x509.load_der_x509_certificate(der))
        except ValueError:
            continue  # a broken chain element only costs the path through it
    trust = _require_trust(cert, intermediates, accept_untrusted, user, check_holder_name)
    signing_key = SigningKey.objects.create(
        kind=KeyKind.PERSON,
        unit=unit,
        user=user,
        certificate_der=certificate_der,
        remote_provider=provider,
        remote_account=account,
        image=image,
        **_certificate_facts(cert, certificate_der),
        created_by=as_actor(actor).user if actor is not None else None,
    )
    log_action(
        actor=actor,
        action="congvu.signatures.signing_key.register",
        obj=signing_key,
        after={**_key_facts(signing_key), "remote": f"{provider}:{account}", **trust},
        unit=unit,
    )
    return signing_key


@transaction.atomic
def signing_key_revoke(*, actor, signing_key: SigningKey, reason: str = "") -> SigningKey:
    """Stop using a key (lost token, person left); it stays for the record, with ``reason``."""
    signing_key = SigningKey.objects.select_for_update().get(pk=signing_key.pk)
    if not _may_manage(actor, signing_key.unit):
        raise PermissionDenied(_("Chỉ quản trị đơn vị được quản lý khóa ký số của đơn vị."))
    if signing_key.revoked_at:
        raise TransitionNotAllowed(_("Khóa ký số này đã bị thu hồi."))
    before = _key_facts(signing_key)
    signing_key.revoked_at = timezone.now()
    signing_key.save(update_fields=["revoked_at"])
    log_action(
        actor=actor,
        action="congvu.signatures.signing_key.revoke",
        obj=signing_key,
        before=before,
        after={**_key_facts(signing_key), "reason": reason.strip()[:500]},
        unit=signing_key.unit,
    )
    return signing_key


@transaction.atomic
def trust_anchor_add(*, actor, name: str, certificate_pem: str) -> TrustAnchor:
    """Trust a root CA (system administrators only)."""
    if not as_actor(actor).is_system_admin:
        raise PermissionDenied(_("Chỉ quản trị hệ thống được thêm chứng thư gốc tin cậy."))
    return add_anchor_unchecked(actor=actor, name=name, certificate_pem=certificate_pem)


@transaction.atomic
def add_anchor_unchecked(*, actor, name: str, certificate_pem: str) -> TrustAnchor:
    """``trust_anchor_add`` without the permission check: for the system itself (the demo)."""
    try:
        cert = x509.load_pem_x509_certificate(certificate_pem.encode())
    except ValueError as exc:
        raise ServiceError(
            _("Chứng thư gốc không đúng định dạng PEM."),
            code="certificate_invalid",
            field="certificate_pem",
        ) from exc
    fingerprint = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    anchor, created = TrustAnchor.objects.get_or_create(
        fingerprint=fingerprint,
        defaults={
            "name": (name or cert.subject.rfc4514_string())[:255],
            "certificate_pem": certificate_pem,
        },
    )
    if created:
        log_action(
            actor=actor,
            action="congvu.signatures.trust_anchor.add",
            obj=anchor,
            after={"name": anchor.name, "fingerprint": fingerprint},
        )
    return anchor


def active_key(*, kind: str, unit=None, user=None) -> SigningKey | None:
    """The newest unrevoked, currently valid key of ``user`` (person) or ``unit`` (agency)."""
    now = timezone.now()
    keys = SigningKey.objects.filter(
        kind=kind, revoked_at__isnull=True, not_before__lte=now, not_after__gte=now
    )
    keys = keys.filter(user=user) if kind == KeyKind.PERSON else keys.filter(unit=unit)
    return keys.order_by("-created_at", "-pk").first()
