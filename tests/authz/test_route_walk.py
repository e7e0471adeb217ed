"""Walk every URL pattern as every kind of actor and look for data outside scope.

The rule under test: no response may contain an object that
``Model.objects.restrict(actor, "view")`` hides from that actor. Each object
of every model with a restrict() policy carries a unique marker string; the
walk fills every URL parameter with every primary key in the world (and
placeholder strings), calls GET and the unsafe methods, and fails if any
hidden object's marker appears in a response, if an unsafe call changes a
hidden object, or if anything answers 5xx.

Routes and API operations are discovered from the URL resolver at run time,
so capabilities added later are covered without anyone listing them.
"""

from __future__ import annotations

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver

import pytest

from congvu.accounts.models import Delegation, Position, User
from congvu.audit.models import AuditRecord
from congvu.audit.services import log_action
from congvu.core.authz import registered_models
from tests.factories import DelegationFactory, PositionFactory, UnitFactory, UserFactory

# Routes that are never walked, each with its reason.
EXCLUDED_ROUTES = {
    # Django admin has its own permission system (is_staff + model perms);
    # only the system administrator is staff. Covered by admin tests.
    "admin/",
    # Changes the session language only.
    "i18n/",
}

CONVERTER_RE = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
ROLES = ["clerk", "leader_head", "leader_deputy", "specialist", "onestop_officer", "unit_admin"]


def iter_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from iter_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def route_to_template(route: str) -> str | None:
    """Turn a route (path() syntax or a simple regex) into a template with {name} slots."""
    route = route.replace("^", "").replace("\\.", ".").replace("\\Z", "").replace("$", "")
    route = route.replace("/?", "/").replace(".*", "walk-unknown")
    if re.search(r"\(\?P<(\w+)>[^)]*\)", route):
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
    if any(ch in route for ch in "()[]*+?|\\"):
        return None
    return "/" + CONVERTER_RE.sub(lambda m: f"{{{m['conv'] or 'str'}:{m['name']}}}", route)


def fill(template: str, value_by_conv: dict[str, str]) -> str:
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: value_by_conv.get(m[1], "x"), template)


