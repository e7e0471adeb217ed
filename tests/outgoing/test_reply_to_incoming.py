"""A reply draft starts from the incoming document, and issuing the reply completes it."""

from __future__ import annotations

import datetime
import html

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied
from congvu.incoming import services as incoming
from congvu.incoming.constants import AssignmentStatus
from congvu.incoming.constants import Status as InStatus
from congvu.incoming.models import IncomingDocument
from congvu.outgoing import services
from congvu.outgoing.models import OutgoingDocument
from tests.incoming.factories import ExternalOrganizationFactory
from tests.outgoing.factories import doc_type

pytestmark = pytest.mark.django_db


def _registered(c, **kw) -> IncomingDocument:
    data = {
        "actor": c.clerk,
        "unit": c.unit,
        "number_notation": "845/SNV-CCVC",
        "document_date": datetime.date(2026, 3, 2),
        "document_type": doc_type("cong-van"),
        "subject": "V/v báo cáo số lượng công chức cấp xã",
        "issuer_name": "Sở Nội vụ tỉnh Vĩnh Long",
    }
    data.update(kw)
    return incoming.incoming_register(**data)


def _directed(c) -> IncomingDocument:
    doc = _registered(c)
    incoming.incoming_direct(
        actor=c.leader, document=doc, instruction="Văn phòng tham mưu trả lời", main=c.specialist
    )
    return IncomingDocument.objects.get(pk=doc.pk)


def test_the_reply_form_is_prefilled_from_an_external_issuer(client, commune):
    org = ExternalOrganizationFactory(
        name="Sở Nội vụ tỉnh Vĩnh Long", address="88 Hoàng Thái Hiếu, Vĩnh Long"
    )
    doc = _registered(commune, issuer_external=org)
    client.force_login(commune.clerk)
    body = html.unescape(
        client.get("/app/van-ban-di/soan-thao/", {"tra_loi": doc.pk}).content.decode()
    )
    assert (
        "V/v trả lời Công văn số 845/SNV-CCVC ngày 02/03/2026 của Sở Nội vụ tỉnh Vĩnh Long" in body
    )
    assert "Sở Nội vụ tỉnh Vĩnh Long | 88 Hoàng Thái Hiếu, Vĩnh Long</textarea>" in body
    assert f'<option value="{doc_type("cong-van").pk}" selected>' in body


def test_the_reply_form_chooses_an_internal_issuer_as_a_unit(client, commune, other):
    doc = _registered(commune, issuer_unit=other.unit, issuer_name=other.unit.name)
    client.force_login(commune.clerk)
    body = html.unescape(
        client.get("/app/van-ban-di/soan-thao/", {"tra_loi": doc.pk}).content.decode()
    )
    assert f'<option value="{other.unit.pk}" selected>' in body
    assert f"ngày 02/03/2026 của {other.unit.name}" in body


def test_issuing_the_reply_completes_the_incoming_document(client, commune):
    doc = _directed(commune)
    assert doc.status == InStatus.DIRECTED
    # The handler drafts the reply from the incoming page; the link is stored with the draft.
    client.force_login(commune.specialist)
    form = client.get("/app/van-ban-di/soan-thao/", {"tra_loi": doc.pk}).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(drafting_unit=commune.office.pk, urgency=0, secrecy=0)
    response = client.post(f"/app/van-ban-di/soan-thao/?tra_loi={doc.pk}", data)
    assert response.status_code == 302, response.content
    reply = OutgoingDocument.objects.get()
    assert (reply.reply_to_type, reply.reply_to_id) == ("incoming.incomingdocument", str(doc.pk))
    services.draft_submit(actor=commune.specialist, document=reply, reviewers=[])
    services.draft_approve_for_signing(actor=commune.leader, document=reply)
    doc.refresh_from_db()
    assert doc.status == InStatus.DIRECTED  # not before the reply is issued

    reply = services.document_issue(actor=commune.clerk, document=reply)

    doc.refresh_from_db()
    assert doc.status == InStatus.COMPLETED and doc.completed_at is not None
    assert doc.reply_id == str(reply.pk) and doc.reply_label == reply.number_notation
    assert not doc.assignments.filter(status=AssignmentStatus.OPEN).exists()
    record = AuditRecord.objects.get(
        action="congvu.incoming.document.completed_by_reply", object_id=str(doc.pk)
    )
    assert record.after["status"] == InStatus.COMPLETED


def test_a_reply_issued_for_a_closed_document_changes_nothing_but_the_link(commune):
    doc = _directed(commune)
    reply = services.draft_create(
        actor=commune.specialist,
        unit=commune.unit,
        drafting_unit=commune.office,
        document_type=doc_type("cong-van"),
        subject="V/v trả lời",
        reply_to=doc,
    )
    incoming.incoming_complete(actor=commune.specialist, document=doc, note="Đã báo cáo miệng")
    services.draft_submit(actor=commune.specialist, document=reply, reviewers=[])
    services.draft_approve_for_signing(actor=commune.leader, document=reply)
    services.document_issue(actor=commune.clerk, document=reply)
    doc.refresh_from_db()
    assert doc.status == InStatus.COMPLETED
    assert not AuditRecord.objects.filter(action="congvu.incoming.document.completed_by_reply")


def test_only_an_issued_reply_completes(commune):
    doc = _directed(commune)
    reply = services.draft_create(
        actor=commune.specialist,
        unit=commune.unit,
        drafting_unit=commune.office,
        document_type=doc_type("cong-van"),
        subject="V/v trả lời",
        reply_to=doc,
    )
    with pytest.raises(PermissionDenied) as info:
        incoming.incoming_complete_by_reply(actor=commune.clerk, document=doc, reply=reply)
    assert info.value.code == "not_a_reply"
    doc.refresh_from_db()
    assert doc.status == InStatus.DIRECTED
