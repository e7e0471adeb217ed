"""Dự thảo and trình duyệt: create, edit, versions, submit, review, approve for signing."""

from __future__ import annotations

import copy

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.constants import LEADER_ROLES
from congvu.accounts.models import Position
from congvu.audit.services import snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.registry.services import secrecy_validate

from ..constants import EDITABLE, AuthorityPrefix, Decision, RecipientKind, Status
from ..models import OutgoingDocument, Recipient, ReviewStep
from ..signing import get_signer
from .common import (
    audit,
    deny,
    in_subtree,
    is_leader,
    lock,
    may_draft_for,
    refresh_search_text,
    require_state,
    user_of,
)

DRAFT_FIELDS = ["document_type", "subject", "body", "urgency", "secrecy", "drafting_unit"]


def _clean_secrecy(actor, value) -> int:
    level = secrecy_validate(value)
    if level > as_actor(actor).clearance:
        raise ServiceError(
            _("Bạn không được giao xử lý văn bản Mật."), code="clearance", field="secrecy"
        )
    return level


def _clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise ServiceError(_("Phải nhập trích yếu."), code="required", field="subject")
    if len(subject) > 500:
        raise ServiceError(_("Trích yếu dài quá 500 ký tự."), code="max_length", field="subject")
    return subject


def _recipients_set(document: OutgoingDocument, recipients) -> None:
    """Replace the nơi nhận of a draft. Items: {"unit"| "external_name", "external_address", "kind"}."""
    document.recipients.all().delete()
    rows = []
    for index, item in enumerate(recipients or []):
        unit = item.get("unit")
        name = (item.get("external_name") or "").strip()
        kind = item.get("kind") or RecipientKind.MAIN
        if kind not in RecipientKind.values:
            raise ServiceError(
                _("Hình thức nơi nhận không hợp lệ."), code="invalid", field="recipients"
            )
        if unit is None and not name:
            raise ServiceError(
                _("Mỗi nơi nhận phải là một đơn vị hoặc có tên."),
                code="required",
                field="recipients",
            )
        if unit is not None and unit.pk == document.unit_id:
            raise ServiceError(
                _("Không gửi văn bản cho chính cơ quan ban hành."),
                code="invalid",
                field="recipients",
            )
        rows.append(
            Recipient(
                document=document,
                unit=unit,
                external_name="" if unit is not None else name[:255],
                external_address=(item.get("external_address") or "").strip()[:255],
                kind=kind,
                order=index,
            )
        )
    Recipient.objects.bulk_create(rows)


def _check_drafting_unit(unit, drafting_unit) -> None:
    if drafting_unit is not None and not in_subtree(drafting_unit, unit):
        raise ServiceError(
            _("Đơn vị soạn thảo phải thuộc cơ quan ban hành."),
            code="invalid",
            field="drafting_unit",
        )


@transaction.atomic
def draft_create(
    *,
    actor,
    unit,
    document_type,
    subject: str,
    drafting_unit=None,
    body: str = "",
    urgency: int = 0,
    secrecy: int = 0,
    recipients=None,
    reply_to=None,
) -> OutgoingDocument:
    """Soạn dự thảo văn bản đi (Art. 10)."""
    actor = as_actor(actor)
    if not may_draft_for(actor, unit, drafting_unit):
        deny(_("Bạn không soạn thảo văn bản cho cơ quan này."))
    _check_drafting_unit(unit, drafting_unit)
    document = OutgoingDocument(
        unit=unit,
        drafting_unit=drafting_unit,
        document_type=document_type,
        subject=_clean_subject(subject),
        body=body or "",
        urgency=int(urgency or 0),
        secrecy=_clean_secrecy(actor, secrecy),
        drafted_by=actor.user,
    )
    if reply_to is not None:
        document.reply_to_type = reply_to._meta.label_lower
        document.reply_to_id = str(reply_to.pk)
    refresh_search_text(document)
    document.save()
    _recipients_set(document, recipients)
    audit(
        actor,
        "document.drafted",
        document,
        after={**snapshot(document), "recipients": len(recipients or [])},
    )
    return document


