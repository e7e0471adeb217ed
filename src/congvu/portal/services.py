"""Writes for portal accounts (tài khoản công dân, doanh nghiệp): sign-up, verification, profile.

In sign-up and verification nobody is logged in: the person acting is the
account holder, so the audit record names the new account as its actor.
"""

from __future__ import annotations

import datetime
import enum
import functools

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from congvu.accounts import throttle
from congvu.accounts.constants import ApplicantType, UserKind
from congvu.accounts.models import User
from congvu.accounts.ratelimit import mail_to_address_allowed
from congvu.audit.services import log_action, snapshot
from congvu.core.errors import FieldError, PermissionDenied, ServiceError

from .validators import normalise_email, normalise_id_number, normalise_phone, normalise_tax_code

VERIFY_SALT = "congvu.portal.verify-email"
VERIFY_MAX_AGE = datetime.timedelta(days=3)
# One re-sent verification mail per address per minute keeps the form from
# being used to flood someone's mailbox.
RESEND_INTERVAL_SECONDS = 60

# Never snapshot the whole user: the password hash must not enter the audit trail.
AUDITED_FIELDS = [
    "username",
    "email",
    "full_name",
    "phone",
    "address",
    "applicant_type",
    "id_number",
    "tax_code",
    "kind",
    "is_active",
    "email_verified",
]


def _audit_snapshot(user: User) -> dict:
    return snapshot(user, AUDITED_FIELDS)


# --- Verification token -------------------------------------------------------------


