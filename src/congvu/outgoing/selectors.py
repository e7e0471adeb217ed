"""Reads of văn bản đi, always through ``restrict``."""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congvu.core.authz import as_actor
from congvu.core.lookups import in_subquery
from congvu.core.text import fold
from congvu.incoming.people import labelled
from congvu.incoming.people import search as people_search

from .constants import (
    CONG_VAN,
    REMOTE_OBJECT_TYPE,
    SIGNING_PROBLEMS,
    Decision,
    RecipientKind,
    Status,
)
from .models import OutgoingDocument, ReviewStep
from .notation import unit_short
from .policies import UNIT_WIDE_ROLES, units_with

#: Tabs of the list page: key → label.
TABS = {
    "all": gettext_lazy("Tất cả"),
    "drafts": gettext_lazy("Dự thảo"),
    "review": gettext_lazy("Chờ tôi cho ý kiến"),
    "sign": gettext_lazy("Chờ duyệt ký"),
    "issue": gettext_lazy("Chờ phát hành"),
    "signing": gettext_lazy("Chờ ký số"),
    "issued": gettext_lazy("Đã ban hành"),
}


def documents(*, actor, action: str = "view"):
    return (
        OutgoingDocument.objects.restrict(actor, action)
        .select_related("unit", "drafting_unit", "document_type", "drafted_by", "signer")
        .order_by("-urgency", "-created_at")
    )


def document_for(*, actor, pk: int, action: str = "view") -> OutgoingDocument:
    """One document in scope, or 404."""
    return get_object_or_404(documents(actor=actor, action=action), pk=pk)


def _current_step_of(user_id):
    """Documents in review whose earliest pending step of the latest round is ``user_id``'s."""
    latest = (
        ReviewStep.objects.filter(document=OuterRef("document"))
        .order_by("-round")
        .values("round")[:1]
    )
    earlier = ReviewStep.objects.filter(
        document=OuterRef("document"),
        round=OuterRef("round"),
        decision=Decision.PENDING,
        order__lt=OuterRef("order"),
    )
    return (
        ReviewStep.objects.filter(reviewer_id=user_id, decision=Decision.PENDING)
        .filter(round=latest)
        .filter(~Exists(earlier))
        .values("document_id")
    )


# The categories of "Việc của tôi" are conditions (``*_q``) on top of ``documents()``,
# so the inbox can count several of them in one query with the same membership.


def to_review_q(actor) -> Q:
    actor = as_actor(actor)
    return Q(status=Status.IN_REVIEW) & Q(in_subquery("pk", _current_step_of(actor.user_id)))


def to_review(*, actor):
    """Chờ tôi cho ý kiến."""
    return documents(actor=actor).filter(to_review_q(actor))


def to_sign_q(actor) -> Q:
    from congvu.accounts.constants import LEADER_ROLES

    actor = as_actor(actor)
    led = units_with(actor, LEADER_ROLES)
    others_pending = ReviewStep.objects.filter(
        document=OuterRef("pk"), decision=Decision.PENDING
    ).exclude(reviewer_id=actor.user_id)
    return Q(status=Status.IN_REVIEW, unit_id__in=led) & ~Q(Exists(others_pending))


def to_sign(*, actor):
    """Chờ duyệt ký: in review in a unit the actor leads, with no step left but the actor's own."""
    return documents(actor=actor).filter(to_sign_q(actor))


def to_issue_q(actor) -> Q:
    from congvu.accounts.constants import Role

    return Q(status=Status.APPROVED, unit_id__in=units_with(as_actor(actor), {Role.CLERK}))


def to_issue(*, actor):
    """Chờ phát hành: approved documents of units where the actor is văn thư."""
    return documents(actor=actor).filter(to_issue_q(actor))


def _remote_requests():
    """The remote-signing requests of the outer query's document (``signatures`` sits below)."""
    from congvu.signatures.models import RemoteSigningRequest

    return RemoteSigningRequest.objects.filter(
        object_type=REMOTE_OBJECT_TYPE,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )


def awaiting_signature_q(actor) -> Q:
    """Numbered, waiting for the signer's remote signature (Chờ ký số), in the văn thư's units."""
    from congvu.accounts.constants import Role

    return Q(status=Status.SIGNING, unit_id__in=units_with(as_actor(actor), {Role.CLERK}))


def signing_attention_q(actor) -> Q:
    """Waiting documents whose request was refused or expired: nothing pending, the văn thư acts."""
    from congvu.signatures.models import RemoteRequestStatus

    pending = _remote_requests().filter(status=RemoteRequestStatus.PENDING)
    return awaiting_signature_q(actor) & ~Q(Exists(pending))


def awaiting_signature(*, actor):
    """Chờ ký số: the văn thư's numbered documents waiting for a remote signature."""
    return documents(actor=actor).filter(awaiting_signature_q(actor))


def signing_attention(*, actor):
    """Ký số bị từ chối / hết hạn: what the văn thư must send again or void (hủy số)."""
    return documents(actor=actor).filter(signing_attention_q(actor))


