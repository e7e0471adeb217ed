"""Ban hành: numbering, the atomic pipeline with a pluggable signer, delivery, nơi nhận."""

import pytest
from pypdf import PdfReader

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.files.models import StoredFile
from congvu.files.services import file_open_verified
from congvu.incoming.constants import Status as IncomingStatus
from congvu.incoming.models import IncomingDocument
from congvu.outgoing import selectors, services
from congvu.outgoing.constants import DeliveryStatus, Status
from congvu.outgoing.models import OutgoingDocument
from congvu.outgoing.signing import BaseSigner, get_signer, register, registered_signers
from congvu.registry.constants import AdminNumbering
from congvu.registry.models import IssuedNumber, Register, UnitNumberingPolicy
from tests.outgoing.conftest import make_commune
from tests.outgoing.factories import OutgoingDocumentFactory
from tests.outgoing.helpers import approved, drafted, issued

pytestmark = pytest.mark.django_db


def test_clerk_issues_and_the_number_is_given_at_issuance(commune):
    doc = approved(commune)
    assert doc.number is None and doc.number_notation == ""
    doc = services.document_issue(actor=commune.clerk, document=doc)
    doc.refresh_from_db()
    assert doc.status == Status.ISSUED
    assert doc.number == 1 and doc.number_notation == "01/UBND-VP"
    assert doc.register.unit == commune.unit and doc.issued_number.number == 1
    assert doc.issued_by == commune.clerk and doc.signed_with == "noop"
    assert doc.issued_file.purpose == "issued"
    with file_open_verified(doc.issued_file) as fh:
        text = "".join(page.extract_text() for page in PdfReader(fh).pages)
    assert "Số: 01/UBND-VP" in text and "Lưu: VT, VP." in text
    assert AuditRecord.objects.filter(action="congvu.outgoing.document.issued").exists()


def test_only_a_clerk_of_the_issuing_unit_issues(commune, other):
    doc = approved(commune)
    for actor in (commune.leader, commune.specialist, other.clerk):
        with pytest.raises(PermissionDenied):
            services.document_issue(actor=actor, document=doc)
    assert OutgoingDocument.objects.get(pk=doc.pk).status == Status.APPROVED


def test_only_an_approved_document_is_issued(commune):
    doc = drafted(commune)
    with pytest.raises(TransitionNotAllowed):
        services.document_issue(actor=commune.clerk, document=doc)
    done = issued(commune)
    with pytest.raises(TransitionNotAllowed):
        services.document_issue(actor=commune.clerk, document=done)
    assert Register.objects.get(unit=commune.unit).last_number == 1


def test_shared_sequence_numbers_types_consecutively(commune):
    notations = [
        issued(commune, type_code="cong-van").number_notation,
        issued(commune, type_code="quyet-dinh").number_notation,
        issued(commune, type_code="thong-bao").number_notation,
    ]
    assert notations == ["01/UBND-VP", "02/QĐ-UBND", "03/TB-UBND"]


def test_per_type_sequences_when_the_unit_chooses_so(commune):
    UnitNumberingPolicy.objects.create(unit=commune.unit, admin_numbering=AdminNumbering.PER_TYPE)
    notations = [
        issued(commune, type_code="quyet-dinh").number_notation,
        issued(commune, type_code="thong-bao").number_notation,
        issued(commune, type_code="quyet-dinh").number_notation,
    ]
    assert notations == ["01/QĐ-UBND", "01/TB-UBND", "02/QĐ-UBND"]


def test_legal_normative_documents_have_their_own_sequence(commune):
    issued(commune, type_code="quyet-dinh")
    qppl = issued(commune, type_code="quyet-dinh-qppl")
    after = issued(commune, type_code="quyet-dinh")
    year = qppl.issued_at.year
    assert qppl.number_notation == f"01/{year}/QĐ-UBND"
    assert after.number_notation == "02/QĐ-UBND"


def test_secret_documents_use_a_separate_register(commune):
    issued(commune, type_code="cong-van")
    secret = OutgoingDocumentFactory(
        unit=commune.unit, drafting_unit=commune.office, approved=True, secret=True
    )
    # A văn thư without clearance may not issue a Mật document.
    with pytest.raises(PermissionDenied):
        services.document_issue(actor=commune.clerk, document=secret)
    from tests.factories import PositionFactory

    cleared = PositionFactory(unit=commune.unit, clerk=True, clearance=1).user
    secret = services.document_issue(actor=cleared, document=secret)
    assert secret.number == 1
    assert secret.register.secrecy == 1
    assert issued(commune, type_code="cong-van").number == 2


@register("counting-test")
class CountingSigner(BaseSigner):
    calls = 0

    def sign(self, document, pdf_bytes):
        CountingSigner.calls += 1
        return pdf_bytes + b"%signed"


def test_signers_are_plugins_chosen_by_setting(commune, settings):
    assert {"noop", "failing"} <= set(registered_signers())
    settings.CONGVU_SIGNER = "counting-test"
    assert isinstance(get_signer(), CountingSigner)
    doc = issued(commune)
    assert doc.signed_with == "counting-test"
    with file_open_verified(doc.issued_file) as fh:
        assert fh.read().endswith(b"%signed")


