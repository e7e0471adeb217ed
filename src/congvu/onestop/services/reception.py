"""Reception (tiếp nhận): online submission, desk registration, accept, supplement, refuse, withdraw."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from congvu.accounts.constants import ApplicantType
from congvu.core.errors import FieldError, PermissionDenied, ServiceError
from congvu.files.services import file_store
from congvu.onestop import deadlines
from congvu.procedures.constants import Channel, OnlineLevel
from congvu.procedures.selectors import units_offering

from .. import notify
from ..constants import DossierStatus, FormCode, PauseReason, ResultDelivery
from ..models import Dossier, DossierPaper
from ..uploads import PendingUpload
from . import common as c
from . import steps as st
from .pending import pending_upload_take

APPLICANT_KEYS = ("name", "id_number", "address", "phone", "email", "type")


def applicant_clean(applicant: dict) -> dict:
    """Validated applicant fields; every problem is reported with its key as the field."""
    data = {k: str((applicant or {}).get(k) or "").strip() for k in APPLICANT_KEYS}
    errors = []
    if not data["name"]:
        errors.append(FieldError("name", "required", _("Phải nhập họ và tên người nộp.")))
    phone = c.normalize_phone(data["phone"])
    if not phone:
        errors.append(
            FieldError("phone", "invalid_phone", _("Số điện thoại không hợp lệ (10–11 chữ số)."))
        )
    data["phone"] = phone
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            errors.append(
                FieldError("email", "invalid_email", _("Địa chỉ thư điện tử không hợp lệ."))
            )
    if data["id_number"] and not (
        data["id_number"].isdigit() and 9 <= len(data["id_number"]) <= 12
    ):
        errors.append(
            FieldError("id_number", "invalid_id_number", _("Số định danh cá nhân không hợp lệ."))
        )
    data["type"] = data["type"] or ApplicantType.PERSON
    if data["type"] not in ApplicantType.values:
        errors.append(FieldError("type", "invalid_choice", _("Loại người nộp không hợp lệ.")))
    if errors:
        raise ServiceError(errors[0].message, code=errors[0].code, errors=errors)
    return data


def _papers_check(version, papers, *, files_required: bool) -> None:
    given = set()
    for required, upload in papers:
        if required is not None:
            if required.version_id != version.pk:
                raise ServiceError(
                    _("Giấy tờ “%(name)s” không thuộc thủ tục này.") % {"name": required.name},
                    code="paper_not_of_procedure",
                    field="papers",
                )
            if upload is not None or not files_required:
                given.add(required.pk)
        elif upload is None:
            raise ServiceError(
                _("Giấy tờ bổ sung phải có tệp."), code="file_required", field="papers"
            )
    missing = [p for p in version.papers.filter(required=True) if p.pk not in given]
    if missing:
        raise ServiceError(
            _("Thiếu giấy tờ bắt buộc: %(names)s.") % {"names": "; ".join(p.name for p in missing)},
            code="papers_missing",
            field="papers",
        )


def _store_papers(dossier, actor, papers, round_no: int = 0) -> None:
    for required, upload in papers:
        stored = None
        if isinstance(upload, PendingUpload):  # checked and stored already: it moves over
            stored = pending_upload_take(actor=actor, pending=upload, owner=dossier)
        elif upload is not None:
            stored = file_store(actor=actor, upload=upload, owner=dossier, purpose="paper")
        DossierPaper.objects.create(
            dossier=dossier,
            required_paper=required,
            name=required.name if required is not None else (getattr(upload, "name", "") or ""),
            form=required.form if required is not None else "",
            count=required.count if required is not None else 1,
            file=stored,
            round=round_no,
        )


def _new_dossier(
    *,
    actor,
    procedure,
    receiving_unit,
    channel,
    applicant,
    subject,
    result_delivery,
    when,
    form_data=None,
):
    if not procedure.active:
        raise ServiceError(
            _("Thủ tục này không còn áp dụng."), code="procedure_inactive", field="procedure"
        )
    if result_delivery not in ResultDelivery.values:
        raise ServiceError(
            _("Nơi nhận kết quả không hợp lệ."), code="invalid_choice", field="result_delivery"
        )
    c.require_unit_code(receiving_unit)
    data = applicant_clean(applicant)
    day = st.local_day(when)
    version = st.version_in_force(procedure, day)
    _process, planned = st.planned_steps(
        procedure, version, receiving_unit, day, deadlines.clock_start(when, receiving_unit)
    )
    user = c.user_of(actor)
    return version, Dossier(
        code=c.dossier_code_allocate(receiving_unit, when),
        procedure=procedure,
        procedure_version=version,
        receiving_unit=receiving_unit,
        competent_unit=st.competent_unit_of(planned, receiving_unit),
        channel=channel,
        status=DossierStatus.SUBMITTED,
        applicant=user if user is not None and user.kind == "citizen" else None,
        applicant_type=data["type"],
        applicant_name=data["name"],
        applicant_id_number=data["id_number"],
        applicant_address=data["address"],
        applicant_phone=data["phone"],
        applicant_email=data["email"],
        subject=(subject or "").strip(),
        form_data=form_data or {},
        result_delivery=result_delivery,
        submitted_at=when,
    )


@transaction.atomic
def dossier_submit_online(
    *,
    actor,
    procedure,
    receiving_unit,
    applicant: dict,
    papers: list,
    form_data=None,
    result_delivery=ResultDelivery.OFFICE,
    subject="",
    when=None,
) -> Dossier:
    """Nộp hồ sơ trực tuyến: the dossier waits in the desk's queue (status 1, code given now)."""
    when = c.now_or(when)
    a = c.actor_of(actor)
    if a.is_authenticated and not a.is_citizen:
        raise PermissionDenied(
            _("Cán bộ tiếp nhận hồ sơ tại quầy, không nộp trực tuyến."), code="not_a_citizen"
        )
    version, dossier = _new_dossier(
        actor=actor,
        procedure=procedure,
        receiving_unit=receiving_unit,
        channel=Channel.ONLINE,
        applicant=applicant,
        subject=subject,
        result_delivery=result_delivery,
        when=when,
        form_data=form_data,
    )
    if version.online_level == OnlineLevel.NOT_ONLINE:
        raise ServiceError(
            _("Thủ tục này không cung cấp dịch vụ công trực tuyến."),
            code="procedure_not_online",
            field="procedure",
        )
    _papers_check(version, papers, files_required=True)
    dossier.save()
    _store_papers(dossier, actor, papers)
    c.event(dossier, "submitted", actor, _("Đã nộp hồ sơ trực tuyến."), when=when)
    c.audit(actor, "submit_online", dossier)
    notify.notify_citizen(
        dossier, _("đã nhận hồ sơ nộp trực tuyến, đang chờ Bộ phận một cửa tiếp nhận.")
    )
    return dossier


