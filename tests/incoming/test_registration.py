"""Registration: số đến numbering, secrecy, duplicates, internal delivery."""

import datetime

import pytest
import time_machine

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.incoming import services
from congvu.incoming.constants import Source, Status
from congvu.incoming.models import IncomingDocument
from congvu.registry.models import IssuedNumber

pytestmark = pytest.mark.django_db


def test_numbers_are_consecutive_and_shared_per_unit(register_doc):
    docs = [register_doc() for _ in range(3)]
    assert [d.arrival_number for d in docs] == [1, 2, 3]
    assert len({d.register_id for d in docs}) == 1
    assert docs[0].arrival_number_display == "01"
    assert docs[0].status == Status.REGISTERED
    issued = IssuedNumber.objects.get(register=docs[1].register, number=2)
    assert issued.object_id == str(docs[1].pk)
    assert AuditRecord.objects.filter(action="congvu.incoming.document.registered").count() == 3


def test_numbers_restart_each_year(register_doc):
    with time_machine.travel(datetime.datetime(2026, 12, 31, 9, tzinfo=datetime.UTC), tick=False):
        register_doc()
        last = register_doc()
    with time_machine.travel(datetime.datetime(2027, 1, 4, 9, tzinfo=datetime.UTC), tick=False):
        first = register_doc()
    assert last.arrival_number == 2
    assert first.arrival_number == 1
    assert first.register.year == 2027 and last.register.year == 2026


def test_secret_documents_use_their_own_register(register_doc):
    normal = register_doc()
    secret = register_doc(secrecy=1)
    normal2 = register_doc()
    assert secret.arrival_number == 1
    assert secret.register_id != normal.register_id
    assert secret.register.secrecy == 1
    assert normal2.arrival_number == 2


@pytest.mark.parametrize("level", [2, 3, "toi_mat", "tuyet_mat"])
def test_top_secret_is_refused(register_doc, level):
    with pytest.raises(ServiceError) as exc:
        register_doc(secrecy=level)
    assert exc.value.code == "secrecy_not_allowed"
    assert not IncomingDocument.objects.exists()
    assert not IssuedNumber.objects.exists()


def test_only_a_clerk_of_the_unit_registers(register_doc, leader, outsider):
    with pytest.raises(PermissionDenied) as exc:
        register_doc(actor=leader)
    assert exc.value.code == "not_clerk"
    with pytest.raises(PermissionDenied):
        register_doc(actor=outsider)


def test_likely_duplicate_is_flagged_before_saving(register_doc, clerk, commune):
    first = register_doc(number_notation="12/QĐ-UBND")
    dupes = services.incoming_find_duplicates(
        actor=clerk,
        unit=commune,
        number_notation="12/qđ - ubnd",
        document_date=first.document_date,
        issuer_name="SỞ NỘI VỤ TỈNH VĨNH LONG",
    )
    assert dupes == [first]
    with pytest.raises(ServiceError) as exc:
        register_doc(number_notation="12/QĐ-UBND")
    assert exc.value.code == "duplicate_suspected"
    assert exc.value.errors[0].field == "confirm_duplicate"
    assert IncomingDocument.objects.count() == 1
    # Another date or issuer is no duplicate; confirming saves it anyway.
    assert register_doc(number_notation="12/QĐ-UBND", document_date=datetime.date(2026, 3, 3))
    again = register_doc(number_notation="12/QĐ-UBND", confirm_duplicate=True)
    assert again.arrival_number == 3


def test_missing_issuer_and_subject(register_doc):
    with pytest.raises(ServiceError) as exc:
        register_doc(issuer_name="")
    assert exc.value.errors[0].field == "issuer_name"
    with pytest.raises(ServiceError) as exc:
        register_doc(subject="  ")
    assert exc.value.errors[0].field == "subject"


def test_search_text_is_folded(register_doc):
    doc = register_doc(number_notation="12/QĐ-UBND", subject="Quyết định về việc Đầu tư")
    assert "12/qd-ubnd" in doc.search_text
    assert "quyet dinh ve viec dau tu" in doc.search_text
    assert "so noi vu" in doc.search_text


