"""The search index's own scope rule gives exactly the documents' ``restrict()``.

``congvu.search.policies`` restates the incoming and outgoing rules over the
index row's copied columns (for speed); this checks, for every role and for
named people (assignee, reviewer, drafter, signer, assigned unit, cleared
leader), that both give the same documents.
"""

import pytest

from congvu.incoming.models import IncomingDocument
from congvu.outgoing.models import OutgoingDocument
from congvu.search.models import Kind, PendingIndex, SearchDocument
from congvu.search.services import search_index_update
from tests.authz.test_route_walk import World
from tests.factories import PositionFactory
from tests.incoming.factories import AssignmentFactory, IncomingDocumentFactory
from tests.outgoing.factories import (
    OutgoingDocumentFactory,
    RecipientFactory,
    ReviewStepFactory,
)
from tests.search.factories import TextFileFactory


def _visible_documents(user) -> set[tuple[str, int]]:
    incoming = IncomingDocument.objects.restrict(user, "view").values_list("pk", flat=True)
    outgoing = OutgoingDocument.objects.restrict(user, "view").values_list("pk", flat=True)
    return {(Kind.INCOMING, pk) for pk in incoming} | {(Kind.OUTGOING, pk) for pk in outgoing}


def _visible_rows(user) -> set[tuple[str, int]]:
    rows = SearchDocument.objects.restrict(user, "view").values_list("kind", "object_id")
    return set(rows)


@pytest.fixture
def world(db):
    w = World()
    a, b = w.unit_a, w.unit_b
    specialist = w.actors["specialist"]
    cleared = PositionFactory(unit=a, leader=True, clearance=1).user
    w.actors["cleared_leader"] = cleared
    # Named people on documents of the other unit tree.
    AssignmentFactory(document=IncomingDocumentFactory(unit=b), user=specialist, unit=None)
    AssignmentFactory(document=IncomingDocumentFactory(unit=b, secret=True), user=cleared)
    AssignmentFactory(document=IncomingDocumentFactory(unit=b), unit=a, user=None)
    AssignmentFactory(document=IncomingDocumentFactory(unit=b, secret=True), unit=a, user=None)
    IncomingDocumentFactory(unit=a, secret=True)
    ReviewStepFactory(document=OutgoingDocumentFactory(unit=b, in_review=True), reviewer=specialist)
    OutgoingDocumentFactory(unit=b, secret=True, drafted_by=specialist)
    OutgoingDocumentFactory(unit=b, secret=True, signer=cleared)
    OutgoingDocumentFactory(unit=a, secret=True)
    RecipientFactory(document=OutgoingDocumentFactory(unit=b, secret=True, issued=True), unit=a)
    RecipientFactory(document=OutgoingDocumentFactory(unit=b, in_review=True), unit=a)
    for pk in IncomingDocument.objects.values_list("pk", flat=True):
        search_index_update(Kind.INCOMING, pk)
    for pk in OutgoingDocument.objects.values_list("pk", flat=True):
        search_index_update(Kind.OUTGOING, pk)
    return w


def test_index_scope_equals_document_scope(world):
    seen_any = False
    for name, user in world.actors.items():
        expected = _visible_documents(user) if user is not None else set()
        got = _visible_rows(user) if user is not None else set()
        assert got == expected, name
        seen_any |= bool(got)
    assert seen_any


def pending(doc):
    kind = Kind.INCOMING if isinstance(doc, IncomingDocument) else Kind.OUTGOING
    return list(
        PendingIndex.objects.filter(kind=kind, object_id=doc.pk).values_list("kind", "object_id")
    )


def test_assignments_review_steps_and_recipients_update_the_tokens(
    world, django_capture_on_commit_callbacks
):
    specialist = world.actors["specialist"]
    with django_capture_on_commit_callbacks(execute=True):
        doc = IncomingDocumentFactory(unit=world.unit_b)
        draft = OutgoingDocumentFactory(unit=world.unit_b, in_review=True)
        AssignmentFactory(document=doc, user=specialist, unit=None)
        AssignmentFactory(document=doc, unit=world.unit_a, user=None)
        ReviewStepFactory(document=draft, reviewer=specialist)
        RecipientFactory(document=draft, unit=world.unit_a)
        # Once per document and transaction, however many rows changed.
        assert pending(doc) == [(Kind.INCOMING, doc.pk)]
        assert pending(draft) == [(Kind.OUTGOING, draft.pk)]
    assert pending(doc) == pending(draft) == []
    row = SearchDocument.objects.get(kind=Kind.INCOMING, object_id=doc.pk)
    assert set(row.access.split()) == {
        f"~d{world.unit_b.pk}",
        f"~u{specialist.pk}",
        f"~m{world.unit_a.pk}",
    }
    row = SearchDocument.objects.get(kind=Kind.OUTGOING, object_id=draft.pk)
    assert {f"~u{specialist.pk}", f"~r{world.unit_a.pk}"} <= set(row.access.split())
    assert (Kind.INCOMING, doc.pk) in _visible_rows(specialist)


def test_backfill_sql_gives_the_indexer_tokens(world):
    from django.db import connection

    from congvu.search.access import BACKFILL_SQL

    if connection.vendor != "postgresql":
        pytest.skip("the backfill is PostgreSQL SQL")
    expected = {r.pk: set(r.access.split()) for r in SearchDocument.objects.all()}
    SearchDocument.objects.update(access="")
    with connection.cursor() as cursor:
        cursor.execute(BACKFILL_SQL)
    got = {r.pk: set(r.access.split()) for r in SearchDocument.objects.all()}
    assert got == expected
    assert all(got.values())


def test_paged_search_gives_exactly_the_document_scope(world, settings):
    """Every page of a search matching every document, candidates bounded below the
    matches: for each role, the rows seen are exactly the visible documents, once each."""
    from congvu.search.selectors import search_page

    settings.SEARCH_CANDIDATES = 2
    largest = 0
    for kind, model in ((Kind.INCOMING, IncomingDocument), (Kind.OUTGOING, OutgoingDocument)):
        for doc in model.objects.all():
            TextFileFactory(owner=doc, text="Phụ lục chung của mọi văn bản")
            search_index_update(kind, doc.pk)
    for name, user in world.actors.items():
        if user is None or not user.is_active or getattr(user, "is_citizen", False):
            continue
        expected = _visible_documents(user)
        seen, cursor = [], None
        while True:
            page = search_page(actor=user, query="phu luc chung", limit=2, cursor=cursor)
            seen += [(h.kind, h.object_id) for h in page.hits]
            if (cursor := page.next_cursor) is None:
                break
        assert len(seen) == len(set(seen)), name
        assert set(seen) == expected, name
        assert page.total == len(expected), name
        largest = max(largest, len(expected))
    assert largest > 4  # some role pages through several pages and both phases