class World:
    """Two unit trees (A and B) with people, delegations and audit records, each marked."""

    def __init__(self):
        self.markers: dict[tuple[type, int], str] = {}
        self.unit_a = UnitFactory(name="Đơn vị A")
        self.unit_b = UnitFactory(name="Đơn vị B")
        self.actors: dict[str, User | None] = {"anonymous": None}
        for role in ROLES:
            p = PositionFactory(
                role=role,
                unit=self.unit_a,
                title=role,
                user__full_name=self.mark("Cán bộ A " + role),
            )
            self.actors[role] = p.user
        self.actors["system_admin"] = PositionFactory(
            role="system_admin", unit=self.unit_a, user__full_name=self.mark("Quản trị")
        ).user
        self.actors["citizen"] = UserFactory(citizen=True, full_name=self.mark("Công dân một"))
        UserFactory(citizen=True, full_name=self.mark("Công dân hai"))
        b_leader = PositionFactory(
            role="leader_head", unit=self.unit_b, user__full_name=self.mark("Lãnh đạo B")
        ).user
        b_deputy = PositionFactory(
            role="leader_deputy", unit=self.unit_b, user__full_name=self.mark("Phó B")
        ).user
        DelegationFactory(
            delegator=b_leader, delegate=b_deputy, unit=self.unit_b, reason=self.mark("Ủy quyền B")
        )
        DelegationFactory(
            delegator=self.actors["leader_head"],
            delegate=self.actors["leader_deputy"],
            unit=self.unit_a,
            reason=self.mark("Ủy quyền A"),
        )
        from django.db import transaction

        with transaction.atomic():
            log_action(
                actor=b_leader,
                action="test.walk.b",
                unit=self.unit_b,
                after={"note": self.mark("Nhật ký B")},
            )
            log_action(
                actor=self.actors["specialist"],
                action="test.walk.a",
                unit=self.unit_a,
                after={"note": self.mark("Nhật ký A")},
            )
        self._add_registers()
        self._add_files()
        self._add_outgoing()
        self._add_incoming()
        self._add_archive()
        self._add_notifications()
        self._add_onestop()
        self._mark_rows()

    def _add_incoming(self):
        """Incoming: documents of B and A, and a Mật one of A nobody may see (trích yếu marked)."""
        from congvu.incoming.models import Assignment, IncomingDocument
        from tests.incoming.factories import AssignmentFactory, IncomingDocumentFactory

        docs = [
            IncomingDocumentFactory(unit=self.unit_b, subject=self.mark("Văn bản đến B")),
            IncomingDocumentFactory(unit=self.unit_a, subject=self.mark("Văn bản đến A")),
            IncomingDocumentFactory(
                unit=self.unit_a, secret=True, subject=self.mark("Văn bản mật A")
            ),
        ]
        task = AssignmentFactory(
            document=docs[0], unit=self.unit_b, instruction=self.mark("Chỉ đạo B")
        )
        self.markers[(Assignment, task.pk)] = task.instruction.split()[-1]
        for doc in docs:
            self.markers[(IncomingDocument, doc.pk)] = doc.subject.split()[-1]

    def _add_outgoing(self):
        """Outgoing: a draft of B in review, B's issued công văn to A, a Mật draft of A (marked)."""
        from congvu.outgoing.models import OutgoingDocument, Recipient, ReviewStep
        from tests.outgoing.factories import (
            OutgoingDocumentFactory,
            RecipientFactory,
            ReviewStepFactory,
        )

        b_people = [p.user for p in Position.objects.filter(unit=self.unit_b)]
        draft_b = OutgoingDocumentFactory(
            unit=self.unit_b, in_review=True, subject=self.mark("Dự thảo đi B")
        )
        step = ReviewStepFactory(
            document=draft_b, reviewer=b_people[0], comment=self.mark("Ý kiến B")
        )
        issued_b = OutgoingDocumentFactory(
            unit=self.unit_b, issued=True, subject=self.mark("Văn bản đi B gửi A")
        )
        RecipientFactory(document=issued_b, unit=self.unit_a)
        external = RecipientFactory(
            document=draft_b, external=True, external_name=self.mark("Nơi nhận ngoài B")
        )
        secret_a = OutgoingDocumentFactory(
            unit=self.unit_a, secret=True, subject=self.mark("Dự thảo mật A")
        )
        for doc in (draft_b, issued_b, secret_a):
            self.markers[(OutgoingDocument, doc.pk)] = doc.subject.split()[-1]
        self.markers[(ReviewStep, step.pk)] = step.comment.split()[-1]
        self.markers[(Recipient, external.pk)] = external.external_name.split()[-1]

    def _add_files(self):
        """Files: one per unit tree, the marker inside the downloaded bytes."""
        from tests.files.walk import add_stored_files

        add_stored_files(self)

    def _add_archive(self):
        """Archive: unit B's catalog item and work file (titles marked) holding B's document."""
        from congvu.archive.models import FileCatalogItem, WorkFile
        from congvu.incoming.models import IncomingDocument
        from tests.archive.factories import WorkFileEntryFactory, WorkFileFactory
        from tests.incoming.factories import IncomingDocumentFactory

        work_file = WorkFileFactory(
            catalog_item__catalog__unit=self.unit_b,
            catalog_item__title=self.mark("Mục hồ sơ B"),
            unit=self.unit_b,
            title=self.mark("Hồ sơ B"),
        )
        doc_b = IncomingDocumentFactory(
            unit=self.unit_b, subject=self.mark("Văn bản trong hồ sơ B")
        )
        WorkFileEntryFactory(work_file=work_file, document_id=doc_b.pk)
        item = work_file.catalog_item
        self.markers[(IncomingDocument, doc_b.pk)] = doc_b.subject.split()[-1]
        self.markers[(WorkFile, work_file.pk)] = work_file.title.split()[-1]
        self.markers[(FileCatalogItem, item.pk)] = item.title.split()[-1]

    def _add_registers(self):
        """Registry: a register of unit B with a voided number (reason marked)."""
        from congvu.registry.models import IssuedNumber
        from tests.registry.factories import IssuedNumberFactory, RegisterFactory

        register_b = RegisterFactory(unit=self.unit_b, name=self.mark("Sổ đi B"))
        IssuedNumberFactory(
            register=register_b, number=1, voided=True, void_reason=self.mark("Hủy B")
        )
        self.markers.update(
            {(type(register_b), register_b.pk): register_b.name.split()[-1]}
            | {(IssuedNumber, n.pk): n.void_reason.split()[-1] for n in register_b.numbers.all()}
        )

    def _add_notifications(self):
        """Inbox: a notification of B's leader (title marked); only its recipient sees it."""
        from congvu.inbox.models import Notification

        leader_b = Position.objects.filter(unit=self.unit_b, role="leader_head").first().user
        note = Notification.objects.create(user=leader_b, title=self.mark("Thông báo B"))
        self.markers[(Notification, note.pk)] = note.title.split()[-1]

    def _add_onestop(self):
        """One-stop: a walk-in dossier at A's desk, one at B's, and the citizen's online one at B
        (applicant names marked). A's desk never sees B's dossiers; the citizen sees only theirs."""
        import datetime

        from congvu.onestop import services
        from congvu.onestop.models import Dossier
        from congvu.procedures.models import Procedure, ProcedureField, ProcedureVersion

        field = ProcedureField.objects.create(name="Chứng thực (walk)")
        procedure = Procedure.objects.create(code="9.999001", field=field, name="Chứng thực")
        ProcedureVersion.objects.create(
            procedure=procedure,
            number=1,
            valid_from=datetime.date(2025, 1, 1),
            name="Chứng thực",
            online_level="full",
            duration_value=1,
        )
        officer_b = PositionFactory(role="onestop_officer", unit=self.unit_b).user
        for unit, officer, label in (
            (self.unit_a, self.actors["onestop_officer"], "Người nộp A"),
            (self.unit_b, officer_b, "Người nộp B"),
        ):
            services.dossier_register_direct(
                actor=officer,
                procedure=procedure,
                receiving_unit=unit,
                channel="direct",
                applicant={"name": self.mark(label), "phone": "0912000000"},
                papers=[],
            )
        services.dossier_submit_online(
            actor=self.actors["citizen"],
            procedure=procedure,
            receiving_unit=self.unit_b,
            applicant={"name": self.mark("Công dân nộp B"), "phone": "0912000001"},
            papers=[],
        )
        for dossier in Dossier.objects.all():
            self.markers[(Dossier, dossier.pk)] = dossier.applicant_name.split()[-1]
        # A pending payment of B's walk-in dossier, its payer marked.
        from django.utils import timezone

        from congvu.payments.models import Payment

        walk_in_b = Dossier.objects.get(receiving_unit=self.unit_b, channel="direct")
        payment = Payment.objects.create(
            dossier=walk_in_b,
            unit=self.unit_b,
            procedure=procedure,
            amount=8000,
            provider="sandbox",
            reference=f"walk{uuid.uuid4().hex}",
            payer_name=self.mark("Người nộp tiền B"),
            created_at=timezone.now(),
        )
        self.markers[(Payment, payment.pk)] = payment.payer_name.split()[-1]
        # B's internal process (officials only), made after the dossiers so none copies it.
        from congvu.procedures.models import ProcessDefinition, ProcessStep

        definition = ProcessDefinition.objects.create(
            procedure=procedure, unit=self.unit_b, valid_from=datetime.date(2025, 1, 1)
        )
        step = ProcessStep.objects.create(
            definition=definition,
            order=1,
            name=self.mark("Bước quy trình B"),
            kind="appraisal",
            role="specialist",
            budget_hours=8,
        )
        self.markers[(ProcessDefinition, definition.pk)] = step.name.split()[-1]
        self.markers[(ProcessStep, step.pk)] = step.name.split()[-1]

    def mark(self, text: str) -> str:
        return f"{text} ZQ{uuid.uuid4().hex[:10]}"

    def _mark_rows(self):
        """Find, for every restricted object, a marker string that identifies it."""
        for user in User.objects.all():
            if "ZQ" in user.full_name:
                self.markers[(User, user.pk)] = user.full_name.split()[-1]
        for d in Delegation.objects.all():
            self.markers[(Delegation, d.pk)] = d.reason.split()[-1]
        for r in AuditRecord.objects.all():
            note = (r.after or {}).get("note", "")
            if "ZQ" in note:
                self.markers[(AuditRecord, r.pk)] = note.split()[-1]
        for p in Position.objects.all():
            if "ZQ" in p.user.full_name:
                # A position shows its holder's name: hidden position ⇒ marker of the user.
                self.markers[(Position, p.pk)] = p.user.full_name.split()[-1]

    def hidden_markers(self, user) -> dict[str, str]:
        hidden = {}
        for model in registered_models():
            visible = set(model.objects.restrict(user, "view").values_list("pk", flat=True))
            for (m, pk), marker in self.markers.items():
                if m is model and pk not in visible:
                    hidden[marker] = f"{model._meta.label}#{pk}"
        # A marker shown through another, visible object is not a leak.
        for (m, pk), marker in self.markers.items():
            if m is User and pk in set(
                User.objects.restrict(user, "view").values_list("pk", flat=True)
            ):
                hidden.pop(marker, None)
        return hidden

    def hidden_rows(self, user) -> dict[tuple[type, int], dict]:
        """Field values of every object hidden from ``user``, to detect changes by the walk."""
        from django.forms.models import model_to_dict

        rows = {}
        for model in registered_models():
            visible = set(model.objects.restrict(user, "view").values_list("pk", flat=True))
            for obj in model.objects.exclude(pk__in=visible):
                rows[(model, obj.pk)] = model_to_dict(obj)
        return rows

    def string_values(self) -> list[str]:
        """What citizens' and payment URLs take instead of ids: every dossier's public token
        and code, every payment reference."""
        from congvu.onestop.models import Dossier
        from congvu.payments.models import Payment

        values = []
        for token, code in Dossier.objects.values_list("public_token", "code"):
            values += [token, code]
        values += list(Payment.objects.values_list("reference", flat=True))
        return values

    def id_values(self, user) -> list[int]:
        """The ids a read is tried with: every id of an object hidden from ``user``, the
        lowest visible id of each restricted model (its page must not leak what it links
        to), and one id that exists nowhere."""
        ids: set[int] = set()
        top = 0
        for model in registered_models():
            visible = model.objects.restrict(user, "view")
            first = visible.order_by("pk").values_list("pk", flat=True).first()
            if first is not None:
                ids.add(first)
            ids.update(
                model.objects.exclude(pk__in=visible.values("pk")).values_list("pk", flat=True)
            )
            top = max(top, model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
        return sorted(ids) + [top + 1000]


def walkable_routes():
    routes = []
    for route, pattern in iter_routes():
        if any(route.startswith(ex) for ex in EXCLUDED_ROUTES):
            continue
        template = route_to_template(route)
        if template is None:
            continue
        routes.append((template, pattern))
    return routes


def walk(client, world: World, actor_name: str) -> list[str]:
    """Call every route as ``actor_name``; return the leaks, hidden changes and 5xx found."""
    user = world.actors[actor_name]
    hidden = world.hidden_markers(user)
    before = world.hidden_rows(user)
    hidden_ids = sorted({pk for (_m, pk) in before})
    all_ids = world.id_values(user)
    strings = world.string_values()
    problems = []
    session = None
    routes = walkable_routes()
    assert routes, "the resolver returned no routes"
    for template, _pattern in routes:
        has_params = "{" in template
        # HTML views answer GET and POST only; the API also takes PUT, PATCH and DELETE.
        methods = (
            ("get", "post", "put", "patch", "delete")
            if template.startswith("/api/")
            else ("get", "post")
        )
        for method in methods:
            # Reads try every id; writes try the ids of hidden objects, which must stay untouched.
            values = (all_ids if method == "get" else hidden_ids or [1]) if has_params else [None]
            if "{str:" in template or "{slug:" in template:
                # Tokens, codes and references, every one of them: the route's own check
                # must hold whoever's token is in the URL.
                values = [*values, *strings]
            for value in values:
                number = value if isinstance(value, int) or value is None else 0
                url = fill(
                    template,
                    {
                        "int": str(number),
                        "str": str(value),
                        "slug": f"x{value}" if isinstance(value, int) else str(value),
                        "uuid": str(uuid.UUID(int=number or 0)),
                        "path": str(value),
                    },
                )
                current = client.cookies.get("sessionid")
                if user is not None and (current is None or current.value != session):
                    # A walked route logged the client out (logout, password change): log in again.
                    client.force_login(user)
                    session = client.cookies["sessionid"].value
                resp = getattr(client, method)(url, follow=False)
                if resp.status_code >= 500:
                    problems.append(f"{method.upper()} {url} → {resp.status_code}")
                    continue
                # Downloads stream their bytes (FileResponse).
                raw = b"".join(resp.streaming_content) if resp.streaming else resp.content
                body = raw.decode("utf-8", errors="replace")
                for marker, label in hidden.items():
                    if marker in body:
                        problems.append(f"{method.upper()} {url} as {actor_name} shows {label}")
    after = world.hidden_rows(user)
    changed = [key for key in before if before[key] != after.get(key)]
    problems += [f"{actor_name} changed hidden {m._meta.label}#{pk}" for m, pk in changed]
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize(
    "actor_name",
    ["anonymous", "citizen", *ROLES, "system_admin"],
)
def test_no_route_returns_data_outside_scope(client, actor_name):
    world = World()
    problems = walk(client, world, actor_name)
    assert not problems, "\n".join(problems[:30])


def leaky_delegations(request):
    """Deliberately wrong view: lists every delegation without restrict()."""
    from django.http import HttpResponse

    return HttpResponse(", ".join(d.reason for d in Delegation.objects.all()))


def leaky_delete(request, pk):
    """Deliberately wrong view: changes any delegation by id without restrict()."""
    from django.http import HttpResponse

    Delegation.objects.filter(pk=pk).update(reason="changed")
    return HttpResponse("ok")


@pytest.mark.django_db
def test_walker_catches_a_leaking_route(client, settings):
    """The walk must fail on a route that bypasses restrict(), or it proves nothing."""
    from django.urls import clear_url_caches, path

    import tests.authz.leaky_urls as leaky

    leaky.urlpatterns = [
        path("leak/", leaky_delegations),
        path("leak/<int:pk>/change/", leaky_delete),
    ]
    settings.ROOT_URLCONF = "tests.authz.leaky_urls"
    clear_url_caches()
    try:
        problems = walk(client, World(), "specialist")
    finally:
        clear_url_caches()
    assert any("GET /leak/" in p and "Delegation" in p for p in problems), problems
    assert any("changed hidden accounts.Delegation" in p for p in problems), problems


def test_walk_covers_every_route():
    """Every route is walked unless excluded with a reason; none is silently unparseable."""
    unparsed = []
    for route, _pattern in iter_routes():
        if any(route.startswith(ex) for ex in EXCLUDED_ROUTES):
            continue
        if route_to_template(route) is None:
            unparsed.append(route)
    assert not unparsed, f"routes the walker cannot fill: {unparsed}"
    assert len(walkable_routes()) >= 1
