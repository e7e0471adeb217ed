"""Who sees which outgoing document."""

import pytest

from congvu.outgoing import selectors
from congvu.outgoing.models import OutgoingDocument
from tests.factories import PositionFactory
from tests.outgoing.factories import OutgoingDocumentFactory
from tests.outgoing.helpers import drafted, issued

pytestmark = pytest.mark.django_db


def visible(user):
    return set(OutgoingDocument.objects.restrict(user, "view").values_list("pk", flat=True))


def test_draft_is_seen_by_the_people_on_it_and_unit_clerks_and_leaders(commune, other):
    doc = drafted(commune)
    from congvu.outgoing import services

    services.draft_submit(actor=commune.specialist, document=doc, reviewers=[commune.office_head])
    colleague = PositionFactory(unit=commune.office, role="specialist").user
    for user in (commune.specialist, commune.office_head, commune.leader, commune.clerk):
        assert doc.pk in visible(user), user
    for user in (colleague, other.specialist, other.leader, other.clerk):
        assert doc.pk not in visible(user), user


def test_issued_document_is_not_seen_by_recipient_units(commune, other):
    """A recipient sees its văn bản đến; the outgoing record stays with the issuing unit."""
    doc = issued(commune, recipients=[{"unit": other.unit}])
    for user in (other.clerk, other.leader, other.deputy, other.specialist):
        assert doc.pk not in visible(user), user
    for user in (commune.clerk, commune.leader):
        assert doc.pk in visible(user), user


def test_secret_needs_clearance_unless_named_on_it(commune):
    doc = OutgoingDocumentFactory(unit=commune.unit, secret=True, drafted_by=commune.specialist)
    assert doc.pk in visible(commune.specialist)  # the drafter
    assert doc.pk in visible(commune.leader)  # a leader with clearance
    assert doc.pk not in visible(commune.clerk)  # no clearance


def test_other_communes_specialist_gets_404(client, commune, other):
    doc = drafted(commune)
    client.force_login(other.specialist)
    assert client.get(f"/app/van-ban-di/{doc.pk}/").status_code == 404
    client.force_login(commune.specialist)
    assert client.get(f"/app/van-ban-di/{doc.pk}/").status_code == 200


def test_counters(commune):
    doc = drafted(commune)
    from congvu.outgoing import services

    services.draft_submit(
        actor=commune.specialist, document=doc, reviewers=[commune.office_head, commune.leader]
    )
    assert selectors.to_review(actor=commune.office_head).count() == 1
    assert selectors.to_review(actor=commune.leader).count() == 0
    assert selectors.to_sign(actor=commune.leader).count() == 0
    services.review_approve(actor=commune.office_head, document=doc)
    assert selectors.to_review(actor=commune.leader).count() == 1
    assert selectors.to_sign(actor=commune.leader).count() == 1
    assert selectors.to_sign(actor=commune.deputy).count() == 0
    services.draft_approve_for_signing(actor=commune.leader, document=doc)
    assert selectors.to_issue(actor=commune.clerk).count() == 1
    from congvu.web.mywork import counters_for

    cards = {c.key: c.count for c in counters_for(commune.clerk)}
    assert cards["outgoing_to_issue"] == 1


def test_recipient_unit_gets_404_on_the_outgoing_record_and_keeps_its_own_copy(
    client, commune, other
):
    """Page, list, API list/detail and the issued file: the recipient reads its văn bản đến instead."""
    from rest_framework.test import APIClient

    from congvu.files.models import StoredFile
    from congvu.incoming.models import IncomingDocument

    doc = issued(commune, recipients=[{"unit": other.unit}])
    assert doc.issued_file_id
    incoming = IncomingDocument.objects.get(unit=other.unit)
    own_copy = StoredFile.objects.filter(
        owner_type="incoming.incomingdocument", owner_id=str(incoming.pk)
    ).first()
    assert own_copy is not None
    for user in (other.clerk, other.leader, other.specialist):
        client.force_login(user)
        assert client.get(f"/app/van-ban-di/{doc.pk}/").status_code == 404, user
        assert doc.subject not in client.get("/app/van-ban-di/").content.decode(), user
        assert client.get(f"/app/tep/{doc.issued_file_id}/").status_code == 404, user
        api = APIClient()
        api.force_authenticate(user)
        assert api.get(f"/api/v1/outgoing-documents/{doc.pk}/").status_code == 404, user
        assert api.get("/api/v1/outgoing-documents/").json()["count"] == 0, user
    # The văn thư of the recipient unit opens its incoming document and downloads its copy.
    client.force_login(other.clerk)
    assert client.get(f"/app/van-ban-den/{incoming.pk}/").status_code == 200
    response = client.get(f"/app/tep/{own_copy.pk}/")
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content if response.streaming else [response.content])[:4]
        == b"%PDF"
    )
    # The issuing unit still sees its own record in full.
    client.force_login(commune.clerk)
    assert client.get(f"/app/van-ban-di/{doc.pk}/").status_code == 200
    assert client.get(f"/app/tep/{doc.issued_file_id}/").status_code == 200