def test_failing_signer_issues_nothing(commune, other, settings):
    issued(commune)  # number 01 is taken
    doc = approved(commune, recipients=[{"unit": other.unit}, {"external_name": "Sở Nội vụ"}])
    register = Register.objects.get(unit=commune.unit)
    numbers_before = IssuedNumber.objects.count()
    audit_before = AuditRecord.objects.count()
    settings.CONGVU_SIGNER = "failing"
    with pytest.raises(ServiceError) as err:
        services.document_issue(actor=commune.clerk, document=doc)
    assert err.value.code == "signing_failed"
    doc.refresh_from_db()
    register.refresh_from_db()
    assert doc.status == Status.APPROVED
    assert doc.number is None and doc.number_notation == "" and doc.issued_file is None
    assert not StoredFile.objects.filter(purpose="issued", owner_id=str(doc.pk)).exists()
    assert register.last_number == 1
    assert IssuedNumber.objects.count() == numbers_before
    assert AuditRecord.objects.count() == audit_before
    assert set(doc.recipients.values_list("delivery_status", flat=True)) == {DeliveryStatus.PENDING}
    # The next successful issuance takes the very next number: no gap.
    settings.CONGVU_SIGNER = "noop"
    doc = services.document_issue(actor=commune.clerk, document=doc)
    assert doc.number == 2


def test_delivery_records_internal_and_postal_recipients(commune, other):
    doc = issued(
        commune,
        recipients=[
            {"unit": other.unit, "kind": "main"},
            {"external_name": "Công ty Điện lực", "external_address": "Thạnh Phú", "kind": "info"},
        ],
    )
    internal = doc.recipients.get(unit=other.unit)
    external = doc.recipients.get(unit__isnull=True)
    assert internal.delivery_status == DeliveryStatus.DELIVERED
    assert external.delivery_status == DeliveryStatus.POSTAL_RECORDED
    assert internal.delivered_at and external.delivered_at


def test_internal_recipients_get_a_pending_incoming_document_each(commune, other):
    third = make_commune("Đại Điền")
    doc = issued(commune, recipients=[{"unit": other.unit}, {"unit": third.unit, "kind": "info"}])
    incoming = IncomingDocument.objects.filter(
        pk__in=doc.recipients.values_list("incoming_id", flat=True)
    )
    assert sorted(incoming.values_list("unit_id", flat=True)) == sorted(
        [other.unit.pk, third.unit.pk]
    )
    for item in incoming:
        assert item.status == IncomingStatus.PENDING and item.arrival_number is None
        assert item.number_notation == doc.number_notation == "01/UBND-VP"
        assert item.issuer_unit_id == commune.unit.pk
        assert (item.origin_type, item.origin_id) == ("outgoing.outgoingdocument", str(doc.pk))
    # The recipient's văn thư sees it waiting; the issuing unit's clerk sees the original.
    assert IncomingDocument.objects.restrict(other.clerk, "view").filter(unit=other.unit).exists()


def test_failing_signer_delivers_nothing(commune, other, settings):
    doc = approved(commune, recipients=[{"unit": other.unit}])
    settings.CONGVU_SIGNER = "failing"
    with pytest.raises(ServiceError):
        services.document_issue(actor=commune.clerk, document=doc)
    assert not IncomingDocument.objects.exists()


def test_noi_nhan_ends_with_luu_vt(commune, other):
    cong_van = drafted(
        commune,
        recipients=[
            {"unit": other.unit, "kind": "main"},
            {"external_name": "Thường trực Đảng ủy", "kind": "info"},
        ],
    )
    lines = selectors.recipient_lines(cong_van)
    assert lines == ["- Như trên;", "- Thường trực Đảng ủy;", "- Lưu: VT, VP."]
    assert selectors.addressees(cong_van) == [other.unit.name]
    decision = drafted(commune, type_code="quyet-dinh", recipients=[{"unit": other.unit}])
    assert selectors.recipient_lines(decision) == [f"- {other.unit.name};", "- Lưu: VT, VP."]


def test_issuing_a_reply_links_it_to_the_incoming_document(commune):
    from tests.incoming.factories import IncomingDocumentFactory

    incoming = IncomingDocumentFactory(unit=commune.unit, directed=True)
    doc = issued(commune, reply_to=incoming)
    incoming.refresh_from_db()
    assert (incoming.reply_type, incoming.reply_id) == ("outgoing.outgoingdocument", str(doc.pk))
    assert incoming.reply_label == doc.number_notation


def test_a_reply_to_a_closed_incoming_document_is_issued_without_a_link(commune):
    from tests.incoming.factories import IncomingDocumentFactory

    incoming = IncomingDocumentFactory(unit=commune.unit, directed=True)
    doc = approved(commune, reply_to=incoming)
    IncomingDocument.objects.filter(pk=incoming.pk).update(status=IncomingStatus.RETURNED)
    doc = services.document_issue(actor=commune.clerk, document=doc)
    incoming.refresh_from_db()
    assert doc.status == Status.ISSUED
    assert incoming.reply_id == ""
