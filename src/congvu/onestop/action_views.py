"""The action pages of a dossier (/app/mot-cua/<pk>/<action>/): one form, one service call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from congvu.accounts.access import official_required
from congvu.accounts.models import Position
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError

from . import forms as f
from . import selectors, services
from .services.steps import next_step
from .views import dossier_for, form_error


@dataclass(frozen=True)
class Action:
    """One action page: its form, the transition it calls and its texts.

    ``fields`` are the form's cleaned values passed to the transition under
    the same keyword; ``person`` is the keyword that takes the official
    chosen on the form (whose choices are the people of the step's unit).
    """

    form: Any
    service: str  # a transition of congvu.onestop.services
    title: Any
    submit: Any
    done: Any
    fields: tuple[str, ...] = ()
    person: str | None = None
    danger: bool = False

    @property
    def people(self) -> bool:
        return self.person is not None

    def call(self, actor, dossier, data, form):
        kwargs = {name: data[name] for name in self.fields}
        if self.person:
            kwargs[self.person] = form.person()
        return getattr(services, self.service)(actor=actor, dossier=dossier, **kwargs)


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


# fmt: off
ACTIONS: dict[str, Action] = {
    "accept": Action(
        f.NoteForm, "dossier_accept", _("Tiếp nhận hồ sơ"),
        _("Tiếp nhận và cấp Giấy tiếp nhận (Mẫu 01)"), _("Đã tiếp nhận hồ sơ.")),
    "request_supplement": Action(
        f.SupplementForm, "dossier_request_supplement", _("Yêu cầu bổ sung hồ sơ (Mẫu 02)"),
        _("Gửi yêu cầu bổ sung"), _("Đã yêu cầu bổ sung hồ sơ."), ("items", "reason")),
    "supplement_answer": Action(
        f.SupplementAnswerForm, "dossier_supplement_answer", _("Nhận hồ sơ bổ sung tại quầy"),
        _("Ghi nhận bổ sung"), _("Đã ghi nhận hồ sơ bổ sung."), ("uploads", "note")),
    "refuse": Action(
        f.ReasonForm, "dossier_refuse", _("Từ chối hồ sơ (Mẫu 03)"),
        _("Từ chối"), _("Đã từ chối hồ sơ."), ("reason",), danger=True),
    "step_assign": Action(
        f.AssignForm, "dossier_step_assign", _("Phân công xử lý"),
        _("Phân công"), _("Đã phân công."), person="assignee"),
    "step_complete": Action(
        f.CompleteForm, "dossier_step_complete", _("Hoàn thành bước và chuyển tiếp"),
        _("Chuyển bước tiếp theo"), _("Đã chuyển bước tiếp theo."), ("note",),
        person="next_assignee"),
    "delay_notice": Action(
        f.DelayForm, "dossier_delay_notice", _("Phiếu xin lỗi và hẹn lại (Mẫu 04)"),
        _("Gửi phiếu hẹn lại"), _("Đã gửi phiếu xin lỗi và hẹn lại."), ("reason", "new_due_at")),
    "request_payment": Action(
        f.PaymentForm, "dossier_request_payment", _("Yêu cầu thực hiện nghĩa vụ tài chính"),
        _("Gửi yêu cầu nộp phí"), _("Đã yêu cầu nộp phí, lệ phí."), ("amount",)),
    "finish": Action(
        f.FinishForm, "dossier_finish", _("Cập nhật kết quả xử lý"),
        _("Xử lý xong"), _("Hồ sơ đã xử lý xong."), ("result_file", "note")),
    "return_result": Action(
        f.NoteForm, "dossier_return_result", _("Trả kết quả"),
        _("Đã trả kết quả cho người nộp"), _("Đã trả kết quả.")),
    "stop": Action(
        f.ReasonForm, "dossier_stop", _("Dừng xử lý hồ sơ"),
        _("Dừng xử lý"), _("Đã dừng xử lý hồ sơ."), ("reason",), danger=True),
    "resume": Action(
        f.NoteForm, "dossier_resume", _("Tiếp tục xử lý hồ sơ"),
        _("Tiếp tục xử lý"), _("Hồ sơ tiếp tục được xử lý."), ("note",)),
}
# fmt: on


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
        status=400 if form.errors else 200,
    )