@transaction.atomic
def draft_update(
    *, actor, document: OutgoingDocument, recipients=None, **changes
) -> OutgoingDocument:
    """Sửa dự thảo: only while it is a draft or returned for revision, by its drafter."""
    actor = as_actor(actor)
    document = lock(document)
    require_state(document, *EDITABLE)
    if document.drafted_by_id != actor.user_id and not actor.is_system_admin:
        deny(_("Chỉ người soạn thảo được sửa dự thảo."))
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"draft_update() got unexpected fields {sorted(unknown)}")
    before = snapshot(document)
    if "subject" in changes:
        changes["subject"] = _clean_subject(changes["subject"])
    if "secrecy" in changes:
        changes["secrecy"] = _clean_secrecy(actor, changes["secrecy"])
    if "drafting_unit" in changes:
        _check_drafting_unit(document.unit, changes["drafting_unit"])
    for name, value in changes.items():
        setattr(document, name, value)
    refresh_search_text(document)
    document.save(update_fields=[*changes, "search_text", "updated_at"])
    if recipients is not None:
        _recipients_set(document, recipients)
    audit(actor, "document.updated", document, before=before)
    return document


#: ``StoredFile.purpose`` of draft versions and of the issued PDF.
DRAFT_PURPOSE = "draft"
ISSUED_PURPOSE = "issued"


@transaction.atomic
def draft_add_version(*, actor, document: OutgoingDocument, upload, note: str = ""):
    """Thêm phiên bản dự thảo: a new ``StoredFile`` (purpose "draft", next version).

    The drafter adds versions, and so does the reviewer whose turn it is.
    """
    from congvu.files.selectors import latest_version
    from congvu.files.services import file_store

    actor = as_actor(actor)
    document = lock(document)
    require_state(document, Status.DRAFT, Status.RETURNED, Status.IN_REVIEW)
    step = current_step(document)
    allowed = document.drafted_by_id == actor.user_id or (
        step is not None and step.reviewer_id == actor.user_id
    )
    if not allowed:
        deny(_("Bạn không được thêm phiên bản cho dự thảo này."))
    last = latest_version(document, DRAFT_PURPOSE)
    stored = file_store(
        actor=actor,
        upload=upload,
        owner=document,
        purpose=DRAFT_PURPOSE,
        version=(last.version + 1) if last else 1,
    )
    audit(
        actor,
        "version.added",
        document,
        after={"file": stored.pk, "version": stored.version, "sha256": stored.sha256, "note": note},
    )
    return stored


def current_round(document: OutgoingDocument) -> int:
    return document.review_steps.aggregate(m=Max("round"))["m"] or 0


def current_step(document: OutgoingDocument) -> ReviewStep | None:
    """The pending step whose turn it is, or None."""
    if document.status != Status.IN_REVIEW:
        return None
    return (
        document.review_steps.filter(round=current_round(document), decision=Decision.PENDING)
        .order_by("order")
        .first()
    )


