"""The inbox keeps its compiled count SQL per key (congvu.core.sqlcache): the key must name
every input of the SQL text, and the counts must always be read fresh."""

import dataclasses
import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

import pytest

from congvu.core.authz import Actor, as_actor
from congvu.inbox import selectors
from congvu.inbox.selectors import COUNT_SQL, LIST_SQL, actor_key, inbox_counts, inbox_list
from congvu.incoming.calendar import previous_working_day
from congvu.incoming.selectors import same_day_cutoff
from congvu.workdays.services import override_create
from tests.factories import PositionFactory, UserFactory
from tests.incoming.factories import AssignmentFactory, IncomingDocumentFactory
from tests.outgoing.factories import OutgoingDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cold_cache():
    COUNT_SQL.clear()
    LIST_SQL.clear()
    yield
    COUNT_SQL.clear()
    LIST_SQL.clear()


def fresh(user):
    """The user as a new request sees it: facts read again from the database."""
    return as_actor(type(user).objects.get(pk=user.pk))


def test_the_key_names_every_fact_of_the_actor():
    # A new fact on Actor may change what restrict() and the conditions build: this test
    # fails until actor_key() covers it (and then the list below is updated).
    assert {f.name for f in dataclasses.fields(Actor)} == {
        "user",
        "roles",
        "admin_unit_ids",
        "clearance",
    }
    user = UserFactory()
    base = Actor(user=user, roles={1: {"clerk"}}, admin_unit_ids={1}, clearance=0)
    variants = [
        dataclasses.replace(base, user=UserFactory()),
        dataclasses.replace(base, roles={1: {"clerk", "leader_head"}}),
        dataclasses.replace(base, roles={2: {"clerk"}}),
        dataclasses.replace(base, admin_unit_ids={1, 2}),
        dataclasses.replace(base, clearance=1),
    ]
    keys = {actor_key(base), *(actor_key(v) for v in variants)}
    assert len(keys) == len(variants) + 1
    for attribute, value in (("is_superuser", True), ("is_active", False), ("kind", "citizen")):
        changed = type(user).objects.get(pk=user.pk)
        setattr(changed, attribute, value)
        assert actor_key(dataclasses.replace(base, user=changed)) != actor_key(base), attribute


def test_building_the_counts_reads_nothing_else_from_the_database(commune):
    """The SQL text depends only on the key's facts: building it runs no other query."""
    both = PositionFactory(unit=commune.unit, leader=True, user=commune.clerk).user
    actor = fresh(both)
    same_day_cutoff(timezone.localdate())  # the calendar, cached per process, is in the key
    with CaptureQueriesContext(connection) as built:
        first = inbox_counts(actor)
    assert len(built.captured_queries) == 2  # one count per kind, nothing read to build them
    again = fresh(both)
    with CaptureQueriesContext(connection) as kept:
        assert inbox_counts(again) == first
    assert [q["sql"] for q in kept.captured_queries] == [q["sql"] for q in built.captured_queries]
    assert COUNT_SQL.hits == 2


def test_a_hit_runs_the_kept_statement_and_reads_fresh_counts(commune, monkeypatch):
    AssignmentFactory(document__unit=commune.unit, user=commune.specialist)
    assert inbox_counts(fresh(commune.specialist))["process"] == 1

    def never(*args, **kwargs):
        raise AssertionError("the kept SQL should have been used")

    monkeypatch.setattr(selectors, "_count_kind", never)
    AssignmentFactory(document__unit=commune.unit, user=commune.specialist)
    assert inbox_counts(fresh(commune.specialist))["process"] == 2


def test_a_new_position_gives_a_new_key_and_its_categories(commune):
    user = commune.specialist
    assert "direct" not in inbox_counts(fresh(user))
    IncomingDocumentFactory(unit=commune.unit, presented=True, presented_to=user)
    PositionFactory(unit=commune.unit, leader=True, user=user)
    assert inbox_counts(fresh(user))["direct"] == 1


def test_a_calendar_override_reaches_the_kept_counts(commune):
    """The registration cut-off of "Quá hạn" comes from the working-day calendar."""
    today = timezone.localdate()
    cutoff = previous_working_day(today)
    arrived = previous_working_day(cutoff)
    IncomingDocumentFactory(unit=commune.unit, pending=True, arrival_date=arrived)
    assert inbox_counts(fresh(commune.clerk))["overdue"] == 1
    # The cut-off day becomes a day off: the document is now within its next working day.
    override_create(
        actor=PositionFactory(system_admin=True).user,
        date=cutoff,
        kind="day_off",
        reason="Nghỉ thêm theo thông báo",
    )
    assert same_day_cutoff(today) == arrived
    assert inbox_counts(fresh(commune.clerk))["overdue"] == 0


def test_tomorrow_is_a_new_key(commune, monkeypatch):
    IncomingDocumentFactory(unit=commune.unit, pending=True, arrival_date=timezone.localdate())
    assert inbox_counts(fresh(commune.clerk))["overdue"] == 0
    later = timezone.now() + datetime.timedelta(days=7)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert inbox_counts(fresh(commune.clerk))["overdue"] == 1
    assert COUNT_SQL.misses >= 2


def test_a_page_is_read_fresh_from_its_kept_statement(commune, monkeypatch):
    days_ago = timezone.localdate() - datetime.timedelta(days=2)
    first = AssignmentFactory(
        document__unit=commune.unit, document__deadline=days_ago, user=commune.specialist
    ).document
    (item,) = inbox_list(fresh(commune.specialist), "process")
    assert (item.pk, item.deadline, item.overdue) == (first.pk, days_ago, True)

    def never(*args, **kwargs):
        raise AssertionError("the kept SQL should have been used")

    monkeypatch.setattr(selectors, "category_queryset", never)
    second = AssignmentFactory(
        document__unit=commune.unit, document__urgency=3, user=commune.specialist
    ).document
    items = inbox_list(fresh(commune.specialist), "process")
    assert [i.pk for i in items] == [second.pk, first.pk]  # Hỏa tốc first
    # Dates come back as dates on every backend (SQLite returns text: its converters apply).
    assert isinstance(items[1].date, datetime.date)
    assert items[1].deadline == days_ago
    assert items[0].urgency_label
    with translation.override("en"):
        assert inbox_list(fresh(commune.specialist), "process")[0].status_label != (
            items[0].status_label
        )
    assert LIST_SQL.hits >= 2


def test_outgoing_rows_and_pages(commune):
    drafts = [
        OutgoingDocumentFactory(unit=commune.unit, approved=True, subject=f"Chờ phát hành {n}")
        for n in range(3)
    ]
    clerk = fresh(commune.clerk)
    page_one = inbox_list(clerk, "issue", limit=2)
    page_two = inbox_list(clerk, "issue", limit=2, offset=2)
    assert [i.pk for i in page_one + page_two] == [d.pk for d in drafts]
    assert page_one[0].unit_name == commune.unit.name
    assert page_one[0].date == timezone.localtime(drafts[0].created_at).date()
    assert len(LIST_SQL) == 2


def test_the_cache_is_bounded():
    from congvu.core.sqlcache import SQLCache

    cache = SQLCache(maxsize=2)
    for n in range(3):
        cache.put(n, ("SELECT %s", (n,)))
    assert len(cache) == 2
    assert cache.get(0) is None
    assert cache.get(2) == ("SELECT %s", (2,))
