"""Presentation, direction, forwarding, progress, completion, return and reopen."""

import datetime

from django.core import mail
from django.utils import timezone

import pytest

from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.incoming import selectors, services
from congvu.incoming.constants import AssignmentStatus, Status
from tests.factories import DelegationFactory, PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directed(register_doc, clerk, leader, office, specialist):
    doc = register_doc()
    services.incoming_present(actor=clerk, document=doc, to_user=leader, note="Kính trình")
    services.incoming_direct(
        actor=leader,
        document=doc,
        instruction="Giao Văn phòng tham mưu báo cáo",
        main=office,
        informed=[specialist],
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )
    doc.refresh_from_db()
    return doc


def test_present_by_clerk_to_a_leader(register_doc, clerk, leader, specialist, outsider):
    doc = register_doc()
    with pytest.raises(PermissionDenied):
        services.incoming_present(actor=specialist, document=doc, to_user=leader)
    with pytest.raises(ServiceError) as exc:
        services.incoming_present(actor=clerk, document=doc, to_user=outsider)
    assert exc.value.errors[0].field == "to_user"
    doc = services.incoming_present(actor=clerk, document=doc, to_user=leader)
    assert doc.status == Status.PRESENTED
    assert doc.presented_to == leader
    assert list(selectors.to_direct(actor=leader)) == [doc]


def test_office_chief_can_present_further(register_doc, clerk, leader, office_head):
    doc = register_doc()
    services.incoming_present(actor=clerk, document=doc, to_user=office_head)
    doc = services.incoming_present(
        actor=office_head, document=doc, to_user=leader, note="Đề xuất giao VP"
    )
    assert doc.presented_to == leader


def test_direct_needs_a_leader_and_a_main_handler(register_doc, clerk, leader, specialist, office):
    doc = register_doc()
    with pytest.raises(PermissionDenied) as exc:
        services.incoming_direct(actor=clerk, document=doc, instruction="x", main=office)
    assert exc.value.code == "not_leader"
    with pytest.raises(ServiceError) as exc:
        services.incoming_direct(actor=leader, document=doc, instruction="x", main=None)
    assert exc.value.errors[0].field == "main"
    with pytest.raises(ServiceError) as exc:
        services.incoming_direct(
            actor=leader, document=doc, instruction="x", main=office, coordinators=[office]
        )
    assert exc.value.code == "duplicate_assignee"
    created = services.incoming_direct(
        actor=leader,
        document=doc,
        instruction="Giao VP chủ trì",
        main=office,
        coordinators=[specialist],
    )
    assert [(a.role, a.unit, a.user) for a in created] == [
        ("main", office, None),
        ("coordinate", None, specialist),
    ]
    doc.refresh_from_db()
    assert doc.status == Status.DIRECTED
    with pytest.raises(TransitionNotAllowed):
        services.incoming_direct(actor=leader, document=doc, instruction="x", main=office)


def test_deputy_directs_through_delegation(register_doc, leader, commune, office):
    deputy = PositionFactory(unit=office).user  # no leader role in the commune
    doc = register_doc()
    with pytest.raises(PermissionDenied):
        services.incoming_direct(actor=deputy, document=doc, instruction="x", main=office)
    DelegationFactory(delegator=leader, delegate=deputy, unit=commune)
    deputy = type(deputy).objects.get(pk=deputy.pk)  # fresh actor cache
    services.incoming_direct(actor=deputy, document=doc, instruction="x", main=office)


