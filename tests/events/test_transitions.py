"""The document transitions publish their events, with ids only, in their own transactions."""

from __future__ import annotations

import datetime

import pytest

from congvu.core.errors import PermissionDenied
from congvu.events.models import OutboxMessage
from congvu.incoming import services as incoming
from congvu.incoming.models import IncomingDocument
from congvu.outgoing import services as outgoing
from tests.outgoing.conftest import make_commune
from tests.outgoing.factories import doc_type
from tests.outgoing.helpers import approved, issued

pytestmark = pytest.mark.django_db


def events() -> list[tuple[str, str, dict]]:
    return [(m.event_type, m.key, m.payload) for m in OutboxMessage.objects.order_by("pk")]


def _registered(c) -> IncomingDocument:
    return incoming.incoming_register(
        actor=c.clerk,
        unit=c.unit,
        number_notation="845/SNV-CCVC",
        document_date=datetime.date(2026, 3, 2),
        document_type=doc_type("cong-van"),
        subject="V/v báo cáo số lượng công chức cấp xã",
        issuer_name="Sở Nội vụ tỉnh Vĩnh Long",
    )


def _key(doc) -> str:
    return f"{doc._meta.label_lower}:{doc.pk}"


def test_issue_register_and_recall_publish_in_order():
    sender, receiver = make_commune("Thạnh Phú"), make_commune("An Qui")
    doc = issued(sender, recipients=[{"unit": receiver.unit}])
    copy = IncomingDocument.objects.get(pk=doc.recipients.get().incoming_id)
    incoming.incoming_register_pending(actor=receiver.clerk, document=copy)
    outgoing.document_recall(actor=sender.clerk, document=doc, reason="Sai đối tượng")
    assert events() == [
        ("document.issued", _key(doc), {"document_id": doc.pk}),
        ("incoming.registered", _key(copy), {"document_id": copy.pk}),
        ("document.recalled", _key(doc), {"document_id": doc.pk}),
    ]


def test_a_refused_transition_publishes_nothing():
    c = make_commune("Thạnh Phú")
    doc = approved(c)
    with pytest.raises(PermissionDenied):
        outgoing.document_issue(actor=c.specialist, document=doc)
    assert events() == []


def test_register_direct_forward_and_complete():
    c = make_commune("Thạnh Phú")
    doc = _registered(c)
    (main,) = incoming.incoming_direct(
        actor=c.leader, document=doc, instruction="Văn phòng tham mưu", main=c.office
    )
    child = incoming.assignment_forward(
        actor=c.office_head, assignment=main, to_user=c.specialist, note="Dự thảo báo cáo"
    )
    incoming.incoming_complete(actor=c.specialist, document=doc, note="Đã báo cáo")
    key = _key(doc)
    assert events() == [
        ("incoming.registered", key, {"document_id": doc.pk}),
        ("incoming.assigned", key, {"document_id": doc.pk, "assignment_ids": [main.pk]}),
        ("incoming.assigned", key, {"document_id": doc.pk, "assignment_ids": [child.pk]}),
        ("incoming.in_progress", key, {"document_id": doc.pk}),
        ("incoming.done", key, {"document_id": doc.pk}),
    ]


def test_an_issued_reply_publishes_done_then_issued():
    c = make_commune("Thạnh Phú")
    doc = _registered(c)
    incoming.incoming_direct(actor=c.leader, document=doc, instruction="Trả lời", main=c.specialist)
    reply = outgoing.draft_create(
        actor=c.specialist,
        unit=c.unit,
        drafting_unit=c.office,
        document_type=doc_type("cong-van"),
        subject="V/v trả lời",
        reply_to=doc,
    )
    outgoing.draft_submit(actor=c.specialist, document=reply, reviewers=[])
    outgoing.draft_approve_for_signing(actor=c.leader, document=reply)
    OutboxMessage.objects.all().delete()
    outgoing.document_issue(actor=c.clerk, document=reply)
    assert events() == [
        ("incoming.done", _key(doc), {"document_id": doc.pk, "reply_id": reply.pk}),
        ("document.issued", _key(reply), {"document_id": reply.pk}),
    ]