def make_verification_token(user: User) -> str:
    """A signed, timestamped token naming the account and the address it was sent to."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)


def _read_verification_token(token: str) -> dict:
    try:
        return signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ServiceError(
            _("Liên kết xác minh đã hết hạn (chỉ có hiệu lực trong 3 ngày)."),
            code="token_expired",
            field="token",
        ) from exc
    except signing.BadSignature as exc:
        raise ServiceError(
            _(
                "Liên kết xác minh không hợp lệ. Hãy mở đúng liên kết trong thư, hoặc yêu cầu gửi lại."
            ),
            code="token_invalid",
            field="token",
        ) from exc


def send_verification_email(*, user_id: int, base_url: str) -> None:
    """Mail the verification link. Runs after the sign-up transaction has committed."""
    user = User.objects.get(pk=user_id)
    link = base_url.rstrip("/") + reverse("portal:verify", args=[make_verification_token(user)])
    context = {
        "user": user,
        "link": link,
        "days": VERIFY_MAX_AGE.days,
        "site_name": settings.CONGVU_SITE_NAME,
    }
    send_mail(
        subject=_("Xác minh địa chỉ thư điện tử của tài khoản dịch vụ công"),
        message=render_to_string("portal/email/verify.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


# --- Sign-up and verification ---------------------------------------------------------


def _field_errors(errors: list[FieldError]) -> None:
    if errors:
        raise ServiceError(errors[0].message, code=errors[0].code, errors=errors)


def _normalised(field: str, fn, value: str, errors: list[FieldError]) -> str:
    try:
        return fn(value)
    except ValidationError as exc:
        errors.append(FieldError(field=field, code=exc.code or "invalid", message=exc.messages[0]))
        return value


def send_already_registered_email(*, email: str, base_url: str) -> None:
    """Tell the owner of ``email`` that it already has an account (sign-up with a taken address).

    At most ``ACCOUNT_MAILS_PER_ADDRESS`` such mails per window, so the sign-up
    form cannot be used to flood a mailbox.
    """
    if not mail_to_address_allowed("signup-existing", email):
        return
    base = base_url.rstrip("/")
    context = {
        "login_link": base + reverse("portal:login"),
        "reset_link": base + reverse("portal:password_reset"),
        "resend_link": base + reverse("portal:resend_verification"),
        "site_name": settings.CONGVU_SITE_NAME,
    }
    send_mail(
        subject=_("Địa chỉ thư điện tử này đã có tài khoản dịch vụ công"),
        message=render_to_string("portal/email/already_registered.txt", context),
        from_email=None,
        recipient_list=[email],
    )


@transaction.atomic
def citizen_signup(
    *,
    actor,
    applicant_type: str,
    full_name: str,
    email: str,
    phone: str,
    password: str,
    id_number: str = "",
    tax_code: str = "",
    base_url: str,
) -> User | None:
    """Create an inactive portal account and mail it a verification link (sau khi commit).

    For an address that already has an account nothing is created and None is
    returned; the address gets a "you already have an account" mail instead, so
    the page answers the same whether the address is known (docs/security.md).
    """
    errors: list[FieldError] = []
    if getattr(actor, "is_authenticated", False):
        raise PermissionDenied(
            _("Bạn đã đăng nhập; hãy đăng xuất trước khi đăng ký tài khoản mới.")
        )
    if applicant_type not in ApplicantType.values:
        errors.append(
            FieldError("applicant_type", "required", _("Chọn cá nhân hoặc tổ chức, doanh nghiệp."))
        )
    full_name = " ".join((full_name or "").split())
    if not full_name:
        errors.append(FieldError("full_name", "required", _("Nhập họ và tên hoặc tên tổ chức.")))
    email = normalise_email(email)
    taken = False
    if not email:
        errors.append(FieldError("email", "required", _("Nhập địa chỉ thư điện tử.")))
    else:
        taken = (
            User.objects.filter(email__iexact=email).exists()
            or User.objects.filter(username__iexact=email).exists()
        )
    phone = _normalised("phone", normalise_phone, phone, errors)
    if applicant_type == ApplicantType.BUSINESS:
        tax_code = _normalised("tax_code", normalise_tax_code, tax_code, errors)
        id_number = ""
    else:
        id_number = _normalised("id_number", normalise_id_number, id_number, errors)
        tax_code = ""
    user = User(
        username=email,
        email=email,
        full_name=full_name,
        phone=phone,
        applicant_type=applicant_type,
        id_number=id_number,
        tax_code=tax_code,
        kind=UserKind.CITIZEN,
        is_active=False,
        email_verified=False,
    )
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        errors.extend(FieldError("password1", "password_invalid", m) for m in exc.messages)
    _field_errors(errors)
    user.set_password(password)  # also for a taken address: the same time either way
    if not taken:
        try:
            # A savepoint, so a concurrent sign-up with the same address is
            # answered like any taken address instead of breaking the transaction.
            with transaction.atomic():
                user.save()
        except IntegrityError:
            taken = True
    if taken:
        # The answer must not tell whether the address has an account: the owner
        # of the address learns it by mail instead.
        transaction.on_commit(
            functools.partial(send_already_registered_email, email=email, base_url=base_url)
        )
        return None
    log_action(
        actor=user,
        action="congvu.portal.citizen.signed_up",
        obj=user,
        after=_audit_snapshot(user),
    )
    transaction.on_commit(
        functools.partial(send_verification_email, user_id=user.pk, base_url=base_url)
    )
    return user


@transaction.atomic
def citizen_verify_email(*, actor, token: str) -> User:
    """Activate the account named by ``token``. Opening the link twice is harmless."""
    data = _read_verification_token(token)
    user = (
        User.objects.select_for_update()
        .filter(pk=data.get("u"), kind=UserKind.CITIZEN, email__iexact=data.get("e", ""))
        .first()
    )
    if user is None:
        raise ServiceError(
            _("Liên kết xác minh không còn ứng với tài khoản nào."),
            code="token_invalid",
            field="token",
        )
    if user.email_verified:
        # Already verified; an account an administrator has since disabled
        # must not be re-enabled by an old link.
        return user
    before = _audit_snapshot(user)
    user.is_active = True
    user.email_verified = True
    user.save(update_fields=["is_active", "email_verified"])
    log_action(
        actor=user,
        action="congvu.portal.citizen.verified",
        obj=user,
        before=before,
        after=_audit_snapshot(user),
    )
    return user


def citizen_resend_verification(*, email: str, base_url: str) -> None:
    """Mail a new link to an unverified account. Says nothing about whether one exists."""
    email = normalise_email(email)
    user = User.objects.filter(
        email__iexact=email, kind=UserKind.CITIZEN, email_verified=False
    ).first()
    if user is None:
        return
    if not cache.add(f"congvu:portal:resend:{user.pk}", 1, RESEND_INTERVAL_SECONDS):
        return
    send_verification_email(user_id=user.pk, base_url=base_url)


# --- Profile ----------------------------------------------------------------------------


def _own_account(actor, user: User) -> User:
    """The actor's own portal account, locked; anything else is refused."""
    account = (
        User.objects.restrict(actor, "change")
        .select_for_update()
        .filter(pk=user.pk, kind=UserKind.CITIZEN)
        .first()
    )
    if account is None:
        raise PermissionDenied(_("Bạn chỉ được sửa tài khoản của chính mình."))
    return account


