"""Dự thảo and trình duyệt: edit rules, the review chain, approval for signing."""

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.outgoing import services
from congvu.outgoing.constants import Decision, Status
from congvu.outgoing.models import OutgoingDocument
from tests.factories import DelegationFactory, PositionFactory
from tests.files.builders import docx_bytes, upload
from tests.outgoing.factories import doc_type
from tests.outgoing.helpers import drafted

pytestmark = pytest.mark.django_db


def test_draft_create_records_recipients_and_audit(commune, other):
    doc = drafted(
        commune,
        recipients=[
            {"unit": other.unit, "kind": "main"},
            {"external_name": "Công an tỉnh", "external_address": "Vĩnh Long", "kind": "info"},
        ],
    )
    assert doc.status == Status.DRAFT
    assert doc.recipients.count() == 2
    assert "to chuc tiep cong dan" in doc.search_text
    assert AuditRecord.objects.filter(action="congvu.outgoing.document.drafted").exists()


def test_top_secret_is_refused(commune):
    with pytest.raises(ServiceError) as err:
        drafted(commune, secrecy=2)
    assert err.value.code == "secrecy_not_allowed"


def test_secret_draft_needs_clearance(commune):
    with pytest.raises(ServiceError) as err:
        drafted(commune, secrecy=1)
    assert err.value.code == "clearance"


def test_outsider_cannot_draft_for_the_commune(commune, other):
    with pytest.raises(PermissionDenied):
        services.draft_create(
            actor=other.specialist,
            unit=commune.unit,
            document_type=doc_type("cong-van"),
            subject="x",
        )


def test_update_only_while_draft_or_returned(commune):
    doc = drafted(commune)
    services.draft_update(actor=commune.specialist, document=doc, subject="V/v mới", urgency=1)
    doc.refresh_from_db()
    assert doc.subject == "V/v mới" and doc.urgency == 1
    services.draft_submit(actor=commune.specialist, document=doc, reviewers=[commune.leader])
    with pytest.raises(TransitionNotAllowed):
        services.draft_update(actor=commune.specialist, document=doc, subject="Khác")


def test_versions_are_stored_files_numbered_from_one(commune):
    doc = drafted(commune)
    v1 = services.draft_add_version(
        actor=commune.specialist,
        document=doc,
        upload=upload("du-thao.docx", docx_bytes("Bản 1")),
    )
    v2 = services.draft_add_version(
        actor=commune.specialist,
        document=doc,
        upload=upload("du-thao.docx", docx_bytes("Bản 2")),
        note="Sửa theo ý kiến",
    )
    assert (v1.version, v2.version) == (1, 2)
    assert v1.purpose == v2.purpose == "draft"
    assert v1.sha256 != v2.sha256
    with pytest.raises(ServiceError) as err:
        services.draft_add_version(
            actor=commune.specialist, document=doc, upload=upload("x.exe", b"MZ")
        )
    assert err.value.errors[0].field == "file"
    with pytest.raises(PermissionDenied):
        services.draft_add_version(
            actor=commune.clerk, document=doc, upload=upload("a.docx", docx_bytes("x"))
        )


def test_chain_goes_in_order_then_leader_approves(commune):
    doc = drafted(commune)
    services.draft_submit(
        actor=commune.specialist, document=doc, reviewers=[commune.office_head, commune.leader]
    )
    # The leader's turn has not come yet.
    with pytest.raises(PermissionDenied):
        services.review_approve(actor=commune.leader, document=doc)
    with pytest.raises(TransitionNotAllowed):
        services.draft_approve_for_signing(actor=commune.deputy, document=doc)
    services.review_approve(actor=commune.office_head, document=doc, comment="Đạt")
    services.draft_approve_for_signing(actor=commune.leader, document=doc, authority_prefix="TM.")
    doc.refresh_from_db()
    assert doc.status == Status.APPROVED
    assert doc.signer == commune.leader
    assert doc.authority_prefix == "TM."
    assert doc.signer_title == "Chủ tịch"
    assert set(doc.review_steps.values_list("decision", flat=True)) == {Decision.APPROVED}


def test_return_for_revision_and_resubmit(commune):
    doc = drafted(commune)
    services.draft_submit(
        actor=commune.specialist, document=doc, reviewers=[commune.office_head, commune.leader]
    )
    with pytest.raises(ServiceError):
        services.review_return(actor=commune.office_head, document=doc, comment="  ")
    services.review_return(actor=commune.office_head, document=doc, comment="Sửa trích yếu")
    doc.refresh_from_db()
    assert doc.status == Status.RETURNED
    decisions = list(doc.review_steps.order_by("order").values_list("decision", flat=True))
    assert decisions == [Decision.RETURNED, Decision.SKIPPED]
    services.draft_update(actor=commune.specialist, document=doc, subject="V/v đã sửa")
    services.draft_submit(actor=commune.specialist, document=doc, reviewers=[commune.office_head])
    assert doc.review_steps.filter(round=2, decision=Decision.PENDING).count() == 1


def test_leader_can_return_without_being_on_the_chain(commune):
    doc = drafted(commune)
    services.draft_submit(actor=commune.specialist, document=doc, reviewers=[])
    services.review_return(actor=commune.deputy, document=doc, comment="Chưa đúng thể thức")
    assert OutgoingDocument.objects.get(pk=doc.pk).status == Status.RETURNED


def test_only_leaders_approve_for_signing(commune):
    doc = drafted(commune)
    services.draft_submit(actor=commune.specialist, document=doc, reviewers=[])
    for not_leader in (commune.specialist, commune.clerk, commune.office_head):
        with pytest.raises(PermissionDenied):
            services.draft_approve_for_signing(actor=not_leader, document=doc)
    with pytest.raises(ServiceError):
        services.draft_approve_for_signing(
            actor=commune.leader, document=doc, authority_prefix="XX."
        )


def test_delegate_approves_through_active_delegation(commune):
    doc = drafted(commune)
    services.draft_submit(actor=commune.specialist, document=doc, reviewers=[])
    delegate = PositionFactory(unit=commune.office, role="specialist").user
    DelegationFactory(delegator=commune.leader, delegate=delegate, unit=commune.unit)
    services.draft_approve_for_signing(actor=delegate, document=doc, authority_prefix="TUQ.")
    doc.refresh_from_db()
    assert doc.signer == delegate and doc.authority_prefix == "TUQ."


def test_reviewer_must_belong_to_the_issuing_unit(commune, other):
    doc = drafted(commune)
    with pytest.raises(ServiceError) as err:
        services.draft_submit(actor=commune.specialist, document=doc, reviewers=[other.leader])
    assert err.value.errors[0].field == "reviewers"
