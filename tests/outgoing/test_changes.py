"""Later changes (Art. 18): thu hồi, thay thế, đính chính."""

import pytest

from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.incoming.constants import Status as IncomingStatus
from congvu.incoming.models import IncomingDocument
from congvu.outgoing import services
from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from tests.outgoing.helpers import drafted, issued

pytestmark = pytest.mark.django_db


def test_recall_needs_a_reason_and_an_issued_document(commune, other):
    doc = issued(commune, recipients=[{"unit": other.unit}])
    with pytest.raises(PermissionDenied):
        services.document_recall(actor=commune.specialist, document=doc, reason="Sai")
    with pytest.raises(ServiceError):
        services.document_recall(actor=commune.leader, document=doc, reason=" ")
    services.document_recall(actor=commune.leader, document=doc, reason="Ban hành sai thẩm quyền")
    doc.refresh_from_db()
    assert doc.status == Status.RECALLED and doc.recall_reason == "Ban hành sai thẩm quyền"
    with pytest.raises(TransitionNotAllowed):
        services.document_recall(actor=commune.clerk, document=doc, reason="Lần nữa")
    with pytest.raises(TransitionNotAllowed):
        services.document_recall(
            actor=commune.clerk, document=drafted(commune), reason="Chưa ban hành"
        )


def test_recall_cancels_the_recipients_incoming_copy(commune, other):
    doc = issued(commune, recipients=[{"unit": other.unit}])
    incoming_id = doc.recipients.get().incoming_id
    services.document_recall(actor=commune.clerk, document=doc, reason="Sai đối tượng")
    copy = IncomingDocument.objects.get(pk=incoming_id)
    assert copy.status == IncomingStatus.RECALLED
    assert copy.recall_reason == "Sai đối tượng"


def test_replacement_marks_the_old_document_when_issued(commune, other):
    old = issued(commune, recipients=[{"unit": other.unit}])
    new = services.document_replace(actor=commune.specialist, document=old)
    assert new.replaces == old and new.status == Status.DRAFT
    assert list(new.recipients.values_list("unit", flat=True)) == [other.unit.pk]
    assert OutgoingDocument.objects.get(pk=old.pk).status == Status.ISSUED
    services.draft_submit(actor=commune.specialist, document=new, reviewers=[])
    services.draft_approve_for_signing(actor=commune.leader, document=new)
    new = services.document_issue(actor=commune.clerk, document=new)
    assert new.number == 2
    assert OutgoingDocument.objects.get(pk=old.pk).status == Status.REPLACED


def test_replace_links_a_given_draft_of_the_same_unit(commune, other):
    old = issued(commune)
    draft = drafted(commune)
    linked = services.document_replace(actor=commune.specialist, document=old, new_draft=draft)
    assert linked.pk == draft.pk and linked.replaces_id == old.pk
    foreign = drafted(other)
    with pytest.raises(ServiceError):
        services.document_replace(actor=commune.specialist, document=old, new_draft=foreign)


def test_correction_is_a_new_cong_van_draft(commune, other):
    old = issued(commune, type_code="quyet-dinh", recipients=[{"unit": other.unit}])
    fix = services.document_correct(actor=commune.specialist, document=old)
    assert fix.corrects == old
    assert fix.document_type.code == "cong-van" and fix.status == Status.DRAFT
    assert old.number_notation in fix.subject
    assert fix.recipients.count() == 1
