"""Views of a văn bản đến's routing actions: vào sổ, trình, chỉ đạo, chuyển, tiến độ, hoàn thành.

Each action is a form page (GET) and a POST that calls one service transition;
the list, register form and detail pages are in ``views.py``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from congvu.accounts.access import official_required
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError
from congvu.core.text import vietnamese_sorted, vietnamese_tree_sorted
from congvu.org.models import Unit
from congvu.org.selectors import descendant_ids

from . import selectors, services
from .forms import (
    DirectForm,
    ForwardForm,
    OptionalNoteForm,
    PresentForm,
    ProgressForm,
    ReasonForm,
    RegisterPendingForm,
    ReplyForm,
)
from .people import labelled, matches, unit_head
from .people import search as people_search
from .views import _form_error


def _subtree_people(actor, unit_ids, exclude=None) -> list[tuple]:
    """``(user, "name — position, unit")`` of the officials of the units' subtrees."""
    subtree = descendant_ids(set(unit_ids))
    people = selectors.assignable_people(actor=actor, unit_ids=subtree)
    if exclude is not None:
        people = people.exclude(pk=exclude)
    return vietnamese_sorted(labelled(people, subtree), key=lambda pair: pair[0].full_name)


#: The "Tìm" button of an action form: it re-shows the form filtered, keeping what was typed.
SEARCH_BUTTON = "tim_nut"


def _searching(request) -> bool:
    return request.method == "POST" and SEARCH_BUTTON in request.POST


def _query(request) -> str:
    """The picker's search words (``tim``); a POST that acts chooses among everyone offered."""
    if request.method == "GET":
        return request.GET.get("tim", "")[:100]
    return request.POST.get("tim", "")[:100] if _searching(request) else ""


def _typed(request, form_class, initial=None) -> dict:
    """What the user typed before pressing "Tìm", as the re-shown form's initial values."""
    if not _searching(request):
        return initial or {}
    return {
        name: request.POST.getlist(name)
        if isinstance(field, forms.MultipleChoiceField)
        else request.POST.get(name, "")
        for name, field in form_class.base_fields.items()
        if name in request.POST
    }


def _action_page(request, doc, *, title, form, submit, danger=False, search=None):
    return render(
        request,
        "incoming/action.html",
        {
            "nav": "incoming",
            "doc": doc,
            "title": title,
            "form": form,
            "submit": submit,
            "danger": danger,
            "search": search,
        },
        status=400 if form.errors else 200,
    )


def _run(request, doc, form, call, done_message, **page):
    """POST: validate, call the service, redirect; otherwise (re)show the form page."""
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except ServiceError as e:
            _form_error(form, e)
        else:
            messages.success(request, done_message)
            return redirect("incoming:detail", pk=doc.pk)
    return _action_page(request, doc, form=form, **page)


def _doc(request, pk):
    actor = as_actor(request.user)
    return actor, selectors.document_for_detail(actor=actor, pk=pk)


def _data(request):
    if request.method != "POST" or _searching(request):
        return ()
    return (request.POST, request.FILES)


@official_required
def register_pending(request, pk: int):
    actor, doc = _doc(request, pk)
    data = _data(request)
    # The confirmation box appears once a duplicate is suspected (an unticked box posts
    # nothing: the service suspects it again and the box comes back).
    form = RegisterPendingForm(*data, ask_confirmation="confirm_duplicate" in request.POST)
    duplicates = []
    if data and form.is_valid():
        try:
            registered = services.incoming_register_pending(
                actor=actor,
                document=doc,
                confirm_duplicate=form.cleaned_data.get("confirm_duplicate", False),
                note=form.cleaned_data["note"],
            )
        except ServiceError as e:
            if e.code == "duplicate_suspected":
                form = RegisterPendingForm(*data, ask_confirmation=True)
                form.is_valid()
                duplicates = services.incoming_find_duplicates(
                    actor=actor,
                    unit=doc.unit,
                    number_notation=doc.number_notation,
                    document_date=doc.document_date,
                    issuer_unit=doc.issuer_unit,
                    issuer_external=doc.issuer_external,
                    issuer_name=doc.issuer_name,
                    exclude_pk=doc.pk,
                )
            _form_error(form, e)
        else:
            messages.success(
                request,
                _("Đã vào sổ văn bản đến, số đến %(number)s.")
                % {"number": registered.arrival_number_display},
            )
            return redirect("incoming:detail", pk=doc.pk)
    return render(
        request,
        "incoming/action.html",
        {
            "nav": "incoming",
            "doc": doc,
            "title": _("Vào sổ văn bản liên thông"),
            "form": form,
            "submit": _("Vào sổ"),
            "duplicates": duplicates,
        },
        status=400 if form.errors else 200,
    )


@official_required
def present(request, pk: int):
    actor, doc = _doc(request, pk)
    pairs = _subtree_people(actor, [doc.unit_id], exclude=actor.user_id)
    people = {u.pk: u for u, _label in pairs}
    shown = people_search(pairs, _query(request))
    # Presenting goes to the head of the receiving unit unless the clerk picks someone else.
    head = unit_head(doc.unit_id)
    initial = {"to_user": head.pk} if head is not None and head.pk in people else {}
    form = PresentForm(*_data(request), people=shown, initial=_typed(request, PresentForm, initial))
    return _run(
        request,
        doc,
        form,
        lambda d: services.incoming_present(
            actor=actor, document=doc, to_user=people.get(d["to_user"]), note=d["note"]
        ),
        _("Đã trình văn bản."),
        title=_("Trình văn bản"),
        submit=_("Trình"),
        search=_query(request),
    )


