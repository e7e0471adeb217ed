"""Counts and lists of "Việc của tôi" per category and role, order and scope."""

import datetime

from django.utils import timezone

import pytest

from congvu.core.authz import as_actor
from congvu.inbox.selectors import inbox_counts, inbox_list
from tests.incoming.factories import AssignmentFactory, IncomingDocumentFactory
from tests.outgoing.factories import OutgoingDocumentFactory, ReviewStepFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n):
    return TODAY() + datetime.timedelta(days=n)


def fill(c, tag=""):
    """One document in every category for the people of commune ``c``."""
    docs = {
        "register": IncomingDocumentFactory(unit=c.unit, pending=True, subject=f"Chờ vào sổ {tag}"),
        "present": IncomingDocumentFactory(unit=c.unit, subject=f"Chờ trình {tag}"),
        "direct": IncomingDocumentFactory(
            unit=c.unit, presented=True, presented_to=c.leader, subject=f"Chờ chỉ đạo {tag}"
        ),
        "issue": OutgoingDocumentFactory(
            unit=c.unit, approved=True, subject=f"Chờ phát hành {tag}"
        ),
        "sign": OutgoingDocumentFactory(unit=c.unit, in_review=True, subject=f"Chờ ký {tag}"),
    }
    review = OutgoingDocumentFactory(unit=c.unit, in_review=True, subject=f"Cho ý kiến {tag}")
    ReviewStepFactory(document=review, reviewer=c.specialist, order=1)
    docs["review"] = review
    task = AssignmentFactory(
        document__unit=c.unit, document__subject=f"Xử lý {tag}", user=c.specialist
    )
    docs["process"] = task.document
    late = AssignmentFactory(
        document__unit=c.unit,
        document__subject=f"Quá hạn {tag}",
        user=c.specialist,
        deadline=days(-3),
    )
    docs["overdue"] = late.document
    return docs


def test_clerk_counts_and_lists(commune, other):
    mine = fill(commune)
    fill(other)
    counts = inbox_counts(commune.clerk)
    assert counts == {
        "register": 1,
        "present": 1,
        "process": 0,
        "review": 0,
        "issue": 1,
        "overdue": 0,
    }
    for key in ("register", "present", "issue"):
        assert [i.pk for i in inbox_list(commune.clerk, key)] == [mine[key].pk]


def test_leader_counts(commune, other):
    mine = fill(commune)
    fill(other)
    counts = inbox_counts(commune.leader)
    assert counts["direct"] == 1
    assert counts["sign"] == 1
    assert "register" not in counts and "issue" not in counts
    assert [i.pk for i in inbox_list(commune.leader, "direct")] == [mine["direct"].pk]
    assert [i.pk for i in inbox_list(commune.leader, "sign")] == [mine["sign"].pk]


def test_specialist_counts_and_lists(commune, other):
    mine = fill(commune)
    fill(other)
    counts = inbox_counts(commune.specialist)
    assert counts == {"process": 2, "review": 1, "overdue": 1}
    assert [i.pk for i in inbox_list(commune.specialist, "review")] == [mine["review"].pk]
    overdue = inbox_list(commune.specialist, "overdue")
    assert [i.pk for i in overdue] == [mine["overdue"].pk]
    assert {i.pk for i in inbox_list(commune.specialist, "process")} == {
        mine["process"].pk,
        mine["overdue"].pk,
    }


def test_head_of_assigned_unit_processes_it(commune):
    task = AssignmentFactory(document__unit=commune.unit, unit=commune.office)
    assert inbox_counts(commune.office_head)["process"] == 1
    assert [i.pk for i in inbox_list(commune.office_head, "process")] == [task.document.pk]
    assert inbox_counts(commune.specialist)["process"] == 0


def test_clerk_sees_late_registration_as_overdue(commune):
    late = IncomingDocumentFactory(unit=commune.unit, pending=True, arrival_date=days(-10))
    assert inbox_counts(commune.clerk)["overdue"] == 1
    assert [i.pk for i in inbox_list(commune.clerk, "overdue")] == [late.pk]


def test_urgent_first_then_deadline(commune):
    def task(urgency, deadline):
        return AssignmentFactory(
            document__unit=commune.unit,
            document__urgency=urgency,
            document__deadline=deadline,
            user=commune.specialist,
        ).document

    later = task(0, days(5))
    sooner = task(0, days(2))
    none = task(0, None)
    urgent = task(2, days(10))
    items = inbox_list(commune.specialist, "process")
    assert [i.pk for i in items] == [urgent.pk, sooner.pk, later.pk, none.pk]
    assert items[0].urgency_label


def test_list_pages(commune):
    for _ in range(5):
        AssignmentFactory(document__unit=commune.unit, user=commune.specialist)
    first = inbox_list(commune.specialist, "process", limit=3, offset=0)
    rest = inbox_list(commune.specialist, "process", limit=3, offset=3)
    assert len(first) == 3 and len(rest) == 2
    assert not {i.pk for i in first} & {i.pk for i in rest}


def test_unknown_category_is_refused(commune):
    with pytest.raises(ValueError):
        inbox_list(commune.clerk, "everything")


@pytest.mark.parametrize("role", ["clerk", "leader", "specialist"])
def test_counts_use_one_query_per_category(role, commune, django_assert_max_num_queries):
    fill(commune)
    for _ in range(10):
        fill(commune)
    user = getattr(commune, role)
    actor = as_actor(user)  # the actor's facts are resolved once per request
    from congvu.inbox.selectors import categories_for

    n = len(categories_for(actor))
    inbox_counts(actor)  # warm the per-process working-day calendar cache
    with django_assert_max_num_queries(n):
        counts = inbox_counts(actor)
    assert sum(counts.values()) > 0