def _competent_checked(procedure, receiving_unit, competent_unit):
    """The unit chosen to decide a dossier received elsewhere, if it offers the procedure."""
    if competent_unit is None or competent_unit.pk == receiving_unit.pk:
        return None
    if not units_offering(procedure).filter(pk=competent_unit.pk).exists():
        raise ServiceError(
            _("%(unit)s không giải quyết thủ tục này.") % {"unit": competent_unit.name},
            code="not_competent",
            field="competent_unit",
        )
    return competent_unit


def _plan(dossier, version, day, start, competent_unit):
    """(process, planned steps, competent unit); phi địa giới when ``competent_unit`` is given.

    A dossier received at another unit's desk follows the competent unit's
    internal process, except that reception and return stay at the desk
    that received it.
    """
    unit = dossier.receiving_unit
    if competent_unit is None:
        process, planned = st.planned_steps(dossier.procedure, version, unit, day, start)
        return process, planned, st.competent_unit_of(planned, unit)
    process, planned = st.planned_steps(dossier.procedure, version, competent_unit, day, start)
    for step in planned:
        if step.kind in ("reception", "result"):
            step.unit = None
        elif step.unit is None:
            step.unit = competent_unit
    return process, planned, st.competent_unit_of(planned, competent_unit)


def _accept(dossier: Dossier, actor, when, competent_unit=None) -> Dossier:
    """Tiếp nhận: clock, due moment, book number, steps, Mẫu 01 (dossier locked, status 1)."""
    unit = dossier.receiving_unit
    day = st.local_day(when)
    version = st.version_in_force(dossier.procedure, day)
    dossier.procedure_version = version
    start = deadlines.clock_start(when, unit)
    competent_unit = _competent_checked(dossier.procedure, unit, competent_unit)
    process, planned, decider = _plan(dossier, version, day, start, competent_unit)
    dossier.process = process
    dossier.competent_unit = decider
    dossier.beyond_boundary = competent_unit is not None
    dossier.received_at = when
    dossier.received_by = c.user_of(actor)
    dossier.clock_start_at = start
    dossier.due_at = deadlines.dossier_due_at(version, start, unit)
    dossier.status = DossierStatus.RECEIVED
    c.book_number_allocate(dossier, when)
    dossier.save()
    records = st.copy_steps(dossier, planned, when, actor_user=c.user_of(actor))
    dossier.current_step = records[0]
    dossier.save(update_fields=["current_step"])
    papers, seen = [], set()
    for p in dossier.papers.filter(round=0).order_by("pk"):
        if p.required_paper_id is not None:
            if p.required_paper_id in seen:  # several files (pages) of one paper: one line
                continue
            seen.add(p.required_paper_id)
        papers.append({"name": p.name, "form": p.form, "count": p.count})
    c.issue_form(
        dossier,
        FormCode.RECEIPT,
        actor,
        when,
        {
            "received_at": c.iso(when),
            "appointment": c.iso(dossier.due_at),
            "duration_value": str(version.duration_value) if version.duration_value else None,
            "duration_unit": version.duration_unit,
            "book_year": dossier.book_year,
            "book_number": dossier.book_number,
            "papers": papers,
            "copies": dossier.copies,
            "result_delivery": dossier.result_delivery,
        },
    )
    c.event(
        dossier,
        "accepted",
        actor,
        _("Hồ sơ đã được tiếp nhận; hẹn trả kết quả %(due)s.") % {"due": _fmt(dossier.due_at)},
        when=when,
    )
    notify.notify_citizen(
        dossier, _("đã được tiếp nhận; hẹn trả kết quả %(due)s.") % {"due": _fmt(dossier.due_at)}
    )
    return dossier