def test_internal_delivery_waits_for_the_clerk(commune, other_commune, clerk, cong_van, leader):
    doc = services.incoming_receive_internal(
        outgoing_unit=other_commune,
        recipient_unit=commune,
        number_notation="45/UBND-VP",
        document_date=datetime.date(2026, 3, 2),
        document_type=cong_van,
        subject="V/v phối hợp tổ chức hội nghị",
        signer_name="Lê Văn Cường",
        urgency=0,
        secrecy=0,
        origin_label="45/UBND-VP của UBND xã Bình Thạnh",
        origin_type="outgoing.outgoingdocument",
        origin_id=7,
    )
    assert doc.status == Status.PENDING
    assert doc.source == Source.INTERNAL
    assert doc.arrival_number is None
    assert doc.issuer_unit == other_commune
    assert doc.origin_id == "7"
    with pytest.raises(PermissionDenied):
        services.incoming_register_pending(actor=leader, document=doc)
    doc = services.incoming_register_pending(actor=clerk, document=doc)
    assert doc.status == Status.REGISTERED
    assert doc.arrival_number == 1
    with pytest.raises(TransitionNotAllowed):
        services.incoming_register_pending(actor=clerk, document=doc)
    assert [e.action for e in doc.entries.all()] == ["received", "registered"]


def test_external_org_directory(clerk, specialist):
    org = services.external_org_create(
        actor=clerk, name="Sở Tài chính tỉnh Vĩnh Long", code="000.00.15.H62"
    )
    assert (
        services.external_org_create(
            actor=clerk, name="sở tài chính tỉnh vĩnh long", code="000.00.15.H62"
        )
        == org
    )
    with pytest.raises(PermissionDenied):
        services.external_org_create(actor=specialist, name="Sở Y tế")
    with pytest.raises(ServiceError):
        services.external_org_create(actor=clerk, name=" ")


def test_recall_by_the_sender_closes_the_copy(
    commune, other_commune, clerk, cong_van, register_doc
):
    doc = services.incoming_receive_internal(
        outgoing_unit=other_commune,
        recipient_unit=commune,
        number_notation="46/UBND-VP",
        document_date=datetime.date(2026, 3, 2),
        document_type=cong_van,
        subject="V/v kiểm tra",
    )
    services.incoming_register_pending(actor=clerk, document=doc)
    doc = services.incoming_mark_recalled(actor=None, incoming_id=doc.pk, reason="Sai nội dung")
    assert doc.status == Status.RECALLED
    assert doc.recall_reason == "Sai nội dung"
    assert doc.entries.last().action == "recalled"
    # Idempotent; paper documents cannot be recalled this way.
    assert services.incoming_mark_recalled(actor=None, incoming_id=doc.pk, reason="x") == doc
    with pytest.raises(ServiceError):
        services.incoming_mark_recalled(actor=None, incoming_id=register_doc().pk, reason="x")


def test_registration_is_one_append_of_two_records_and_searchable_at_commit(
    register_doc, django_capture_on_commit_callbacks
):
    from congvu.audit.selectors import verify_chain
    from congvu.search.models import SearchDocument

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        doc = register_doc(subject="Kế hoạch phòng chống sốt xuất huyết")
        # Written in the registration's own transaction, before any after-commit hook.
        row = SearchDocument.objects.get(kind="incoming", object_id=doc.pk)
    assert "ke hoach phong chong sot xuat huyet" in row.body
    assert row.access == f"~d{doc.unit_id}" and row.register_id == doc.register_id
    # The index request that saving the document scheduled was dropped: nothing to redo.
    assert all(getattr(c, "superseded", True) for c in callbacks)
    issued = IssuedNumber.objects.get(register=doc.register, number=doc.arrival_number)
    assert (issued.object_type, issued.object_id) == ("incoming.incomingdocument", str(doc.pk))
    number, registered = AuditRecord.objects.order_by("seq")
    assert number.action == "congvu.registry.number.issued" and number.object_id == str(issued.pk)
    assert registered.action == "congvu.incoming.document.registered"
    assert registered.after["arrival_number"] == doc.arrival_number
    assert (registered.seq, registered.prev_hash) == (number.seq + 1, number.hash)
    assert verify_chain() is None


