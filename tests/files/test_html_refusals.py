# ruff: noqa: F811 - the one-stop fixtures are imported by name, then requested as arguments
"""Refused uploads on the HTML pages answer 400 and show the form again with the reason.

A refused form is not a success: the status says so (for monitoring, tests and
htmx, which swaps 400 responses in, see ``htmx-config`` in congvu/base.html),
while the page still renders the form with the Vietnamese reason next to the
field. Covered here: the một cửa walk-in registration and the officer's
supplement at the desk, the citizens' portal submission and supplement, and an
outgoing draft version. The incoming registration page is in
tests/files/test_bad_uploads.py.
"""

from __future__ import annotations

import html
import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from congvu.files.models import StoredFile
from congvu.onestop import services
from congvu.onestop.models import Dossier
from tests.onestop.conftest import (  # noqa: F401 - fixtures of a received dossier
    _memory_sms,
    applicant,
    citizen,
    commune,
    officer,
    procedure,
    received,
    submit,
    version,
)
from tests.onestop.portal.makers import make_citizen, make_commune, make_officer, make_procedure
from tests.onestop.portal.test_portal_submit import post_data, submit_as
from tests.onestop.test_pages import walk_in_form

pytestmark = pytest.mark.django_db

# An HTML page renamed .pdf: refused with type_not_allowed.
BAD_NAME = "bao-cao.pdf"
BAD_BYTES = b"<html><body><script>alert(1)</script></body></html>"


def bad_upload(name: str = BAD_NAME) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, BAD_BYTES, content_type="application/pdf")


def refusal_message() -> str:
    from congvu.core.errors import ServiceError
    from congvu.files.validation import file_validate

    with pytest.raises(ServiceError) as exc:
        file_validate(SimpleUploadedFile(BAD_NAME, BAD_BYTES))
    return exc.value.message


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_errors(response, name: str) -> str:
    """The error list Django renders for field ``name`` (empty if there is none)."""
    match = re.search(
        rf'<ul class="errorlist"[^>]*id="id_{name}_error"[^>]*>(.*?)</ul>', text(response), re.S
    )
    return match[1] if match else ""


def test_walk_in_registration_with_a_refused_file_is_a_400(
    client, procedure, version, commune, officer
):
    client.force_login(officer)
    first = version.papers.get(order=1)
    papers = {f"paper_{p.pk}": "on" for p in version.papers.filter(required=True)}
    response = client.post(
        reverse("onestop:register"),
        walk_in_form(procedure, commune, **papers, **{f"file_{first.pk}": bad_upload()}),
    )
    assert response.status_code == 400
    assert refusal_message() in text(response)
    assert not Dossier.objects.filter(applicant_name="Phạm Văn D").exists()


def test_supplement_at_the_desk_with_a_refused_file_is_a_400(client, received, officer):
    services.dossier_request_supplement(actor=officer, dossier=received, items=["Giấy chứng sinh"])
    received.refresh_from_db()
    status_before, files_before = received.status, StoredFile.objects.count()
    client.force_login(officer)
    url = reverse("onestop:action", args=[received.pk, "supplement_answer"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Giấy chứng sinh", "file": bad_upload(), "note": ""})
    assert response.status_code == 400
    assert refusal_message() in field_errors(response, "file")
    assert StoredFile.objects.count() == files_before
    received.refresh_from_db()
    assert received.status == status_before


def test_portal_submission_with_a_refused_file_is_a_400(client):
    unit, proc, person = make_commune(), make_procedure(), make_citizen()
    client.force_login(person)
    data = post_data(proc, unit)
    first = proc.versions.get().papers.order_by("order").first()
    data[f"paper_{first.pk}"] = bad_upload()
    response = client.post(reverse("onestop_portal:submit", args=[proc.code]), data)
    assert response.status_code == 400
    assert refusal_message() in text(response)
    assert not Dossier.objects.exists()


def test_portal_supplement_with_a_refused_file_is_a_400(client):
    unit, proc, person = make_commune(), make_procedure(), make_citizen()
    dossier = submit_as(client, person, proc, unit)
    services.dossier_request_supplement(
        actor=make_officer(unit), dossier=dossier, items=["Bản sao Giấy chứng nhận kết hôn"]
    )
    files_before = StoredFile.objects.count()
    response = client.post(
        reverse("onestop_portal:supplement", args=[dossier.public_token]),
        {"name_1": "Giấy chứng nhận kết hôn", "file_1": bad_upload()},
    )
    assert response.status_code == 400
    assert refusal_message() in text(response)
    assert StoredFile.objects.count() == files_before


def _htmx_rule(config: dict, status: int) -> dict:
    """The first responseHandling entry htmx 2 applies to ``status`` (its regex is unanchored)."""
    for rule in config["responseHandling"]:
        if re.search(rule["code"], str(status)):
            return rule
    raise AssertionError(f"no rule for {status}")


def test_htmx_swaps_refused_forms_but_not_other_errors(client):
    page = client.get("/accounts/login/").content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    config = json.loads(html.unescape(meta[1]))
    assert config["historyCacheSize"] == 0
    for status in (400, 422):
        rule = _htmx_rule(config, status)
        assert rule["swap"] is True and not rule.get("error"), status
    assert _htmx_rule(config, 200)["swap"] is True
    assert _htmx_rule(config, 204)["swap"] is False
    for status in (403, 404, 409, 500, 503):
        rule = _htmx_rule(config, status)
        assert rule["swap"] is False and rule["error"] is True, status