@transaction.atomic
def draft_submit(
    *, actor, document: OutgoingDocument, reviewers=(), signer=None
) -> OutgoingDocument:
    """Trình duyệt: open a review round with ``reviewers`` in order (e.g. trưởng phòng → lãnh đạo).

    With no reviewers the draft goes straight to the signer (lãnh đạo of the
    issuing unit) for approval.
    """
    actor = as_actor(actor)
    document = lock(document)
    require_state(document, *EDITABLE)
    if document.drafted_by_id != actor.user_id and not actor.is_system_admin:
        deny(_("Chỉ người soạn thảo được trình dự thảo."))
    reviewers = list(reviewers or [])
    for reviewer in reviewers:
        if reviewer.pk in (actor.user_id, document.drafted_by_id):
            raise ServiceError(
                _("Người soạn thảo không tự duyệt dự thảo của mình."),
                code="self_review",
                field="reviewers",
            )
        reviewer_actor = as_actor(reviewer)
        if not reviewer_actor.is_official or not (
            set(reviewer_actor.unit_ids)
            & ({document.unit_id} | ({document.drafting_unit_id} - {None}))
        ):
            raise ServiceError(
                _("%(name)s không thuộc cơ quan ban hành văn bản.") % {"name": reviewer},
                code="invalid",
                field="reviewers",
            )
        if reviewer_actor.clearance < document.secrecy:
            raise ServiceError(
                _("%(name)s không được giao xử lý văn bản Mật.") % {"name": reviewer},
                code="clearance",
                field="reviewers",
            )
    if signer is not None:
        if not is_leader(as_actor(signer), document.unit_id):
            raise ServiceError(
                _("Người ký phải là lãnh đạo cơ quan ban hành."), code="invalid", field="signer"
            )
        document.signer = signer
    before = snapshot(document)
    round_no = current_round(document) + 1
    ReviewStep.objects.bulk_create(
        ReviewStep(document=document, round=round_no, order=i + 1, reviewer=r)
        for i, r in enumerate(reviewers)
    )
    document.status = Status.IN_REVIEW
    document.save(update_fields=["status", "signer", "updated_at"])
    audit(
        actor,
        "document.submitted",
        document,
        before=before,
        after={**snapshot(document), "round": round_no, "reviewers": [r.pk for r in reviewers]},
    )
    return document


@transaction.atomic
def review_approve(*, actor, document: OutgoingDocument, comment: str = "") -> ReviewStep:
    """Đồng ý: the reviewer whose turn it is passes the draft on."""
    actor = as_actor(actor)
    document = lock(document)
    require_state(document, Status.IN_REVIEW)
    step = current_step(document)
    if step is None or step.reviewer_id != actor.user_id:
        deny(_("Chưa đến lượt bạn cho ý kiến về dự thảo này."))
    if document.drafted_by_id == actor.user_id:
        raise PermissionDenied(
            _("Người soạn thảo không tự duyệt dự thảo của mình."), code="self_review"
        )
    step.decision = Decision.APPROVED
    step.comment = (comment or "").strip()
    step.decided_at = timezone.now()
    step.save(update_fields=["decision", "comment", "decided_at"])
    audit(actor, "review.approved", document, obj=step, after=snapshot(step))
    return step


@transaction.atomic
def review_return(*, actor, document: OutgoingDocument, comment: str) -> OutgoingDocument:
    """Trả lại sửa: the reviewer whose turn it is, or a leader of the issuing unit, returns it.

    A leader may also return a document approved but not yet issued, e.g.
    when issuance found it changed since the approval
    (``content_changed_since_approval``): it is then read and approved anew.
    """
    actor = as_actor(actor)
    document = lock(document)
    require_state(document, Status.IN_REVIEW, Status.APPROVED)
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Phải ghi ý kiến khi trả lại."), code="required", field="comment")
    step = current_step(document)
    now = timezone.now()
    if step is not None and step.reviewer_id == actor.user_id:
        step.decision, step.comment, step.decided_at = Decision.RETURNED, comment, now
        step.save(update_fields=["decision", "comment", "decided_at"])
    elif is_leader(actor, document.unit_id):
        round_no = current_round(document) or 1
        last = document.review_steps.filter(round=round_no).aggregate(m=Max("order"))["m"] or 0
        step = ReviewStep.objects.create(
            document=document,
            round=round_no,
            order=last + 1,
            reviewer=actor.user,
            decision=Decision.RETURNED,
            comment=comment,
            decided_at=now,
        )
    else:
        deny(_("Chưa đến lượt bạn cho ý kiến về dự thảo này."))
    document.review_steps.filter(round=step.round, decision=Decision.PENDING).update(
        decision=Decision.SKIPPED
    )
    before = snapshot(document)
    document.status = Status.RETURNED
    # An approval taken back: the next one records what it approves.
    document.approved_at = None
    document.approved_content_sha256 = ""
    document.save(update_fields=["status", "approved_at", "approved_content_sha256", "updated_at"])
    audit(
        actor,
        "review.returned",
        document,
        before=before,
        after={**snapshot(document), "comment": comment},
    )
    return document