def _fmt(dt) -> str:
    from django.utils import timezone

    return timezone.localtime(dt).strftime("%H:%M %d/%m/%Y") if dt else ""


@transaction.atomic
def dossier_register_direct(
    *,
    actor,
    procedure,
    receiving_unit,
    channel,
    applicant: dict,
    papers: list,
    subject="",
    result_delivery=ResultDelivery.OFFICE,
    when=None,
    competent_unit=None,
) -> Dossier:
    """Tiếp nhận trực tiếp / qua bưu chính at the desk: recorded and accepted at once (Mẫu 01).

    ``competent_unit``: phi địa giới, the unit that decides when it is not this desk's own.
    """
    when = c.now_or(when)
    c.require(
        c.is_desk(actor, receiving_unit.pk),
        _("Chỉ Bộ phận một cửa của đơn vị được tiếp nhận hồ sơ."),
    )
    if channel not in (Channel.DIRECT, Channel.POSTAL):
        raise ServiceError(
            _("Kênh tiếp nhận tại quầy là trực tiếp hoặc bưu chính."),
            code="invalid_channel",
            field="channel",
        )
    version, dossier = _new_dossier(
        actor=actor,
        procedure=procedure,
        receiving_unit=receiving_unit,
        channel=channel,
        applicant=applicant,
        subject=subject,
        result_delivery=result_delivery,
        when=when,
    )
    _papers_check(version, papers, files_required=False)
    dossier.applicant = None
    dossier.save()
    _store_papers(dossier, actor, papers)
    c.event(dossier, "registered", actor, _("Đã nhận hồ sơ tại quầy."), when=when, public=False)
    _accept(dossier, actor, when, competent_unit)
    c.audit(actor, "register_direct", dossier)
    return dossier


@transaction.atomic
def dossier_accept(*, actor, dossier, when=None, competent_unit=None) -> Dossier:
    """Tiếp nhận hồ sơ trực tuyến (status 1 → 2), with Mẫu 01 and the appointment.

    ``competent_unit``: phi địa giới, route it to another unit that decides.
    """
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require(
        c.is_desk(actor, dossier.receiving_unit_id),
        _("Chỉ Bộ phận một cửa của nơi tiếp nhận được tiếp nhận hồ sơ."),
    )
    c.require_transition(dossier, "accept")
    before = c.before_of(dossier)
    _accept(dossier, actor, when, competent_unit)
    c.audit(actor, "accept", dossier, before)
    return dossier


