"""/favicon.ico answers: browsers ask for it where no page links the icon (a PDF or JSON in a tab)."""

from django.contrib.staticfiles import finders

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith("/static/congvu/favicon") and target.endswith(".ico")
    assert finders.find("congvu/favicon.ico")