def with_signing_state(qs):
    """Annotate ``remote_state``, the latest remote-signing request's state (``status_label``)."""
    return qs.annotate(
        remote_state=Subquery(_remote_requests().order_by("-pk").values("status")[:1])
    )


def signing_queue_order(qs):
    """Chờ ký số as the văn thư works it: those needing him (refused, expired) first, then the
    oldest wait; each with ``remote_state`` (:func:`with_signing_state`)."""
    return (
        with_signing_state(qs)
        .annotate(
            attention=Case(
                When(remote_state__in=list(SIGNING_PROBLEMS), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("attention", "issued_at", "pk")
    )


def document_list(*, actor, tab: str = "all", query: str = ""):
    actor = as_actor(actor)
    if tab == "review":
        qs = to_review(actor=actor)
    elif tab == "sign":
        qs = to_sign(actor=actor)
    elif tab == "issue":
        qs = to_issue(actor=actor)
    elif tab == "signing":
        qs = signing_queue_order(awaiting_signature(actor=actor))
    else:
        qs = documents(actor=actor)
        if tab == "drafts":
            qs = qs.filter(
                status__in=[Status.DRAFT, Status.RETURNED, Status.IN_REVIEW],
            ).filter(
                Q(drafted_by_id=actor.user_id) | Q(unit_id__in=units_with(actor, UNIT_WIDE_ROLES))
            )
        elif tab == "issued":
            qs = qs.filter(status__in=[Status.ISSUED, Status.RECALLED, Status.REPLACED])
    needle = fold(query)
    if needle:
        qs = qs.filter(search_text__contains=needle)
    if tab != "signing":
        qs = with_signing_state(qs)
    return qs


def recipient_lines(document: OutgoingDocument) -> list[str]:
    """The "Nơi nhận:" block: one line per recipient, ending with "- Lưu: VT, {unit}."."""
    recipients = list(document.recipients.select_related("unit"))
    main = [r for r in recipients if r.kind == RecipientKind.MAIN]
    info = [r for r in recipients if r.kind == RecipientKind.INFO]
    lines = []
    if document.document_type.code == CONG_VAN and main:
        lines.append(_("- Như trên;"))
    else:
        lines += [f"- {r.name};" for r in main]
    lines += [f"- {r.name};" for r in info]
    short = unit_short(document.drafting_unit) if document.drafting_unit_id else ""
    lines.append(_("- Lưu: VT, %(unit)s.") % {"unit": short} if short else _("- Lưu: VT."))
    return lines


def addressees(document: OutgoingDocument) -> list[str]:
    """ "Kính gửi" of a công văn: the main recipients."""
    return [
        r.name for r in document.recipients.select_related("unit") if r.kind == RecipientKind.MAIN
    ]


def review_chain(document: OutgoingDocument):
    return document.review_steps.select_related("reviewer").order_by("round", "order")


def drafting_units(*, actor):
    """Units the actor may draft for: where they hold a position, and the agencies above them."""
    from congvu.org.models import Unit

    actor = as_actor(actor)
    own = Unit.objects.filter(pk__in=actor.unit_ids)
    parents = own.exclude(parent=None).values("parent_id")
    return (
        Unit.objects.restrict(actor, "view")
        .filter(Q(pk__in=actor.unit_ids) | Q(pk__in=parents))
        .order_by("path")
    )


def recipient_units(*, actor):
    """Units a document can be sent to inside congvu (every active unit the actor may see)."""
    from congvu.org.models import Unit
    from congvu.org.selectors import active_units

    visible = Unit.objects.restrict(actor, "view").values("pk")
    return active_units().filter(pk__in=visible).order_by("path")


def reply_target(*, actor, pk) -> object | None:
    """The văn bản đến a new draft answers (văn bản trả lời), if the actor may see it."""
    from congvu.incoming.models import IncomingDocument

    try:
        return IncomingDocument.objects.restrict(actor, "view").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def reply_initial(*, actor, incoming) -> dict:
    """What a reply draft starts with: the issuer as recipient, Công văn, and its trích yếu.

    An issuer inside congvu is chosen as a unit (delivered electronically); any
    other is written as an external recipient with the address on file.
    """
    from congvu.registry.models import DocumentType

    cong_van = DocumentType.objects.filter(code=CONG_VAN, active=True).first()
    type_name = incoming.document_type.name if incoming.document_type_id else _("văn bản")
    issuer = incoming.issuer_name or (incoming.issuer_unit.name if incoming.issuer_unit_id else "")
    subject = _("V/v trả lời %(type)s số %(notation)s ngày %(date)s của %(issuer)s") % {
        "type": type_name,
        "notation": incoming.number_notation,
        "date": incoming.document_date.strftime("%d/%m/%Y") if incoming.document_date else "",
        "issuer": issuer,
    }
    initial = {
        "unit": incoming.unit_id,
        "document_type": cong_van.pk if cong_van else None,
        "subject": " ".join(subject.split()),
    }
    internal = (
        incoming.issuer_unit_id
        and recipient_units(actor=actor).filter(pk=incoming.issuer_unit_id).exists()
    )
    if internal:
        initial["main_units"] = [incoming.issuer_unit_id]
    elif issuer:
        address = incoming.issuer_external.address if incoming.issuer_external_id else ""
        initial["external"] = f"{issuer} | {address}" if address else issuer
    return initial


def reply_of(document):
    """The văn bản đến this document answers, or None (the link is generic)."""
    from congvu.incoming.models import IncomingDocument

    if document.reply_to_type != IncomingDocument._meta.label_lower or not document.reply_to_id:
        return None
    return IncomingDocument.objects.filter(pk=document.reply_to_id).first()


def reviewer_choices(*, document, query: str = ""):
    """Officials holding an active position in the issuing or drafting unit, but the drafter.

    With ``query``, only those whose name, position or unit matches it without accents.
    A queryset (the form validates against it); its pickers sort it in Vietnamese order
    (``forms.PersonChoiceField``), which the database cannot.
    """
    from congvu.accounts.models import Position, User

    unit_ids = {document.unit_id, document.drafting_unit_id} - {None}
    holders = Position.objects.active().filter(unit_id__in=unit_ids).values("user_id")
    people = (
        User.objects.filter(pk__in=holders, is_active=True)
        .exclude(pk=document.drafted_by_id)
        .order_by("full_name")
    )
    if fold(query):
        keep = [u.pk for u, _label in people_search(reviewer_labels(document, people), query)]
        people = people.filter(pk__in=keep)
    return people


def reviewer_labels(document, people) -> list[tuple]:
    """``(user, "name — position, unit")``, the position in the issuing or drafting unit first."""
    return labelled(people, {document.unit_id, document.drafting_unit_id} - {None})


def next_number_preview(*, actor, document) -> dict | None:
    """The register and number issuing would take now (a preview: issuing decides under a lock).

    None when that register exists but is outside what the actor may see.
    """
    from congvu.registry.constants import Direction
    from congvu.registry.models import Register
    from congvu.registry.services import register_name, sequence_key_for

    year = timezone.localdate().year
    key = sequence_key_for(
        unit=document.unit, direction=Direction.OUTGOING, document_type=document.document_type
    )
    lookup = {
        "unit_id": document.unit_id,
        "direction": Direction.OUTGOING,
        "year": year,
        "secrecy": document.secrecy,
        "sequence_key": key,
    }
    register = Register.objects.restrict(actor, "view").filter(**lookup).first()
    if register is None and Register.objects.filter(**lookup).exists():
        return None
    if register is None:
        typed = None if key == "*" else document.document_type
        name = register_name(
            unit=document.unit,
            direction=Direction.OUTGOING,
            year=year,
            secrecy=document.secrecy,
            document_type=typed,
        )
        return {"register": name, "number": 1, "closed": False}
    return {
        "register": register.name,
        "number": register.last_number + 1,
        "closed": register.is_closed,
    }


def draft_files(document):
    """Draft versions (newest first) and the issued PDF, as stored files."""
    from congvu.files.selectors import files_of

    return list(files_of(document, "draft").order_by("-version"))


def issued_attachments(document) -> list:
    """The agency-signed attachments (văn bản kèm theo) made at issuance, in upload order."""
    if not document.issued_file_id:
        return []
    from congvu.signatures.attachments import signed_attachments

    return signed_attachments(document)


def actions_for(*, actor, document) -> dict[str, bool]:
    """Which action buttons the detail page shows (the services still decide)."""
    from congvu.accounts.constants import LEADER_ROLES, Role

    from .services import current_step
    from .services.common import may_draft_for

    actor = as_actor(actor)
    uid = actor.user_id
    status = document.status
    leader = bool(actor.roles.get(document.unit_id, set()) & set(LEADER_ROLES))
    clerk = actor.has_role(Role.CLERK, document.unit_id)
    drafter = document.drafted_by_id == uid
    step = current_step(document) if status == Status.IN_REVIEW else None
    my_turn = step is not None and step.reviewer_id == uid
    others_pending = (
        status == Status.IN_REVIEW
        and document.review_steps.filter(decision=Decision.PENDING)
        .exclude(reviewer_id=uid)
        .exists()
    )
    editable = status in (Status.DRAFT, Status.RETURNED)
    issued = status == Status.ISSUED
    return {
        "edit": editable and drafter,
        "submit": editable and drafter,
        "add_version": (editable and drafter) or my_turn,
        "review": my_turn,
        # An approved document not yet issued can be taken back (read before signing).
        "return": my_turn or (status in (Status.IN_REVIEW, Status.APPROVED) and leader),
        "sign": status == Status.IN_REVIEW and leader and not others_pending,
        "issue": status == Status.APPROVED and clerk,
        "recall": issued and (leader or clerk),
        "replace": issued and may_draft_for(actor, document.unit, document.drafting_unit),
        "correct": issued and may_draft_for(actor, document.unit, document.drafting_unit),
    }