@transaction.atomic
def dossier_request_supplement(*, actor, dossier, items: list, reason="", when=None) -> Dossier:
    """Yêu cầu bổ sung (Mẫu 02). Once received, the clock stops until the citizen answers."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require(
        c.is_desk(actor, dossier.receiving_unit_id) or c.can_manage(actor, dossier),
        _("Bạn không được yêu cầu bổ sung hồ sơ này."),
    )
    c.require_transition(dossier, "request_supplement")
    items = [str(i).strip() for i in (items or []) if str(i).strip()]
    if not items:
        raise ServiceError(
            _("Phải nêu ít nhất một giấy tờ cần bổ sung."), code="items_required", field="items"
        )
    before = c.before_of(dossier)
    dossier.status = DossierStatus.SUPPLEMENT
    c.open_pause(dossier, PauseReason.SUPPLEMENT, actor, when, note="\n".join(items))
    dossier.save()
    c.issue_form(
        dossier,
        FormCode.SUPPLEMENT,
        actor,
        when,
        {"items": items, "reason": (reason or "").strip()},
    )
    text = _("cần bổ sung: %(items)s.") % {"items": "; ".join(items)}
    c.event(dossier, "supplement_requested", actor, text, when=when)
    c.audit(actor, "request_supplement", dossier, before)
    notify.notify_citizen(dossier, text)
    return dossier


@transaction.atomic
def dossier_supplement_answer(*, actor, dossier, uploads: list, note="", when=None) -> Dossier:
    """Bổ sung hồ sơ: the citizen (or the desk on their behalf) hands in the papers; clock resumes."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require(
        c.is_applicant(actor, dossier) or c.is_desk(actor, dossier.receiving_unit_id),
        _("Chỉ người nộp hồ sơ được bổ sung hồ sơ."),
    )
    c.require_transition(dossier, "supplement_answer")
    uploads = [(str(n or "").strip(), f) for n, f in (uploads or []) if f is not None]
    if not uploads:
        raise ServiceError(
            _("Phải tải lên ít nhất một giấy tờ bổ sung."), code="uploads_required", field="uploads"
        )
    before = c.before_of(dossier)
    round_no = max(dossier.papers.values_list("round", flat=True), default=0) + 1
    for name, upload in uploads:
        stored = file_store(actor=actor, upload=upload, owner=dossier, purpose="paper")
        DossierPaper.objects.create(
            dossier=dossier, name=name or stored.original_name, file=stored, round=round_no
        )
    c.close_pause(dossier, when)
    dossier.status = c.resume_status(dossier)
    dossier.save()
    c.event(
        dossier, "supplemented", actor, (note or "").strip() or _("Đã bổ sung hồ sơ."), when=when
    )
    c.audit(actor, "supplement_answer", dossier, before)
    notify.notify_citizen(dossier, _("đã nhận giấy tờ bổ sung."))
    return dossier


def _close(dossier, when) -> None:
    c.close_pause(dossier, when, recompute=False)
    step = dossier.current_step
    if step is not None and step.finished_at is None:
        step.finished_at = when
        step.save(update_fields=["finished_at"])
    dossier.closed_at = when


@transaction.atomic
def dossier_refuse(*, actor, dossier, reason, when=None) -> Dossier:
    """Từ chối tiếp nhận, giải quyết hồ sơ (Mẫu 03)."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require(c.can_manage(actor, dossier), _("Bạn không được từ chối hồ sơ này."))
    c.require_transition(dossier, "refuse")
    reason = c.required_text(reason, "reason", _("Phải nêu lý do từ chối."))
    before = c.before_of(dossier)
    dossier.status = DossierStatus.REFUSED
    _close(dossier, when)
    dossier.save()
    c.issue_form(dossier, FormCode.REFUSAL, actor, when, {"reason": reason})
    c.event(dossier, "refused", actor, reason, when=when)
    c.audit(actor, "refuse", dossier, before)
    notify.notify_citizen(dossier, _("không được tiếp nhận. Lý do: %(r)s") % {"r": reason})
    return dossier


@transaction.atomic
def dossier_withdraw(*, actor, dossier, reason="", when=None) -> Dossier:
    """Công dân rút hồ sơ (status 7), possible until the result is ready."""
    when = c.now_or(when)
    dossier = c.lock(dossier)
    c.require(c.is_applicant(actor, dossier), _("Chỉ người nộp được rút hồ sơ."))
    c.require_transition(dossier, "withdraw")
    before = c.before_of(dossier)
    dossier.status = DossierStatus.WITHDRAWN
    _close(dossier, when)
    if dossier.effective_due_at:
        dossier.outcome = deadlines.rate(when, dossier.effective_due_at)
    dossier.save()
    c.event(
        dossier, "withdrawn", actor, (reason or "").strip() or _("Công dân rút hồ sơ."), when=when
    )
    c.audit(actor, "withdraw", dossier, before)
    notify.notify_citizen(dossier, _("đã được rút theo yêu cầu."))
    return dossier
