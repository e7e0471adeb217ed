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
        "signing": 0,
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


ROLES = ["clerk", "leader", "office_head", "specialist"]


def fill_every_state(c):
    """Documents in every state, including the ones no category holds, and a secret one."""
    from congvu.incoming.constants import Status as InStatus
    from congvu.outgoing.constants import Status as OutStatus

    docs = fill(c, "một")
    for status in InStatus.values:
        IncomingDocumentFactory(unit=c.unit, status=status, deadline=days(-2))
        AssignmentFactory(
            document__unit=c.unit, document__status=status, user=c.specialist, deadline=days(-1)
        )
        AssignmentFactory(document__unit=c.unit, document__status=status, unit=c.office)
    IncomingDocumentFactory(unit=c.unit, pending=True, arrival_date=days(-10))
    IncomingDocumentFactory(unit=c.unit, pending=True, arrival_date=days(-10), secrecy=1)
    for status in (OutStatus.DRAFT, OutStatus.IN_REVIEW, OutStatus.RETURNED):
        OutgoingDocumentFactory(unit=c.unit, status=status, drafted_by=c.specialist)
    OutgoingDocumentFactory(unit=c.unit, approved=True, secret=True)
    OutgoingDocumentFactory(unit=c.unit, issued=True)
    OutgoingDocumentFactory(unit=c.unit, recalled=True)
    # Reviewed already, and waiting for another reviewer first: neither is "review" nor "sign".
    done = OutgoingDocumentFactory(unit=c.unit, in_review=True)
    ReviewStepFactory(document=done, reviewer=c.specialist, order=1, approved=True)
    queued = OutgoingDocumentFactory(unit=c.unit, in_review=True)
    ReviewStepFactory(document=queued, reviewer=c.office_head, order=1)
    ReviewStepFactory(document=queued, reviewer=c.specialist, order=2)
    return docs


@pytest.mark.parametrize("role", ROLES)
def test_one_query_counts_equal_the_lists(role, commune, other):
    """The counts of one query per kind are the sizes of the category lists, for every role."""
    from congvu.inbox.selectors import categories_for

    fill_every_state(commune)
    fill_every_state(other)
    actor = as_actor(getattr(commune, role))
    counts = inbox_counts(actor)
    per_category = {c.key: c.queryset(actor).count() for c in categories_for(actor)}
    assert counts == per_category
    assert sum(counts.values()) > 0
    for key, count in counts.items():
        listed = inbox_list(actor, key, limit=1000)
        assert len(listed) == count, key
        assert len({i.pk for i in listed}) == count, key


@pytest.mark.parametrize("role", ["clerk", "leader", "specialist"])
def test_counts_use_one_query_per_kind(role, commune, django_assert_max_num_queries):
    fill(commune)
    for _ in range(10):
        fill(commune)
    user = getattr(commune, role)
    actor = as_actor(user)  # the actor's facts are resolved once per request
    inbox_counts(actor)  # warm the per-process working-day calendar cache
    with django_assert_max_num_queries(2):  # văn bản đến, văn bản đi
        counts = inbox_counts(actor)
    assert sum(counts.values()) > 0


def test_list_reads_only_the_shown_columns(commune, django_assert_num_queries):
    mine = fill(commune)
    actor = as_actor(commune.clerk)
    with django_assert_num_queries(1):
        items = inbox_list(actor, "issue")
        assert items[0].unit_name == commune.unit.name
    assert items[0].url.endswith(f"/{mine['issue'].pk}/")
    with django_assert_num_queries(1):
        items = inbox_list(actor, "register")
        assert [(i.subject, i.status_label) for i in items] == [
            (mine["register"].subject, mine["register"].get_status_display())
        ]
    assert items[0].url.endswith(f"/{mine['register'].pk}/")


@pytest.mark.parametrize(
    "subject",
    ["V/v triển khai kế hoạch", "Quyết định " * 30, "Thạnh Phú".replace("ạ", "a\u0323") * 20],
)
def test_row_text_is_what_the_template_filters_gave(subject):
    from django.template.defaultfilters import date as date_filter
    from django.template.defaultfilters import truncatechars

    from congvu.inbox.selectors import InboxItem

    item = InboxItem(
        kind="incoming",
        pk=1,
        number_notation="",
        subject=subject,
        unit_name="",
        urgency=0,
        urgency_label="",
        secrecy=0,
        deadline=datetime.date(2026, 3, 7),
        date=None,
        status_label="",
        url="/",
        overdue=False,
    )
    assert item.subject_short == truncatechars(subject, 140)
    assert item.deadline_text == date_filter(item.deadline, "d/m/Y") == "07/03/2026"