def test_forward_complete_and_tree(directed, office_head, specialist, leader, clerk):
    main = directed.assignments.get(role="main")
    with pytest.raises(PermissionDenied):
        services.assignment_forward(actor=specialist, assignment=main, to_user=specialist)
    child = services.assignment_forward(
        actor=office_head, assignment=main, to_user=specialist, note="Đồng chí dự thảo báo cáo"
    )
    assert child.parent == main and child.role == "main"
    directed.refresh_from_db()
    assert directed.status == Status.IN_PROGRESS
    services.incoming_progress(actor=specialist, document=directed, note="Đã dự thảo")
    services.incoming_link_reply(
        actor=specialist,
        document=directed,
        reply_type="outgoing.outgoingdocument",
        reply_id="9",
        reply_label="15/BC-UBND",
    )
    with pytest.raises(PermissionDenied) as exc:
        services.incoming_complete(actor=clerk, document=directed)
    assert exc.value.code == "not_main_handler"
    doc = services.incoming_complete(actor=specialist, document=directed, note="Đã gửi báo cáo")
    assert doc.status == Status.COMPLETED
    assert not doc.assignments.filter(status=AssignmentStatus.OPEN).exists()
    assert doc.reply_label == "15/BC-UBND"

    tree = selectors.processing_tree(actor=leader, document=doc)
    assert [e.action for e in tree.entries] == [
        "registered",
        "presented",
        "directed",
        "reply_linked",
        "completed",
    ]
    assert [n.assignment.role for n in tree.roots] == ["main", "info"]
    (child_node,) = tree.roots[0].children
    assert child_node.assignment.user == specialist
    assert [e.action for e in child_node.entries] == ["forwarded", "progress"]
    assert child_node.entries[1].note == "Đã dự thảo"


def test_informed_cannot_progress_or_complete(directed, specialist):
    with pytest.raises(PermissionDenied):
        services.incoming_progress(actor=specialist, document=directed, note="x")
    with pytest.raises(PermissionDenied):
        services.incoming_complete(actor=specialist, document=directed)


def test_return_and_reopen(register_doc, clerk, leader, specialist):
    doc = register_doc()
    with pytest.raises(ServiceError) as exc:
        services.incoming_return(actor=clerk, document=doc, reason=" ")
    assert exc.value.errors[0].field == "reason"
    with pytest.raises(PermissionDenied):
        services.incoming_return(actor=specialist, document=doc, reason="Sai nơi nhận")
    doc = services.incoming_return(actor=clerk, document=doc, reason="Gửi nhầm đơn vị")
    assert doc.status == Status.RETURNED
    with pytest.raises(PermissionDenied):
        services.incoming_reopen(actor=clerk, document=doc, reason="x")
    doc = services.incoming_reopen(actor=leader, document=doc, reason="Đúng đơn vị")
    assert doc.status == Status.REGISTERED
    with pytest.raises(TransitionNotAllowed):
        services.incoming_reopen(actor=leader, document=doc, reason="x")


def test_reopen_completed_reopens_assignments(directed, office_head, leader):
    services.incoming_complete(actor=office_head, document=directed)
    doc = services.incoming_reopen(actor=leader, document=directed, reason="Bổ sung số liệu")
    assert doc.status == Status.IN_PROGRESS
    assert doc.assignments.filter(status="open").count() == 2
    with pytest.raises(TransitionNotAllowed):
        services.incoming_return(actor=leader, document=doc, reason="x")


def test_urgent_documents_notify_at_once(
    register_doc, clerk, leader, office, office_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        doc = register_doc(urgency=2)
    assert [m.to for m in mail.outbox] == [[leader.email]]
    assert "THƯỢNG KHẨN" in mail.outbox[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_direct(actor=leader, document=doc, instruction="Xử lý ngay", main=office)
    assert [m.to for m in mail.outbox] == [[office_head.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        register_doc()  # not urgent
    assert mail.outbox == []


def test_lists_put_urgent_first(register_doc, clerk):
    normal = register_doc()
    flash = register_doc(urgency=3)
    urgent = register_doc(urgency=1)
    newest = register_doc()
    assert list(selectors.documents(actor=clerk)) == [flash, urgent, newest, normal]


def test_same_day_rule(commune, clerk, cong_van):
    from tests.incoming.factories import IncomingDocumentFactory

    # Monday 2 March 2026: arrived Thursday → late; arrived Friday → due today (end of Monday).
    thursday = IncomingDocumentFactory(unit=commune, arrival_date=datetime.date(2026, 2, 26))
    IncomingDocumentFactory(unit=commune, arrival_date=datetime.date(2026, 2, 27))
    pending_thu = IncomingDocumentFactory(
        unit=commune, pending=True, arrival_date=datetime.date(2026, 2, 26)
    )
    IncomingDocumentFactory(unit=commune, presented=True, arrival_date=datetime.date(2026, 2, 20))
    monday = datetime.date(2026, 3, 2)
    assert list(selectors.overdue_for_presentation(actor=clerk, unit=commune, today=monday)) == [
        thursday
    ]
    assert list(selectors.overdue_for_registration(actor=clerk, today=monday)) == [pending_thu]