def test_duplicates_compare_the_whole_notation_not_only_its_digits(register_doc, clerk, commune):
    first = register_doc(number_notation="12/QĐ-UBND")

    def dupes(notation):
        return services.incoming_find_duplicates(
            actor=clerk,
            unit=commune,
            number_notation=notation,
            document_date=first.document_date,
            issuer_name="Sở Nội vụ tỉnh Vĩnh Long",
        )

    assert dupes("1 2 / qđ-UBND") == [first]
    assert dupes("12/QĐ-HĐND") == []
    assert dupes("21/QĐ-UBND") == []
    assert dupes("112/QĐ-UBND") == []


def test_a_secret_duplicate_stays_hidden_from_a_clerk_without_clearance(
    register_doc, commune, cong_van
):
    from tests.factories import PositionFactory

    register_doc(number_notation="7/QĐ-UBND", secrecy=1)
    plain_clerk = PositionFactory(clerk=True, unit=commune, clearance=0).user
    doc = register_doc(actor=plain_clerk, number_notation="7/QĐ-UBND")
    assert doc.arrival_number == 1  # the Mật register numbers apart; no duplicate shown


@pytest.mark.django_db(transaction=True)
def test_registration_at_the_top_level_commits_with_its_audit_append(
    register_doc, leader, mailoutbox
):
    # Outside any transaction (as in a view), the append and the COMMIT travel together
    # on PostgreSQL (ADR 0005): everything is committed and after-commit work still runs.
    from django.db import connection

    from congvu.audit.models import ChainHead
    from congvu.audit.selectors import verify_chain
    from congvu.registry.constants import Urgency
    from congvu.search.models import SearchDocument

    first = register_doc()
    urgent = register_doc(urgency=Urgency.URGENT)
    assert not connection.in_atomic_block and connection.get_autocommit()
    assert IncomingDocument.objects.filter(pk__in=[first.pk, urgent.pk]).count() == 2
    assert SearchDocument.objects.filter(object_id__in=[first.pk, urgent.pk]).count() == 2
    assert AuditRecord.objects.filter(action__startswith="congvu.registry.number").count() == 2
    assert ChainHead.objects.get(pk=1).seq == AuditRecord.objects.count()
    assert verify_chain() is None
    assert [m.to for m in mailoutbox] == [[leader.email]]  # sent after the commit


@pytest.mark.django_db(transaction=True)
def test_registration_is_refused_when_the_chain_head_is_gone(register_doc):
    from tests.audit.conftest import raw_sql

    register_doc()
    raw_sql("DELETE FROM audit_chainhead")
    with pytest.raises(RuntimeError, match="chain head is missing"):
        register_doc()
    assert IncomingDocument.objects.count() == 1
    assert IssuedNumber.objects.count() == 1


def test_a_copy_still_waiting_to_be_registered_is_no_duplicate(
    register_doc, commune, other_commune, clerk, cong_van
):
    # The internal copy of the same document, not yet vào sổ, has no số đến to name.
    waiting = services.incoming_receive_internal(
        outgoing_unit=other_commune,
        recipient_unit=commune,
        number_notation="45/UBND-VP",
        document_date=datetime.date(2026, 3, 2),
        document_type=cong_van,
        subject="V/v phối hợp tổ chức hội nghị",
    )
    found = services.incoming_find_duplicates(
        actor=clerk,
        unit=commune,
        number_notation="45/UBND-VP",
        document_date=waiting.document_date,
        issuer_name=other_commune.name,
    )
    assert found == []
    doc = register_doc(number_notation="45/UBND-VP", issuer_name=other_commune.name)
    assert doc.arrival_number == 1


def test_the_duplicate_warning_names_the_senders_number_and_our_arrival_number(register_doc):
    first = register_doc(number_notation="125/QĐ-UBND")
    with pytest.raises(ServiceError) as exc:
        register_doc(number_notation="125/QĐ-UBND")
    assert exc.value.message == (
        "Có thể trùng văn bản số 125/QĐ-UBND của Sở Nội vụ tỉnh Vĩnh Long, đã vào sổ với "
        f"số đến {first.arrival_number_display}: cùng cơ quan ban hành, số, ký hiệu và ngày. "
        "Kiểm tra lại, nếu đúng là văn bản khác thì xác nhận để vào sổ."
    )
    assert "số đến 125" not in exc.value.message