@transaction.atomic
def citizen_update_profile(*, actor, user: User, phone: str, address: str) -> User:
    """Change the contact details (điện thoại, địa chỉ) of the actor's own account."""
    errors: list[FieldError] = []
    phone = _normalised("phone", normalise_phone, phone, errors)
    address = " ".join((address or "").split())
    if len(address) > User._meta.get_field("address").max_length:
        errors.append(FieldError("address", "too_long", _("Địa chỉ quá dài (tối đa 255 ký tự).")))
    _field_errors(errors)
    account = _own_account(actor, user)
    before = _audit_snapshot(account)
    account.phone = phone
    account.address = address
    account.save(update_fields=["phone", "address"])
    log_action(
        actor=actor,
        action="congvu.portal.citizen.profile_updated",
        obj=account,
        before=before,
        after=_audit_snapshot(account),
    )
    return account


def _set_password(*, actor, user: User, new_password: str, field: str, action: str) -> User:
    account = _own_account(actor, user)
    try:
        password_validation.validate_password(new_password, user=account)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], code="password_invalid", field=field) from exc
    account.set_password(new_password)
    account.save(update_fields=["password"])
    # No before/after: the only change is the hash, which stays out of the trail.
    log_action(actor=actor, action=action, obj=account)
    return account


@transaction.atomic
def citizen_change_password(*, actor, user: User, new_password: str) -> User:
    """Set a new password on the actor's own account (the form has checked the old one)."""
    return _set_password(
        actor=actor,
        user=user,
        new_password=new_password,
        field="new_password1",
        action="congvu.portal.citizen.password_changed",
    )


@transaction.atomic
def citizen_reset_password(*, user: User, new_password: str) -> User:
    """Quên mật khẩu: set the password of the account whose reset link was opened.

    Whoever holds a valid link acts as the account holder, hence actor=user.
    """
    return _set_password(
        actor=user,
        user=user,
        new_password=new_password,
        field="new_password1",
        action="congvu.portal.citizen.password_reset",
    )


# --- Login ------------------------------------------------------------------------------
# The lock-out is the officials' one (congvu.accounts.throttle): per account, and
# per client address with a looser limit of its own (PORTAL_LOGIN_IP_MAX_FAILURES),
# because many citizens share one carrier-NAT address, yet one address trying one
# password on many accounts (password spraying) must still be stopped.


class LoginOutcome(enum.StrEnum):
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"
    UNVERIFIED = "unverified"
    DISABLED = "disabled"
    OFFICIAL = "official"


def citizen_login_check(
    *, email: str, password: str, ip: str = ""
) -> tuple[LoginOutcome, User | None]:
    """Decide whether ``email``/``password`` may open a portal session.

    Account facts (unverified, official, disabled) are only told to someone who
    knows the password; everyone else gets INVALID. Every outcome but LOCKED
    is audited (a lock is audited once, when it is set).
    """
    email = normalise_email(email)
    if throttle.locked_seconds(username=email, ip=ip or None, portal=True):
        return LoginOutcome.LOCKED, None
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is None:
        User().set_password(password)  # same hashing cost as a real check
        ok = False
    else:
        ok = user.check_password(password)
    if not ok:
        throttle.login_audit(area="portal", event="failed", user=user, ip=ip, reason="password")
        if throttle.login_failure_record(username=email, ip=ip or None, user=user, portal=True):
            return LoginOutcome.LOCKED, None
        return LoginOutcome.INVALID, None
    outcome = LoginOutcome.OK
    if user.kind != UserKind.CITIZEN:
        outcome = LoginOutcome.OFFICIAL
    elif not user.is_active:
        outcome = LoginOutcome.DISABLED if user.email_verified else LoginOutcome.UNVERIFIED
    if outcome != LoginOutcome.OK:
        throttle.login_audit(area="portal", event="failed", user=user, ip=ip, reason=outcome)
        return outcome, (None if outcome == LoginOutcome.OFFICIAL else user)
    throttle.login_success_record(username=email)
    return LoginOutcome.OK, user


def citizen_login_audit(*, user: User, ip: str) -> None:
    """The portal session is open (the view has called ``login()``)."""
    throttle.login_audit(area="portal", event="succeeded", user=user, ip=ip)


def citizen_logout_audit(*, user: User, ip: str) -> None:
    throttle.login_audit(area="portal", event="logout", user=user, ip=ip)


def login_lock_message(*, email: str, ip: str = "") -> str:
    seconds = throttle.locked_seconds(username=normalise_email(email), ip=ip or None, portal=True)
    return throttle.lock_message(seconds or settings.LOGIN_LOCKOUT_SECONDS)
