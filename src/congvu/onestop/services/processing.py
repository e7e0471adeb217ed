"""Processing (giải quyết): steps, delay notice, payment, finish, return, stop, rating."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from congvu.accounts.models import Position
from congvu.core.errors import ServiceError, TransitionNotAllowed
from congvu.files.services import file_store
from congvu.onestop import deadlines
from congvu.procedures.fees import dossier_fees

from .. import notify
from ..constants import DossierStatus, FormCode, PauseReason
from ..models import Dossier, Rating
from . import common as c
from . import steps as st
from .reception import _fmt


def _check_assignee(assignee, step, field: str = "assignee") -> None:
    if assignee is None:
        return
    ok = (
        assignee.is_active
        and assignee.kind == "official"
        and Position.objects.active().filter(user=assignee, unit_id=step.unit_id).exists()
    )
    if not ok:
        raise ServiceError(
            _("Người được giao phải là cán bộ của “%(unit)s”.") % {"unit": step.unit.name},
            code="assignee_not_in_unit",
            field=field,
        )


def _current(dossier):
    step = dossier.current_step
    if step is None:
        raise TransitionNotAllowed(
            _("Hồ sơ chưa có bước xử lý."), code="no_current_step", field="current_step"
        )
    return step


@transaction.atomic
def dossier_step_assign(*, actor, dossier, assignee, when=None) -> Dossier:
    """Giao bước hiện tại cho một cán bộ của đơn vị thực hiện bước."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require_transition(dossier, "step_assign")
    step = _current(dossier)
    c.require(
        c.handles_step(actor, step) or c.is_leader(actor, dossier.competent_unit_id),
        _("Bạn không được phân công bước này."),
    )
    if assignee is None:
        raise ServiceError(_("Phải chọn người xử lý."), code="required", field="assignee")
    _check_assignee(assignee, step)
    before = c.before_of(dossier)
    step.assignee = assignee
    step.save(update_fields=["assignee"])
    c.event(
        dossier,
        "step_assigned",
        actor,
        _("Bước “%(step)s” giao cho %(name)s.") % {"step": step.name, "name": assignee},
        when=when,
        public=False,
    )
    c.audit(actor, "step_assign", dossier, before, step=step.pk, assignee=assignee.pk)
    notify.notify_step_assigned(step, assignee)
    return dossier


def _hand_over(dossier, actor, when, *, note: str, next_assignee=None):
    """Finish the current step and start the next one; returns the next step."""
    step = _current(dossier)
    following = st.next_step(step)
    if following is None:
        raise TransitionNotAllowed(
            _("Đây là bước cuối; hãy cập nhật kết quả xử lý."), code="last_step", field="status"
        )
    _check_assignee(next_assignee, following, "next_assignee")
    user = c.user_of(actor)
    st.finish_step(step, when, by=user, note=note)
    st.start_step(following, when, handed_by=user, assignee=next_assignee)
    dossier.current_step = following
    return following


