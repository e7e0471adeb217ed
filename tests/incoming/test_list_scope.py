"""The incoming list narrows its query with an index-friendly hint: same documents as restrict()."""

import re

import pytest

from congvu.core.authz import as_actor
from congvu.incoming import views
from congvu.incoming.models import IncomingDocument
from tests.factories import DelegationFactory, PositionFactory, UnitFactory, UserFactory

from .factories import AssignmentFactory, IncomingDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(commune, office, other_commune, specialist):
    """Documents of every kind of access: unit, subunit, assigned to a person or a unit, secret."""
    docs = [
        IncomingDocumentFactory(unit=commune),
        IncomingDocumentFactory(unit=commune, secret=True),
        IncomingDocumentFactory(unit=office),
        IncomingDocumentFactory(unit=other_commune),
        IncomingDocumentFactory(unit=other_commune, secret=True),
        AssignmentFactory(document__unit=other_commune, user=specialist).document,
        AssignmentFactory(document__unit=other_commune, unit=office).document,
        AssignmentFactory(
            document__unit=other_commune, document__secret=True, unit=office
        ).document,
        AssignmentFactory(document__unit=commune, unit=office).document,
    ]
    return docs


def _actors(commune, office, other_commune, clerk, leader, office_head, specialist, outsider):
    delegate = PositionFactory(unit=office).user
    DelegationFactory(delegator=leader, delegate=delegate, unit=commune)
    return {
        "clerk": clerk,
        "leader": leader,
        "office head": office_head,
        "specialist": specialist,
        "outsider": outsider,
        "cleared specialist": PositionFactory(unit=office, clearance=1).user,
        "unit admin": PositionFactory(unit_admin=True, unit=commune, clearance=1).user,
        "cleared leader elsewhere": PositionFactory(
            leader=True, unit=other_commune, clearance=1
        ).user,
        "delegate of the leader": delegate,
        "system admin": PositionFactory(system_admin=True, unit=UnitFactory()).user,
        "citizen": UserFactory(citizen=True),
    }


def test_the_hint_neither_widens_nor_narrows_the_scope(
    documents, commune, office, other_commune, clerk, leader, office_head, specialist, outsider
):
    actors = _actors(
        commune, office, other_commune, clerk, leader, office_head, specialist, outsider
    )
    seen_somewhere = set()
    for name, user in actors.items():
        actor = as_actor(user)
        scoped = IncomingDocument.objects.restrict(actor, "view")
        expected = set(scoped.values_list("pk", flat=True))
        hint = views._scope_hint(actor)
        hinted = set(scoped.filter(hint).values_list("pk", flat=True)) if hint else expected
        assert hinted == expected, name
        assert views._list_counts(actor, hint)["total"] == len(expected), name
        seen_somewhere |= expected
    # The cases are not vacuous: every document is visible to someone, not to everyone.
    assert seen_somewhere == {d.pk for d in documents}
    assert views._scope_hint(as_actor(actors["system admin"])) is None


def test_the_list_page_shows_the_scoped_documents(client, documents, specialist):
    client.force_login(specialist)
    page = client.get("/app/van-ban-den/").content.decode()
    expected = set(
        IncomingDocument.objects.restrict(specialist, "view").values_list("pk", flat=True)
    )
    shown = {int(pk) for pk in re.findall(r'href="/app/van-ban-den/(\d+)/"', page)}
    assert shown == expected and len(expected) == 3
    assert f"{len(expected)} văn bản" in page
