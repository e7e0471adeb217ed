"""The action pages of a dossier (/app/mot-cua/<pk>/<action>/): one form, one service call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from congvu.accounts.models import Position
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError
from congvu.web.access import official_required

from . import forms as f
from . import selectors, services
from .services.steps import next_step
from .views import dossier_for, form_error


@dataclass(frozen=True)
class Action:
    form: Any
    title: Any
    submit: Any
    call: Any
    done: Any
    danger: bool = False
    people: bool = False


def _unit_people(unit_id) -> list:
    if unit_id is None:
        return []
    positions = (
        Position.objects.active()
        .filter(unit_id=unit_id, user__is_active=True, user__kind="official")
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )
    seen, users = set(), []
    for p in positions:
        if p.user_id not in seen:
            seen.add(p.user_id)
            users.append(p.user)
    return users


ACTIONS: dict[str, Action] = {
    "accept": Action(
        f.NoteForm,
        _("Tiếp nhận hồ sơ"),
        _("Tiếp nhận và cấp Giấy tiếp nhận (Mẫu 01)"),
        lambda a, d, data, form: services.dossier_accept(actor=a, dossier=d),
        _("Đã tiếp nhận hồ sơ."),
    ),
    "request_supplement": Action(
        f.SupplementForm,
        _("Yêu cầu bổ sung hồ sơ (Mẫu 02)"),
        _("Gửi yêu cầu bổ sung"),
        lambda a, d, data, form: services.dossier_request_supplement(
            actor=a, dossier=d, items=data["items"], reason=data["reason"]
        ),
        _("Đã yêu cầu bổ sung hồ sơ."),
    ),
    "supplement_answer": Action(
        f.SupplementAnswerForm,
        _("Nhận hồ sơ bổ sung tại quầy"),
        _("Ghi nhận bổ sung"),
        lambda a, d, data, form: services.dossier_supplement_answer(
            actor=a, dossier=d, uploads=[(data["name"], data["file"])], note=data["note"]
        ),
        _("Đã ghi nhận hồ sơ bổ sung."),
    ),
    "refuse": Action(
        f.ReasonForm,
        _("Từ chối hồ sơ (Mẫu 03)"),
        _("Từ chối"),
        lambda a, d, data, form: services.dossier_refuse(actor=a, dossier=d, reason=data["reason"]),
        _("Đã từ chối hồ sơ."),
        danger=True,
    ),
    "step_assign": Action(
        f.AssignForm,
        _("Phân công xử lý"),
        _("Phân công"),
        lambda a, d, data, form: services.dossier_step_assign(
            actor=a, dossier=d, assignee=form.person()
        ),
        _("Đã phân công."),
        people=True,
    ),
    "step_complete": Action(
        f.CompleteForm,
        _("Hoàn thành bước và chuyển tiếp"),
        _("Chuyển bước tiếp theo"),
        lambda a, d, data, form: services.dossier_step_complete(
            actor=a, dossier=d, note=data["note"], next_assignee=form.person()
        ),
        _("Đã chuyển bước tiếp theo."),
        people=True,
    ),
    "delay_notice": Action(
        f.DelayForm,
        _("Phiếu xin lỗi và hẹn lại (Mẫu 04)"),
        _("Gửi phiếu hẹn lại"),
        lambda a, d, data, form: services.dossier_delay_notice(
            actor=a, dossier=d, reason=data["reason"], new_due_at=data["new_due_at"]
        ),
        _("Đã gửi phiếu xin lỗi và hẹn lại."),
    ),
    "request_payment": Action(
        f.PaymentForm,
        _("Yêu cầu thực hiện nghĩa vụ tài chính"),
        _("Gửi yêu cầu nộp phí"),
        lambda a, d, data, form: services.dossier_request_payment(
            actor=a, dossier=d, amount=data["amount"]
        ),
        _("Đã yêu cầu nộp phí, lệ phí."),
    ),
    "finish": Action(
        f.FinishForm,
        _("Cập nhật kết quả xử lý"),
        _("Xử lý xong"),
        lambda a, d, data, form: services.dossier_finish(
            actor=a, dossier=d, result_file=data["result_file"], note=data["note"]
        ),
        _("Hồ sơ đã xử lý xong."),
    ),
    "return_result": Action(
        f.NoteForm,
        _("Trả kết quả"),
        _("Đã trả kết quả cho người nộp"),
        lambda a, d, data, form: services.dossier_return_result(actor=a, dossier=d),
        _("Đã trả kết quả."),
    ),
    "stop": Action(
        f.ReasonForm,
        _("Dừng xử lý hồ sơ"),
        _("Dừng xử lý"),
        lambda a, d, data, form: services.dossier_stop(actor=a, dossier=d, reason=data["reason"]),
        _("Đã dừng xử lý hồ sơ."),
        danger=True,
    ),
    "resume": Action(
        f.NoteForm,
        _("Tiếp tục xử lý hồ sơ"),
        _("Tiếp tục xử lý"),
        lambda a, d, data, form: services.dossier_resume(actor=a, dossier=d, note=data["note"]),
        _("Hồ sơ tiếp tục được xử lý."),
    ),
}


def _form_for(action: Action, request, dossier, actor):
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    if not action.people:
        return action.form(*data)
    step = dossier.current_step
    if action.form is f.CompleteForm and step is not None:
        following = next_step(step)
        unit_id = following.unit_id if following else None
    else:
        unit_id = step.unit_id if step else None
    return action.form(*data, people=_unit_people(unit_id))


@official_required
def dossier_action(request, pk: int, action: str):
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    actor = as_actor(request.user)
    dossier = dossier_for(actor, pk)
    if action not in selectors.available_actions(actor, dossier):
        messages.error(request, _("Không thực hiện được thao tác này với hồ sơ."))
        return redirect("onestop:detail", pk=dossier.pk)
    form = _form_for(spec, request, dossier, actor)
    if request.method == "POST" and form.is_valid():
        try:
            spec.call(actor, dossier, form.cleaned_data, form)
        except ServiceError as e:
            form_error(form, e)
        else:
            messages.success(request, spec.done)
            return redirect("onestop:detail", pk=dossier.pk)
    return render(
        request,
        "onestop/action.html",
        {
            "nav": "onestop",
            "dossier": dossier,
            "form": form,
            "title": spec.title,
            "submit": spec.submit,
            "danger": spec.danger,
        },
    )
