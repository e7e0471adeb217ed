"""The home page (/app/) counts the inbox categories together, with the same numbers."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from congvu.core.authz import as_actor
from congvu.inbox.counters import SAME_AS_CATEGORY
from congvu.web.mywork import counters_for, registered_counters
from tests.incoming.factories import IncomingDocumentFactory

from .test_selectors import ROLES, fill_every_state

pytestmark = pytest.mark.django_db


def values(actor) -> dict[str, int]:
    return {v.key: v.count for v in counters_for(actor)}


@pytest.mark.parametrize("role", ROLES)
def test_shared_counters_equal_their_own_providers(role, commune, other):
    fill_every_state(commune)
    fill_every_state(other)
    actor = as_actor(getattr(commune, role))
    shown = values(actor)
    providers = {p.key: p for p in registered_counters()}
    checked = [key for key in SAME_AS_CATEGORY if key in shown]
    assert checked
    for key in checked:
        assert shown[key] == providers[key].fn.own(actor), key
    assert sum(shown[key] for key in checked) > 0


def test_counts_are_not_kept_from_one_page_to_the_next(commune):
    actor = as_actor(commune.clerk)
    before = values(actor)["incoming_to_register"]
    IncomingDocumentFactory(unit=commune.unit, pending=True)
    assert values(actor)["incoming_to_register"] == before + 1


def test_a_provider_called_outside_the_home_page_counts_by_itself(commune):
    IncomingDocumentFactory(unit=commune.unit, pending=True)
    providers = {p.key: p for p in registered_counters()}
    assert providers["incoming_to_register"].fn(as_actor(commune.clerk)) == 1
    # A specialist is no văn thư: the category does not apply, the provider still answers.
    assert providers["incoming_to_register"].fn(as_actor(commune.specialist)) == 0


def test_the_categories_cost_one_query_per_kind(commune):
    fill_every_state(commune)
    actor = as_actor(commune.clerk)
    values(actor)  # the working-day calendar cache
    with CaptureQueriesContext(connection) as shared:
        values(actor)
    providers = [p for p in registered_counters() if p.applies_to(actor)]
    with CaptureQueriesContext(connection) as own:
        for p in providers:
            getattr(p.fn, "own", p.fn)(actor)
    # register, present, process: one query; review, issue, signing (Chờ ký số): one query.
    assert len(shared) == len(own) - 4
