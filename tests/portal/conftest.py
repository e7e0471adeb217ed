"""Fixtures for the portal tests."""

from django.core.cache import cache

import pytest

PASSWORD = "Mat-khau-rat-dai-2025"


@pytest.fixture(autouse=True)
def _clear_cache():
    # The re-send limit lives in the cache, which outlives a single test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signup_data():
    """A valid sign-up of a person (cá nhân), as the form posts it."""
    return {
        "applicant_type": "person",
        "full_name": "Trần Thị Bích Ngọc",
        "email": "Ngoc.Tran@Example.vn",
        "phone": "+84 912 345 678",
        "id_number": "083195000123",
        "tax_code": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
