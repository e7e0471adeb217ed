"""Fixtures shared by the portal tests: a commune with its desk, its procedure, a citizen."""

from django.core.cache import cache

import pytest

from .makers import make_citizen, make_commune, make_officer, make_procedure


@pytest.fixture(autouse=True)
def _clear_cache():
    # Look-up counters and locks live in the cache, which outlives a single test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commune():
    return make_commune()


@pytest.fixture
def procedure(commune):
    return make_procedure()


@pytest.fixture
def citizen():
    return make_citizen()


@pytest.fixture
def officer(commune):
    return make_officer(commune)
