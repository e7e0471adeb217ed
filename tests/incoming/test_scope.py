"""Who sees which incoming document."""

import pytest

from congvu.incoming.models import Assignment, IncomingDocument, ProcessingEntry
from tests.factories import PositionFactory, UnitFactory

from .factories import AssignmentFactory, IncomingDocumentFactory

pytestmark = pytest.mark.django_db


def visible(user):
    return set(IncomingDocument.objects.restrict(user, "view"))


def test_clerk_and_leader_see_their_unit_only(commune, other_commune, clerk, leader, outsider):
    mine = IncomingDocumentFactory(unit=commune)
    theirs = IncomingDocumentFactory(unit=other_commune)
    assert visible(clerk) == {mine}
    assert visible(leader) == {mine}
    assert visible(outsider) == {theirs} - {theirs}  # a specialist sees nothing unassigned


def test_specialist_sees_only_assigned(commune, office, specialist, office_head):
    unassigned = IncomingDocumentFactory(unit=commune)
    to_office = AssignmentFactory(document__unit=commune, unit=office).document
    to_me = AssignmentFactory(document__unit=commune, user=specialist).document
    assert visible(specialist) == {to_office, to_me}
    assert unassigned not in visible(office_head)
    assert set(Assignment.objects.restrict(specialist, "view")) == set(
        Assignment.objects.filter(document__in=[to_office, to_me])
    )


def test_specialist_of_another_commune_gets_404(client, commune, outsider):
    doc = IncomingDocumentFactory(unit=commune)
    client.force_login(outsider)
    assert client.get(f"/app/van-ban-den/{doc.pk}/").status_code == 404
    assert client.post(f"/app/van-ban-den/{doc.pk}/hoan-thanh/").status_code == 404
    assert client.get(f"/api/v1/incoming-documents/{doc.pk}/").status_code == 404


def test_secret_documents_need_clearance_and_desk_or_assignment(commune, office):
    secret = IncomingDocumentFactory(unit=commune, secret=True)
    cleared_clerk = PositionFactory(clerk=True, unit=commune, clearance=1).user
    plain_clerk = PositionFactory(clerk=True, unit=commune, clearance=0).user
    admin = PositionFactory(unit_admin=True, unit=commune, clearance=1).user
    cleared_specialist = PositionFactory(unit=office, clearance=1).user
    uncleared_specialist = PositionFactory(unit=office, clearance=0).user
    assert secret in visible(cleared_clerk)
    assert secret not in visible(plain_clerk)
    assert secret not in visible(admin)
    assert secret not in visible(cleared_specialist)
    AssignmentFactory(document=secret, user=cleared_specialist)
    AssignmentFactory(document=secret, user=uncleared_specialist)
    assert secret in visible(cleared_specialist)
    assert secret not in visible(uncleared_specialist)
    assert not ProcessingEntry.objects.restrict(uncleared_specialist, "view").exists()


def test_unit_admin_sees_subtree_normal_documents(commune, office):
    admin = PositionFactory(unit_admin=True, unit=commune).user
    doc = IncomingDocumentFactory(unit=office)
    elsewhere = IncomingDocumentFactory(unit=UnitFactory())
    assert visible(admin) == {doc}
    assert elsewhere not in visible(admin)


def test_citizen_sees_nothing(commune):
    from tests.factories import UserFactory

    IncomingDocumentFactory(unit=commune)
    assert visible(UserFactory(citizen=True)) == set()
