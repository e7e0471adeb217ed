"""The "Việc của tôi" registry: who sees which counter and link."""

import pytest

from congvu.accounts.constants import Role
from congvu.core.authz import as_actor
from congvu.web import mywork
from congvu.web.mywork import (
    counters_for,
    register_counter,
    register_link,
    sections_for,
    unregister_counter,
    unregister_link,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scratch_counters():
    keys = []

    def add(key, fn, **kwargs):
        keys.append(key)
        register_counter(key, label=key, **kwargs)(fn)

    yield add
    for key in keys:
        unregister_counter(key)


def keys_of(values):
    return [v.key for v in values]


def test_counters_follow_roles(actor_factory, scratch_counters):
    scratch_counters("t_clerk", lambda actor: 3, roles={Role.CLERK}, order=1)
    scratch_counters("t_all", lambda actor: 5, roles=None, order=2)
    clerk = actor_factory(Role.CLERK)
    specialist = actor_factory(Role.SPECIALIST)

    clerk_values = {v.key: v.count for v in counters_for(clerk)}
    assert clerk_values["t_clerk"] == 3
    assert clerk_values["t_all"] == 5
    specialist_keys = keys_of(counters_for(specialist))
    assert "t_clerk" not in specialist_keys
    assert "t_all" in specialist_keys


def test_counter_returning_none_is_hidden_and_order_is_kept(actor_factory, scratch_counters):
    scratch_counters("t_second", lambda actor: 0, order=-5)
    scratch_counters("t_first", lambda actor: 1, order=-10)
    scratch_counters("t_hidden", lambda actor: None, order=-7)
    keys = keys_of(counters_for(actor_factory()))
    assert "t_hidden" not in keys
    assert keys.index("t_first") < keys.index("t_second")


def test_counter_receives_the_actor(actor_factory, scratch_counters):
    seen = []
    scratch_counters("t_actor", lambda actor: seen.append(actor) or 0)
    user = actor_factory()
    counters_for(user)
    assert seen == [as_actor(user)]


def test_system_admin_role_matches_superuser(db, scratch_counters):
    scratch_counters("t_sysadmin", lambda actor: 7, roles={Role.SYSTEM_ADMIN})
    superuser = UserFactory(superuser=True)
    assert "t_sysadmin" in keys_of(counters_for(superuser))
    assert "t_sysadmin" not in keys_of(counters_for(UserFactory()))


def test_citizens_get_no_counters(scratch_counters):
    scratch_counters("t_all", lambda actor: 1)
    assert counters_for(UserFactory(citizen=True)) == []


def test_counter_url_name_is_resolved_and_unknown_name_dropped(actor_factory, scratch_counters):
    scratch_counters("t_linked", lambda actor: 1, url="web:directory")
    scratch_counters("t_unknown", lambda actor: 1, url="no_such_app:list")
    scratch_counters("t_anchor", lambda actor: 1, url="web:directory#results")
    values = {v.key: v for v in counters_for(actor_factory())}
    assert values["t_linked"].url == "/app/danh-ba/"
    assert values["t_anchor"].url == "/app/danh-ba/#results"
    assert values["t_unknown"].url is None
    assert values["t_unknown"].count == 1


def test_sections_follow_roles(actor_factory):
    register_link("t_link", section="onestop", label="Tiếp nhận", url=lambda actor: "/x/")
    try:
        officer = actor_factory(Role.ONESTOP_OFFICER)
        sections = {s.key: s for s in sections_for(officer)}
        assert list(sections) == ["onestop"]
        assert "/x/" in [link.url for link in sections["onestop"].links]
        assert [s.key for s in sections_for(actor_factory(Role.LEADER_DEPUTY))] == ["leader"]
    finally:
        unregister_link("t_link")


def test_link_to_unknown_section_is_refused():
    with pytest.raises(ValueError):
        register_link("t_bad", section="nowhere", label="x", url="/")


def test_foundation_counters_are_registered():
    keys = {c.key for c in mywork.registered_counters()}
    assert {
        "delegations_received",
        "delegations_given",
        "unit_staff",
        "unit_staff_without_2fa",
        "audit_today",
    } <= keys