@transaction.atomic
def dossier_step_complete(*, actor, dossier, note="", next_assignee=None, when=None) -> Dossier:
    """Hoàn thành bước hiện tại và chuyển bước tiếp theo (one row of Mẫu 05)."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require_transition(dossier, "step_complete")
    step = _current(dossier)
    c.require(c.handles_step(actor, step), _("Bạn không xử lý bước này."))
    following = st.next_step(step)
    if following is not None and following.kind == "result" or following is None:
        raise TransitionNotAllowed(
            _("Bước tiếp theo là trả kết quả: hãy cập nhật kết quả xử lý."),
            code="finish_required",
            field="status",
        )
    before = c.before_of(dossier)
    following = _hand_over(
        dossier, actor, when, note=(note or "").strip(), next_assignee=next_assignee
    )
    was_received = dossier.status == DossierStatus.RECEIVED
    dossier.status = DossierStatus.PROCESSING
    dossier.save()
    c.event(
        dossier,
        "step_completed",
        actor,
        _("Chuyển bước “%(step)s”.") % {"step": following.name},
        when=when,
        public=False,
    )
    if was_received:
        c.event(dossier, "processing", actor, _("Hồ sơ đang được xử lý."), when=when)
        notify.notify_citizen(dossier, _("đang được xử lý."))
    c.audit(actor, "step_complete", dossier, before, step=step.pk)
    notify.notify_step_assigned(following, next_assignee)
    return dossier


@transaction.atomic
def dossier_delay_notice(*, actor, dossier, reason, new_due_at, when=None) -> Dossier:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require(c.can_manage(actor, dossier), _("Bạn không được hẹn lại hồ sơ này."))
    c.require_transition(dossier, "delay_notice")
    reason = c.required_text(reason, "reason", _("Phải nêu lý do chậm trả kết quả."))
    if new_due_at is None:
        raise ServiceError(_("Phải nhập ngày hẹn mới."), code="required", field="new_due_at")
    new_due_at = c.now_or(new_due_at)
    previous = dossier.effective_due_at
    if new_due_at <= when or (previous and new_due_at <= previous):
        raise ServiceError(
            _("Ngày hẹn mới phải sau ngày hẹn hiện tại và sau thời điểm hiện tại."),
            code="new_due_not_later",
            field="new_due_at",
        )
    if not deadlines.is_office_time(new_due_at, dossier.receiving_unit):
        raise ServiceError(
            _("Ngày hẹn mới phải là giờ hành chính của ngày làm việc."),
            code="new_due_not_working_time",
            field="new_due_at",
        )
    before = c.before_of(dossier)
    dossier.extended_due_at = new_due_at
    dossier.save()
    c.record_due_change(dossier, when, previous)
    c.issue_form(
        dossier,
        FormCode.APOLOGY,
        actor,
        when,
        {"reason": reason, "previous_due_at": c.iso(previous), "new_due_at": c.iso(new_due_at)},
    )
    text = _("xin lỗi vì chậm trả kết quả (%(reason)s); hẹn lại %(due)s.") % {
        "reason": reason,
        "due": _fmt(new_due_at),
    }
    c.event(dossier, "delayed", actor, text, when=when)
    c.audit(actor, "delay_notice", dossier, before)
    notify.notify_citizen(dossier, text)
    return dossier


def fees_total(dossier) -> int:
    """The đồng fees due on the dossier's reception day; refuses a total it cannot know.

    A fee with no known amount that day (an exemption that has ended) is never
    counted as 0, and a fee in another currency is never added to đồng: the
    desk then enters the amount itself.
    """
    summary = dossier_fees(dossier)
    if not summary.complete:
        raise ServiceError(
            _("Chưa xác định được số tiền của “%(fee)s” vào ngày tiếp nhận: hãy nhập số tiền.")
            % {"fee": summary.unknown[0].name},
            code="fee_unknown",
            field="amount",
        )
    if summary.foreign and not summary.vnd:
        raise ServiceError(
            _("Phí, lệ phí của thủ tục tính bằng %(currency)s, không thu bằng đồng qua hệ thống.")
            % {"currency": summary.foreign[0].currency},
            code="fee_foreign_currency",
            field="amount",
        )
    return summary.total


@transaction.atomic
def dossier_request_payment(*, actor, dossier, amount: int | None = None, when=None) -> Dossier:
    """Yêu cầu thực hiện nghĩa vụ tài chính (status 6); the clock stops until paid."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require(c.can_manage(actor, dossier), _("Bạn không được yêu cầu nộp phí cho hồ sơ này."))
    c.require_transition(dossier, "request_payment")
    if amount is None:
        amount = fees_total(dossier)
    if not isinstance(amount, int) or amount <= 0:
        raise ServiceError(
            _("Số tiền phải nộp phải là số nguyên dương (đồng)."),
            code="invalid_amount",
            field="amount",
        )
    before = c.before_of(dossier)
    dossier.payment_amount = amount
    dossier.status = DossierStatus.AWAITING_PAYMENT
    c.open_pause(dossier, PauseReason.PAYMENT, actor, when, note=str(amount))
    dossier.save()
    text = _("chờ nộp phí, lệ phí %(amount)s đồng.") % {"amount": f"{amount:,}".replace(",", ".")}
    c.event(dossier, "payment_requested", actor, text, when=when)
    c.audit(actor, "request_payment", dossier, before, amount=amount)
    notify.notify_citizen(dossier, text)
    return dossier


@transaction.atomic
def dossier_payment_settled(*, actor, dossier, reference: str, when=None) -> Dossier:
    """The fee is paid (called by the payments app); the clock resumes. Idempotent per reference."""
    when = c.now_or(when)
    reference = c.required_text(reference, "reference", _("Thiếu mã giao dịch."))
    dossier = c.lock(dossier)
    if dossier.payment_reference == reference:
        return dossier
    c.require_transition(dossier, "payment_settled")
    before = c.before_of(dossier)
    dossier.payment_reference = reference
    c.close_pause(dossier, when)
    dossier.status = c.resume_status(dossier)
    dossier.save()
    c.event(dossier, "payment_settled", actor, _("Đã nộp phí, lệ phí."), when=when)
    c.audit(actor, "payment_settled", dossier, before, reference=reference)
    notify.notify_citizen(dossier, _("đã nhận tiền phí, lệ phí; hồ sơ tiếp tục được xử lý."))
    return dossier


