"""Pages of incoming documents (/app/van-ban-den/). Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from congvu.accounts.access import official_required
from congvu.accounts.constants import Role
from congvu.audit.services import log_access
from congvu.core.authz import as_actor
from congvu.core.errors import ServiceError
from congvu.org.models import Unit
from congvu.registry.models import DocumentType

from . import selectors, services
from .constants import Status
from .forms import (
    ExternalOrgForm,
    ListFilterForm,
    RegisterForm,
)
from .models import Assignment, IncomingDocument
from .policies import desk_unit_ids
from .services.files import document_files

PAGE_SIZE = 30


def _form_field(form, field: str | None) -> str | None:
    if field in form.fields:
        return field
    # Upload refusals name the file ("file", "files.0"); the page has one "files" input.
    if field and field.split(".")[0] in ("file", "files") and "files" in form.fields:
        return "files"
    return None


def _form_error(form, error: ServiceError) -> None:
    placed = False
    for fe in error.errors:
        name = _form_field(form, fe.field)
        if name is not None:
            form.add_error(name, fe.message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _clerk_units(actor):
    ids = [u for u, roles in actor.roles.items() if "clerk" in roles]
    return Unit.objects.restrict(actor, "view").filter(pk__in=ids).order_by("path")


class _CountedPaginator(Paginator):
    """A paginator whose total is already known (from the page's one aggregate query)."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


# What a row of the list shows: the rest (trích yếu's folded copy, signer, notes…) stays
# in the database, and the unit, type and register are not joined.
LIST_FIELDS = (
    "pk",
    "arrival_number",
    "arrival_date",
    "number_notation",
    "subject",
    "urgency",
    "secrecy",
    "issuer_name",
    "status",
    "deadline",
)


#: Above this many assigned documents the scope hint is left out (a long literal list).
HINT_MAX_ASSIGNED = 5000


def _scope_hint(actor) -> Q | None:
    """An index-friendly superset of what ``restrict()`` lets the actor see, or None.

    The policy's rule (desk or administered unit, or an assignment, found by an
    EXISTS per document) can only be checked row by row: PostgreSQL reads every
    document of the table (0.6 s on a million). ANDed with it, this superset
    (the same units, and the assigned documents as a list of ids) lets it fetch
    the few candidate rows through the unit and primary-key indexes instead.
    It never widens the scope; tests/incoming/test_list_scope.py checks that it
    does not narrow it either.
    """
    if not actor.is_official or actor.is_system_admin:
        return None
    assigned = list(
        Assignment.objects.filter(
            Q(user_id=actor.user_id) | Q(unit_id__in=actor.unit_ids, user__isnull=True)
        )
        .values_list("document_id", flat=True)
        .distinct()[: HINT_MAX_ASSIGNED + 1]
    )
    if len(assigned) > HINT_MAX_ASSIGNED:
        return None
    units = desk_unit_ids(actor) | set(actor.admin_unit_ids)
    return Q(unit_id__in=units) | Q(pk__in=assigned)


def _list_counts(actor, hint: Q | None) -> dict:
    """Everything visible, and what is late for registration or presentation, in one query.

    The same conditions as ``selectors.overdue_for_registration`` and
    ``overdue_for_presentation`` (Điều 4 Nghị định 30/2020: vào sổ, trình the day
    it arrives or the next working day).
    """
    cutoff = selectors.same_day_cutoff()
    late = Q(arrival_date__lt=cutoff)
    visible = IncomingDocument.objects.restrict(actor, "view")
    if hint is not None:
        visible = visible.filter(hint)
    return visible.aggregate(
        total=Count("pk"),
        overdue_registration=Count("pk", filter=late & Q(status=Status.PENDING)),
        overdue_presentation=Count("pk", filter=late & Q(status=Status.REGISTERED)),
    )


@official_required
def document_list(request):
    actor = as_actor(request.user)
    form = ListFilterForm(request.GET or None)
    filters = {k: v for k, v in form.filters().items() if v not in (None, "")}
    docs = selectors.documents(actor=actor, filters=filters).select_related(None).only(*LIST_FIELDS)
    hint = _scope_hint(actor)
    if hint is not None:
        docs = docs.filter(hint)
    counts = _list_counts(actor, hint)
    if filters:
        paginator = Paginator(docs, PAGE_SIZE)
    else:
        paginator = _CountedPaginator(docs, PAGE_SIZE, counts["total"])
    page = paginator.get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    context = {
        "nav": "incoming",
        "form": form,
        "page": page,
        "query_string": params.urlencode(),
        # Units are public to officials (org policy), so holding the clerk role is enough.
        "can_register": any(Role.CLERK in roles for roles in actor.roles.values()),
        "overdue_registration": counts["overdue_registration"],
        "overdue_presentation": counts["overdue_presentation"],
    }
    return render(request, "incoming/list.html", context)


@official_required
def pending_list(request):
    actor = as_actor(request.user)
    docs = selectors.pending_internal(actor=actor)
    page = Paginator(docs, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request, "incoming/pending.html", {"nav": "incoming", "page": page, "query_string": ""}
    )


@official_required
def register(request):
    actor = as_actor(request.user)
    units = list(_clerk_units(actor))
    if not units:
        messages.error(request, _("Chỉ văn thư mới được vào sổ văn bản đến."))
        return redirect("incoming:list")
    kwargs = {
        "unit_choices": [(u.pk, u.name) for u in units],
        "orgs": selectors.external_organizations(actor=actor),
        "types": DocumentType.objects.restrict(actor, "view").filter(active=True),
    }
    duplicates = []
    if request.method == "POST":
        form = RegisterForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            unit = next(u for u in units if u.pk == data.pop("unit"))
            upload = data.pop("files")
            data["arrival_date"] = data["arrival_date"] or None
            try:
                doc = services.incoming_register(
                    actor=actor, unit=unit, files=[upload] if upload else [], **data
                )
            except ServiceError as e:
                _form_error(form, e)
                if e.code == "duplicate_suspected":
                    duplicates = services.incoming_find_duplicates(
                        actor=actor,
                        unit=unit,
                        number_notation=data["number_notation"],
                        document_date=data["document_date"],
                        issuer_external=data["issuer_external"],
                        issuer_name=data["issuer_name"],
                    )
            else:
                messages.success(
                    request,
                    _("Đã vào sổ văn bản đến, số đến %(number)s.")
                    % {"number": doc.arrival_number_display},
                )
                return redirect("incoming:detail", pk=doc.pk)
    else:
        form = RegisterForm(**kwargs)
    context = {"nav": "incoming", "form": form, "duplicates": duplicates}
    # A refused registration (bad field, refused upload, suspected duplicate) is a 400.
    status = 400 if form.errors else 200
    return render(request, "incoming/register.html", context, status=status)


@official_required
def detail(request, pk: int):
    actor = as_actor(request.user)
    doc = selectors.document_for_detail(actor=actor, pk=pk)
    # ``can`` walks the document's assignments three times: fetch them once.
    prefetch_related_objects([doc], Prefetch("assignments", Assignment.objects.order_by("pk")))
    if doc.secrecy:
        log_access(
            actor=actor,
            obj=doc,
            unit=doc.unit_id,
            confidentiality=doc.secrecy,
            ip=request.META.get("REMOTE_ADDR", ""),
        )
    context = {
        "nav": "incoming",
        "doc": doc,
        "tree": selectors.processing_tree(actor=actor, document=doc),
        "can": services.can(actor, doc),
        "files": document_files(doc),
    }
    return render(request, "incoming/detail.html", context)


@official_required
def external_orgs(request):
    actor = as_actor(request.user)
    form = ExternalOrgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.external_org_create(actor=actor, **form.cleaned_data)
        except ServiceError as e:
            _form_error(form, e)
        else:
            messages.success(request, _("Đã thêm %(name)s vào danh mục.") % {"name": org.name})
            return redirect("incoming:external_orgs")
    orgs = selectors.external_organizations_in_order(actor=actor, query=request.GET.get("q", ""))
    page = Paginator(orgs, 50).get_page(request.GET.get("trang"))
    return render(
        request,
        "incoming/external_orgs.html",
        {"nav": "incoming", "form": form, "page": page, "query_string": ""},
    )