def _signer_title(actor, unit_id: int) -> str:
    position = (
        Position.objects.active()
        .filter(user_id=actor.user_id, unit_id=unit_id, role__in=LEADER_ROLES)
        .order_by("-is_primary", "role")
        .first()
    )
    return position.title if position else ""


def _apply_signing(document, actor, authority_prefix: str, signer_title: str, now) -> None:
    """What "Duyệt ký" by ``actor`` writes on the document (and so prints)."""
    if authority_prefix not in AuthorityPrefix.values:
        raise ServiceError(
            _("Thẩm quyền ký không hợp lệ."), code="invalid_choice", field="authority_prefix"
        )
    document.signer = actor.user
    document.signer_title = (signer_title or "").strip()[:100] or _signer_title(
        actor, document.unit_id
    )
    document.authority_prefix = authority_prefix
    document.approved_at = now


def as_signed_by(
    document: OutgoingDocument, actor, *, authority_prefix: str = "", signer_title: str = ""
) -> OutgoingDocument:
    """An unsaved copy of ``document`` as it reads once ``actor`` approves it for signing.

    The "Duyệt ký" page shows this copy, so the leader reads their own name,
    title and authority line, which the approval then checks and stores.
    """
    signed = copy.copy(document)
    _apply_signing(signed, as_actor(actor), authority_prefix, signer_title, timezone.now())
    return signed


@transaction.atomic
def draft_approve_for_signing(
    *,
    actor,
    document: OutgoingDocument,
    authority_prefix: str = "",
    signer_title: str = "",
    content_sha256: str | None = None,
) -> OutgoingDocument:
    """Duyệt ký (Art. 11, 13): a leader of the issuing unit (or their delegate) approves it.

    Every review step must be done, except the signer's own pending ones,
    which this approval completes. ``content_sha256`` is the content digest
    of what the leader was shown (``outgoing.preview``): when it is not the
    document's digest now, nothing is approved (``content_changed``). The
    digest approved is stored; issuance signs nothing else. Only a caller
    that showed nothing (the demo loader) leaves it out.
    """
    from ..preview import content_digest, require_shown_content

    actor = as_actor(actor)
    document = lock(document)
    require_state(document, Status.IN_REVIEW)
    if not is_leader(actor, document.unit_id):
        deny(_("Chỉ lãnh đạo cơ quan ban hành (hoặc người được ủy quyền) được duyệt ký."))
    if authority_prefix not in AuthorityPrefix.values:
        raise ServiceError(
            _("Thẩm quyền ký không hợp lệ."), code="invalid_choice", field="authority_prefix"
        )
    # A signer the signing plugin cannot sign for hears it now, not at issuance.
    get_signer().check_signer(document, actor.user)
    pending = document.review_steps.filter(round=current_round(document), decision=Decision.PENDING)
    if pending.exclude(reviewer_id=actor.user_id).exists():
        raise TransitionNotAllowed(
            _("Dự thảo chưa được duyệt xong theo trình tự."), code="review_pending"
        )
    before = snapshot(document)
    now = timezone.now()
    _apply_signing(document, actor, authority_prefix, signer_title, now)
    if content_sha256 is None:
        document.approved_content_sha256 = content_digest(document)
    else:
        document.approved_content_sha256 = require_shown_content(document, content_sha256)
    pending.update(decision=Decision.APPROVED, decided_at=now)
    document.status = Status.APPROVED
    refresh_search_text(document)
    document.save(
        update_fields=[
            "status",
            "signer",
            "signer_title",
            "authority_prefix",
            "approved_at",
            "approved_content_sha256",
            "search_text",
            "updated_at",
        ]
    )
    audit(actor, "document.approved", document, before=before)
    return document


__all__ = [
    "as_signed_by",
    "current_step",
    "draft_add_version",
    "draft_approve_for_signing",
    "draft_create",
    "draft_submit",
    "draft_update",
    "review_approve",
    "review_return",
    "user_of",
]