@transaction.atomic
def dossier_finish(
    *, actor, dossier, result_file=None, result_document=None, note="", when=None
) -> Dossier:
    """Đã xử lý xong (status 9): the result is ready; rated against the (extended) due moment."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require_transition(dossier, "finish")
    step = _current(dossier)
    c.require(
        c.handles_step(actor, step) or c.is_leader(actor, dossier.competent_unit_id),
        _("Bạn không được cập nhật kết quả hồ sơ này."),
    )
    following = st.next_step(step)
    if step.kind != "result" and following is not None and following.kind != "result":
        raise TransitionNotAllowed(
            _("Hồ sơ còn bước “%(step)s” chưa thực hiện.") % {"step": following.name},
            code="steps_remaining",
            field="status",
        )
    before = c.before_of(dossier)
    if step.kind != "result":
        if following is not None:
            _hand_over(dossier, actor, when, note=(note or "").strip())
        else:
            st.finish_step(step, when, by=c.user_of(actor), note=(note or "").strip())
    if result_file is not None:
        file_store(actor=actor, upload=result_file, owner=dossier, purpose="result")
    if result_document is not None:
        dossier.result_document = result_document
    dossier.status = DossierStatus.DONE
    dossier.finished_at = when
    dossier.closed_at = when
    dossier.outcome = deadlines.rate(when, dossier.effective_due_at)
    dossier.save()
    c.event(dossier, "finished", actor, _("Đã có kết quả giải quyết."), when=when)
    c.audit(actor, "finish", dossier, before)
    notify.notify_citizen(dossier, _("đã có kết quả giải quyết, mời nhận kết quả."))
    return dossier


@transaction.atomic
def dossier_return_result(*, actor, dossier, when=None) -> Dossier:
    """Đã trả kết quả (status 10)."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    step = dossier.current_step
    c.require(
        c.is_desk(actor, dossier.receiving_unit_id)
        or (step is not None and step.kind == "result" and c.handles_step(actor, step)),
        _("Chỉ Bộ phận một cửa được trả kết quả."),
    )
    c.require_transition(dossier, "return_result")
    before = c.before_of(dossier)
    if step is not None and step.finished_at is None:
        st.finish_step(step, when, by=c.user_of(actor))
    dossier.status = DossierStatus.RETURNED
    dossier.returned_at = when
    dossier.save()
    c.event(dossier, "returned", actor, _("Đã trả kết quả."), when=when)
    c.audit(actor, "return_result", dossier, before)
    notify.notify_citizen(dossier, _("đã trả kết quả."))
    return dossier


@transaction.atomic
def dossier_stop(*, actor, dossier, reason, when=None) -> Dossier:
    """Dừng xử lý (status 8): the clock stops until the dossier is resumed."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require(c.can_manage(actor, dossier), _("Bạn không được dừng xử lý hồ sơ này."))
    c.require_transition(dossier, "stop")
    reason = c.required_text(reason, "reason", _("Phải nêu lý do dừng xử lý."))
    before = c.before_of(dossier)
    c.close_pause(dossier, when)
    dossier.status = DossierStatus.STOPPED
    c.open_pause(dossier, PauseReason.STOPPED, actor, when, note=reason)
    dossier.save()
    c.event(dossier, "stopped", actor, reason, when=when)
    c.audit(actor, "stop", dossier, before)
    notify.notify_citizen(dossier, _("tạm dừng xử lý. Lý do: %(r)s") % {"r": reason})
    return dossier


@transaction.atomic
def dossier_resume(*, actor, dossier, note="", when=None) -> Dossier:
    """Tiếp tục xử lý a stopped dossier; the due moments move by the stop's office time."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require(c.can_manage(actor, dossier), _("Bạn không được tiếp tục xử lý hồ sơ này."))
    c.require_transition(dossier, "resume")
    before = c.before_of(dossier)
    c.close_pause(dossier, when)
    dossier.status = c.resume_status(dossier)
    dossier.save()
    c.event(dossier, "resumed", actor, (note or "").strip() or _("Tiếp tục xử lý."), when=when)
    c.audit(actor, "resume", dossier, before)
    notify.notify_citizen(dossier, _("tiếp tục được xử lý."))
    return dossier


def rating_scale() -> int:
    # UNCONFIRMED official scale (regulations §2.5): a setting.
    return int(getattr(settings, "CONGVU_RATING_SCALE", 5))


@transaction.atomic
def dossier_rate(*, actor, dossier, score: int, comment="", when=None) -> Rating:
    """Đánh giá mức độ hài lòng, once, by the applicant, after the result."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require(c.is_applicant(actor, dossier), _("Chỉ người nộp hồ sơ được đánh giá."))
    c.require_transition(dossier, "rate")
    if Rating.objects.filter(dossier=dossier).exists():
        raise TransitionNotAllowed(
            _("Hồ sơ đã được đánh giá."), code="already_rated", field="score"
        )
    scale = rating_scale()
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= scale:
        raise ServiceError(
            _("Mức độ hài lòng phải từ 1 đến %(n)s.") % {"n": scale},
            code="invalid_score",
            field="score",
        )
    rating = Rating.objects.create(
        dossier=dossier,
        score=score,
        comment=(comment or "").strip(),
        rated_at=when,
        rated_by=c.user_of(actor),
    )
    # The statistics read the rating from the dossier row (see Dossier.rating_score).
    dossier.rating_score, dossier.rated_at = rating.score, rating.rated_at
    dossier.save(update_fields=["rating_score", "rated_at"])
    c.event(dossier, "rated", actor, _("Đã đánh giá mức độ hài lòng."), when=when, public=True)
    c.audit(actor, "rate", dossier, score=score)
    return rating
