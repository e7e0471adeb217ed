"""Citizens never reach the officials' pages, the admin or the internal API."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen_client(client):
    client.force_login(UserFactory(citizen=True))
    return client


@pytest.mark.parametrize("path", ["/app/", "/admin/", "/admin/accounts/user/"])
def test_citizen_gets_404_on_internal_pages(citizen_client, path):
    assert citizen_client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/units/", "/api/v1/officials/"])
def test_citizen_refused_by_the_api(citizen_client, path):
    response = citizen_client.get(path, HTTP_ACCEPT="application/json")
    assert response.status_code in (401, 403)
