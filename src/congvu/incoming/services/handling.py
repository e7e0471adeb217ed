"""Presentation, direction and processing of incoming documents (Art. 23, 24)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.constants import LEADER_ROLES
from congvu.accounts.models import User
from congvu.core.errors import ServiceError, TransitionNotAllowed
from congvu.events.services import publish
from congvu.org.models import Unit

from ..constants import Action, AssignmentRole, AssignmentStatus, Status
from ..models import Assignment, IncomingDocument
from ..notify import notify_urgent, unit_people
from .common import (
    actor_of,
    audit,
    before_of,
    entry,
    holds_position_in,
    in_subtree,
    is_clerk,
    is_leader,
    is_main_handler,
    lock,
    my_assignments,
    not_leader_message,
    require,
    require_status,
    user_of,
)
from .files import attach_files

HANDLING = {Status.DIRECTED, Status.IN_PROGRESS}


@transaction.atomic
def incoming_present(
    *, actor, document: IncomingDocument, to_user, note: str = ""
) -> IncomingDocument:
    """Trình: the văn thư (or the office chief it was presented to) passes it to a leader."""
    a = actor_of(actor)
    document = lock(document)
    require(
        is_clerk(a, document.unit_id)
        or (document.presented_to_id is not None and document.presented_to_id == a.user_id),
        _("Chỉ văn thư của đơn vị (hoặc người được trình) mới được trình văn bản."),
    )
    require_status(
        document,
        {Status.REGISTERED, Status.PRESENTED},
        _("Văn bản đang ở trạng thái %(status)s, không trình được."),
    )
    if to_user is None or not holds_position_in(to_user, in_subtree(document.unit_id)):
        raise ServiceError(
            _("Người nhận trình phải là cán bộ đang công tác tại đơn vị nhận văn bản."),
            code="invalid_recipient",
            field="to_user",
        )
    before = before_of(document)
    document.status = Status.PRESENTED
    document.presented_to = to_user
    document.presented_at = timezone.now()
    document.save(update_fields=["status", "presented_to", "presented_at", "updated_at"])
    entry(
        document,
        a,
        Action.PRESENTED,
        note=_("Trình %(name)s. %(note)s") % {"name": to_user, "note": note or ""},
    )
    audit(a, "presented", document, before)
    notify_urgent(document, [to_user], reason=_("Văn bản khẩn được trình, cần chỉ đạo ngay."))
    return document


def _assignees(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [v for v in value if v is not None]
    return [value]


def _check_assignee(target, field: str):
    if isinstance(target, Unit):
        if not target.is_active:
            raise ServiceError(
                _("Đơn vị %(name)s không còn hoạt động.") % {"name": target.name},
                code="inactive_unit",
                field=field,
            )
        return {"unit": target}
    if isinstance(target, User):
        if not (target.is_active and target.is_official):
            raise ServiceError(
                _("Người được giao phải là cán bộ đang hoạt động."),
                code="invalid_assignee",
                field=field,
            )
        return {"user": target}
    raise ServiceError(_("Người hoặc đơn vị được giao không hợp lệ."), code="invalid", field=field)


@transaction.atomic
def incoming_direct(
    *,
    actor,
    document: IncomingDocument,
    instruction: str,
    main,
    coordinators=(),
    informed=(),
    deadline: datetime.date | None = None,
) -> list[Assignment]:
    """Chỉ đạo: a leader of the receiving unit assigns chủ trì, phối hợp and nhận để biết."""
    a = actor_of(actor)
    document = lock(document)
    require(is_leader(a, document.unit_id), not_leader_message(), code="not_leader")
    require_status(
        document,
        {Status.REGISTERED, Status.PRESENTED},
        _("Văn bản đang ở trạng thái %(status)s, không chỉ đạo được."),
    )
    if main is None:
        raise ServiceError(
            _("Phải chọn đơn vị hoặc cán bộ chủ trì xử lý."), code="required", field="main"
        )
    if deadline is not None and deadline < timezone.localdate():
        raise ServiceError(
            _("Hạn xử lý không được trước ngày hôm nay."), code="invalid_deadline", field="deadline"
        )
    plan = [(AssignmentRole.MAIN, main, "main")]
    plan += [(AssignmentRole.COORDINATE, t, "coordinators") for t in _assignees(coordinators)]
    plan += [(AssignmentRole.INFO, t, "informed") for t in _assignees(informed)]
    seen = set()
    before = before_of(document)
    deadline = deadline or document.deadline
    created = []
    user = user_of(a)
    for role, target, field in plan:
        who = _check_assignee(target, field)
        if role != AssignmentRole.INFO and who.get("user") is not None and target.pk == a.user_id:
            # Directing is handing the work to someone else; a leader who handles it himself
            # posts progress as leader, so naming himself only hides who is accountable.
            raise ServiceError(
                _("Lãnh đạo không tự giao cho mình chủ trì hoặc phối hợp xử lý."),
                code="self_assignment",
                field=field,
            )
        own_unit = who.get("unit") is not None and target.pk == document.unit_id
        if role != AssignmentRole.INFO and own_unit:
            # The receiving body is the one directing: handing the work to itself names
            # nobody accountable; chủ trì/phối hợp is a unit under it or a person.
            raise ServiceError(
                _("Không giao cho chính %(name)s chủ trì hoặc phối hợp xử lý.")
                % {"name": target.name},
                code="own_unit",
                field=field,
            )
        key = (type(target).__name__, target.pk)
        if key in seen:
            raise ServiceError(
                _("%(name)s được chọn nhiều lần.") % {"name": target},
                code="duplicate_assignee",
                field=field,
            )
        seen.add(key)
        created.append(
            Assignment.objects.create(
                document=document,
                role=role,
                deadline=deadline if role != AssignmentRole.INFO else None,
                instruction=instruction or "",
                assigned_by=user,
                **who,
            )
        )
    document.status = Status.DIRECTED
    document.deadline = deadline
    document.save(update_fields=["status", "deadline", "updated_at"])
    entry(document, a, Action.DIRECTED, note=instruction)
    for assignment in created:
        entry(document, a, Action.ASSIGNED, note=str(assignment), assignment=assignment)
    publish(
        "incoming.assigned",
        {"document_id": document.pk, "assignment_ids": [c.pk for c in created]},
        key=document,
    )
    audit(a, "directed", document, before)
    people = []
    for assignment in created:
        if assignment.role == AssignmentRole.INFO:
            continue
        if assignment.user_id:
            people.append(assignment.user)
        else:
            people += unit_people(assignment.unit_id, LEADER_ROLES)
    notify_urgent(document, people, reason=_("Bạn được giao xử lý một văn bản khẩn."))
    return created


@transaction.atomic
def assignment_forward(*, actor, assignment: Assignment, to_user, note: str = "") -> Assignment:
    """Chuyển xử lý: the head of an assigned unit passes the assignment to one of its staff."""
    a = actor_of(actor)
    document = lock(assignment.document)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    require(
        assignment.unit_id is not None and is_leader(a, assignment.unit_id),
        _("Chỉ lãnh đạo đơn vị được giao mới được chuyển cho cán bộ xử lý."),
        code="not_unit_head",
    )
    require_status(
        document, HANDLING, _("Văn bản đang ở trạng thái %(status)s, không chuyển xử lý được.")
    )
    if assignment.status != AssignmentStatus.OPEN:
        raise TransitionNotAllowed(
            _("Phân công này đã xong."), code="assignment_closed", field="assignment"
        )
    if to_user is None or not holds_position_in(to_user, in_subtree(assignment.unit_id)):
        raise ServiceError(
            _("Người nhận phải là cán bộ của đơn vị được giao."),
            code="invalid_recipient",
            field="to_user",
        )
    before = before_of(document)
    child = Assignment.objects.create(
        document=document,
        unit=assignment.unit,
        user=to_user,
        role=assignment.role,
        deadline=assignment.deadline,
        instruction=note or "",
        assigned_by=user_of(a),
        parent=assignment,
    )
    entry(document, a, Action.FORWARDED, note=note, assignment=child)
    publish(
        "incoming.assigned",
        {"document_id": document.pk, "assignment_ids": [child.pk]},
        key=document,
    )
    _start_handling(document)  # after the assignment: 04 goes out before 05
    audit(a, "forwarded", document, before, entity="assignment", obj=child)
    if child.role != AssignmentRole.INFO:
        notify_urgent(document, [to_user], reason=_("Bạn được giao xử lý một văn bản khẩn."))
    return child


def _start_handling(document: IncomingDocument) -> None:
    """Đã chỉ đạo → đang xử lý, once: the first forward or progress entry (status 05 to an edXML sender)."""
    if document.status != Status.DIRECTED:
        return
    document.status = Status.IN_PROGRESS
    document.save(update_fields=["status", "updated_at"])
    publish("incoming.in_progress", {"document_id": document.pk}, key=document)


def _handler_assignment(a, document):
    mine = my_assignments(a, document, roles={AssignmentRole.MAIN, AssignmentRole.COORDINATE})
    return mine[0] if mine else None


@transaction.atomic
def incoming_progress(
    *, actor, document: IncomingDocument, note: str, files=()
) -> IncomingDocument:
    """Cập nhật tiến độ: a handler (chủ trì/phối hợp) or a leader posts progress and results."""
    a = actor_of(actor)
    document = lock(document)
    mine = _handler_assignment(a, document)
    require(
        mine is not None or is_leader(a, document.unit_id),
        _("Chỉ người được giao chủ trì, phối hợp hoặc lãnh đạo mới cập nhật tiến độ."),
        code="not_handler",
    )
    require_status(
        document, HANDLING, _("Văn bản đang ở trạng thái %(status)s, không cập nhật tiến độ được.")
    )
    if not (note or "").strip() and not files:
        raise ServiceError(_("Phải nhập nội dung tiến độ."), code="required", field="note")
    before = before_of(document)
    _start_handling(document)
    attach_files(actor=a, document=document, files=files)
    entry(document, a, Action.PROGRESS, note=note, assignment=mine)
    audit(a, "progressed", document, before)
    return document


@transaction.atomic
def incoming_link_reply(
    *,
    actor,
    document: IncomingDocument,
    reply=None,
    reply_type: str = "",
    reply_id: str = "",
    reply_label: str = "",
) -> IncomingDocument:
    """Gắn văn bản trả lời: link the outgoing reply (a model instance, or type/id/label)."""
    a = actor_of(actor)
    document = lock(document)
    require(
        _handler_assignment(a, document) is not None
        or is_clerk(a, document.unit_id)
        or is_leader(a, document.unit_id),
        _("Chỉ người xử lý, văn thư hoặc lãnh đạo mới gắn được văn bản trả lời."),
        code="not_handler",
    )
    require_status(
        document,
        HANDLING | {Status.COMPLETED},
        _("Văn bản đang ở trạng thái %(status)s, không gắn văn bản trả lời được."),
    )
    if reply is not None:
        reply_type = reply._meta.label_lower
        reply_id = str(reply.pk)
        reply_label = reply_label or str(reply)
    if not reply_type or not reply_id:
        raise ServiceError(_("Phải chọn văn bản trả lời."), code="required", field="reply")
    before = before_of(document)
    document.reply_type = reply_type[:100]
    document.reply_id = str(reply_id)[:64]
    document.reply_label = (reply_label or reply_id)[:255]
    document.save(update_fields=["reply_type", "reply_id", "reply_label", "updated_at"])
    entry(document, a, Action.REPLY_LINKED, note=document.reply_label)
    audit(a, "reply_linked", document, before)
    return document


@transaction.atomic
def incoming_complete(*, actor, document: IncomingDocument, note: str = "") -> IncomingDocument:
    """Hoàn thành: only the chủ trì handler closes the document."""
    a = actor_of(actor)
    document = lock(document)
    require(
        is_main_handler(a, document),
        _("Chỉ người chủ trì xử lý mới được hoàn thành văn bản."),
        code="not_main_handler",
    )
    require_status(
        document, HANDLING, _("Văn bản đang ở trạng thái %(status)s, không hoàn thành được.")
    )
    before = before_of(document)
    document.status = Status.COMPLETED
    document.completed_at = timezone.now()
    document.save(update_fields=["status", "completed_at", "updated_at"])
    document.assignments.filter(status=AssignmentStatus.OPEN).update(
        status=AssignmentStatus.DONE, updated_at=timezone.now()
    )
    entry(document, a, Action.COMPLETED, note=note)
    publish("incoming.done", {"document_id": document.pk}, key=document)
    audit(a, "completed", document, before)
    return document


@transaction.atomic
def incoming_complete_by_reply(*, actor, document: IncomingDocument, reply) -> IncomingDocument:
    """Hoàn thành bằng văn bản trả lời: the issued reply closes the document it answers.

    ``reply`` is an issued outgoing document whose ``reply_to`` is this document,
    issued by the receiving unit or an agency above it; the actor is whoever issued it.
    """
    a = actor_of(actor)
    document = lock(document)
    label = getattr(reply, "number_notation", "") or str(reply)
    answers = (
        getattr(reply, "reply_to_type", "") == document._meta.label_lower
        and str(getattr(reply, "reply_to_id", "")) == str(document.pk)
        and getattr(reply, "status", "") == "issued"
    )
    require(
        answers and document.unit_id in in_subtree(reply.unit_id),
        _("Văn bản này không phải văn bản trả lời đã ban hành của văn bản đến."),
        code="not_a_reply",
    )
    require_status(
        document, HANDLING, _("Văn bản đang ở trạng thái %(status)s, không hoàn thành được.")
    )
    before = before_of(document)
    document.reply_type = reply._meta.label_lower
    document.reply_id = str(reply.pk)
    document.reply_label = label[:255]
    document.status = Status.COMPLETED
    document.completed_at = timezone.now()
    document.save(
        update_fields=[
            "reply_type",
            "reply_id",
            "reply_label",
            "status",
            "completed_at",
            "updated_at",
        ]
    )
    document.assignments.filter(status=AssignmentStatus.OPEN).update(
        status=AssignmentStatus.DONE, updated_at=timezone.now()
    )
    entry(document, a, Action.REPLY_LINKED, note=document.reply_label)
    entry(
        document,
        a,
        Action.COMPLETED,
        note=_("Hoàn thành bằng văn bản trả lời số %(label)s.") % {"label": label},
    )
    publish("incoming.done", {"document_id": document.pk, "reply_id": reply.pk}, key=document)
    audit(a, "completed_by_reply", document, before)
    return document


@transaction.atomic
def incoming_return(*, actor, document: IncomingDocument, reason: str) -> IncomingDocument:
    """Trả lại nơi gửi (Art. 21(2)(b)): wrongly addressed or invalid, before it is directed."""
    a = actor_of(actor)
    document = lock(document)
    require(
        is_clerk(a, document.unit_id) or is_leader(a, document.unit_id),
        _("Chỉ văn thư hoặc lãnh đạo đơn vị nhận mới được trả lại văn bản."),
    )
    require_status(
        document,
        {Status.PENDING, Status.REGISTERED, Status.PRESENTED},
        _("Văn bản đang ở trạng thái %(status)s, không trả lại được."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Phải ghi lý do trả lại."), code="required", field="reason")
    before = before_of(document)
    document.status = Status.RETURNED
    document.return_reason = reason
    document.save(update_fields=["status", "return_reason", "updated_at"])
    entry(document, a, Action.RETURNED, note=reason)
    audit(a, "returned", document, before)
    return document


@transaction.atomic
def incoming_reopen(*, actor, document: IncomingDocument, reason: str) -> IncomingDocument:
    """Mở lại: a leader reopens a completed or returned document."""
    a = actor_of(actor)
    document = lock(document)
    require(is_leader(a, document.unit_id), not_leader_message(), code="not_leader")
    require_status(
        document,
        {Status.COMPLETED, Status.RETURNED},
        _("Văn bản đang ở trạng thái %(status)s, không mở lại được."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Phải ghi lý do mở lại."), code="required", field="reason")
    before = before_of(document)
    if document.assignments.exists():
        document.status = Status.IN_PROGRESS
        document.assignments.filter(status=AssignmentStatus.DONE).update(
            status=AssignmentStatus.OPEN, updated_at=timezone.now()
        )
    elif document.arrival_number:
        document.status = Status.REGISTERED
    else:
        document.status = Status.PENDING
    document.completed_at = None
    document.save(update_fields=["status", "completed_at", "updated_at"])
    entry(document, a, Action.REOPENED, note=reason)
    audit(a, "reopened", document, before)
    return document


def can(actor, document: IncomingDocument) -> dict[str, bool]:
    """Which actions the actor may offer on ``document`` (for pages and the API)."""
    a = actor_of(actor)
    s = document.status
    clerk = is_clerk(a, document.unit_id)
    leader = is_leader(a, document.unit_id)
    handler = _handler_assignment(a, document) is not None
    forwardable = [
        x
        for x in document.assignments.all()
        if x.status == AssignmentStatus.OPEN and x.unit_id and is_leader(a, x.unit_id)
    ]
    return {
        "register_pending": clerk and s == Status.PENDING,
        "present": s in (Status.REGISTERED, Status.PRESENTED)
        and (
            clerk
            or (document.presented_to_id is not None and document.presented_to_id == a.user_id)
        ),
        "direct": leader and s in (Status.REGISTERED, Status.PRESENTED),
        "forward": bool(forwardable) and s in HANDLING,
        "progress": (handler or leader) and s in HANDLING,
        "link_reply": (handler or clerk or leader) and s in HANDLING | {Status.COMPLETED},
        "complete": is_main_handler(a, document) and s in HANDLING,
        "return": (clerk or leader) and s in (Status.PENDING, Status.REGISTERED, Status.PRESENTED),
        "reopen": leader and s in (Status.COMPLETED, Status.RETURNED),
        "forwardable": forwardable,
    }