@official_required
def direct(request, pk: int):
    actor, doc = _doc(request, pk)
    subtree = descendant_ids({doc.unit_id})
    units = {
        u.pk: u
        for u in vietnamese_tree_sorted(
            Unit.objects.restrict(actor, "view").filter(pk__in=subtree),
            path=lambda u: u.path,
            name=lambda u: u.name,
        )
    }
    # The leader directs others: he is not offered as a handler of his own direction.
    pairs = _subtree_people(actor, [doc.unit_id], exclude=actor.user_id)
    people = {u.pk: u for u, _label in pairs}
    query = _query(request)
    typed = _typed(request, DirectForm)
    # A search narrows the lists but keeps what was already chosen.
    chosen = {typed.get("main"), *typed.get("coordinators", ()), *typed.get("informed", ())}
    choices = [
        (f"u:{u.pk}", u.name)
        for u in units.values()
        if matches(u.name, query) or f"u:{u.pk}" in chosen
    ] + [
        (f"p:{u.pk}", label) for u, label in pairs if matches(label, query) or f"p:{u.pk}" in chosen
    ]
    # The receiving body itself directs, so it is no choice for chủ trì or phối hợp.
    own = f"u:{doc.unit_id}"
    handlers = [c for c in choices if c[0] != own]
    form = DirectForm(*_data(request), choices=choices, handlers=handlers, initial=typed)

    def call(d):
        pick = lambda v: DirectForm.resolve(v, people, units)  # noqa: E731
        services.incoming_direct(
            actor=actor,
            document=doc,
            instruction=d["instruction"],
            main=pick(d["main"]),
            coordinators=[pick(v) for v in d["coordinators"]],
            informed=[pick(v) for v in d["informed"]],
            deadline=d["deadline"],
        )

    return _run(
        request,
        doc,
        form,
        call,
        _("Đã ghi ý kiến chỉ đạo và phân công xử lý."),
        title=_("Chỉ đạo, phân công xử lý"),
        submit=_("Chỉ đạo"),
        search=query,
    )


@official_required
def forward(request, pk: int):
    actor, doc = _doc(request, pk)
    assignments = {a.pk: a for a in services.can(actor, doc)["forwardable"]}
    pairs = _subtree_people(actor, [a.unit_id for a in assignments.values()], exclude=actor.user_id)
    people = {u.pk: u for u, _label in pairs}
    form = ForwardForm(
        *_data(request),
        assignments=assignments.values(),
        people=people_search(pairs, _query(request)),
        initial=_typed(request, ForwardForm),
    )

    def call(d):
        assignment = assignments.get(d["assignment"])
        if assignment is None:
            raise ServiceError(_("Phân công không hợp lệ."), code="invalid", field="assignment")
        services.assignment_forward(
            actor=actor, assignment=assignment, to_user=people.get(d["to_user"]), note=d["note"]
        )

    return _run(
        request,
        doc,
        form,
        call,
        _("Đã chuyển cho cán bộ xử lý."),
        title=_("Chuyển cán bộ xử lý"),
        submit=_("Chuyển"),
        search=_query(request),
    )


@official_required
def progress(request, pk: int):
    actor, doc = _doc(request, pk)
    form = ProgressForm(*_data(request))
    return _run(
        request,
        doc,
        form,
        lambda d: services.incoming_progress(
            actor=actor, document=doc, note=d["note"], files=[d["files"]] if d["files"] else []
        ),
        _("Đã cập nhật tiến độ."),
        title=_("Cập nhật tiến độ xử lý"),
        submit=_("Cập nhật"),
    )


@official_required
def link_reply(request, pk: int):
    actor, doc = _doc(request, pk)
    form = ReplyForm(*_data(request))
    return _run(
        request,
        doc,
        form,
        lambda d: services.incoming_link_reply(
            actor=actor,
            document=doc,
            reply_type=d["reply_type"] or "manual",
            reply_id=d["reply_id"] or d["reply_label"],
            reply_label=d["reply_label"],
        ),
        _("Đã gắn văn bản trả lời."),
        title=_("Gắn văn bản trả lời"),
        submit=_("Gắn"),
    )


@official_required
def complete(request, pk: int):
    actor, doc = _doc(request, pk)
    form = OptionalNoteForm(*_data(request))
    return _run(
        request,
        doc,
        form,
        lambda d: services.incoming_complete(actor=actor, document=doc, note=d["note"]),
        _("Đã hoàn thành xử lý văn bản."),
        title=_("Hoàn thành xử lý"),
        submit=_("Hoàn thành"),
    )


@official_required
def return_to_sender(request, pk: int):
    actor, doc = _doc(request, pk)
    form = ReasonForm(*_data(request))
    return _run(
        request,
        doc,
        form,
        lambda d: services.incoming_return(actor=actor, document=doc, reason=d["reason"]),
        _("Đã trả lại văn bản cho nơi gửi."),
        title=_("Trả lại nơi gửi"),
        submit=_("Trả lại"),
        danger=True,
    )


@official_required
def reopen(request, pk: int):
    actor, doc = _doc(request, pk)
    form = ReasonForm(*_data(request))
    return _run(
        request,
        doc,
        form,
        lambda d: services.incoming_reopen(actor=actor, document=doc, reason=d["reason"]),
        _("Đã mở lại văn bản."),
        title=_("Mở lại văn bản"),
        submit=_("Mở lại"),
    )
