"""The officials' one-stop pages: queues, registration at the desk, detail, actions, scope."""

import datetime

from django.urls import reverse

import pytest

from congvu.onestop import services
from congvu.onestop.constants import DossierStatus, FormCode
from congvu.onestop.models import Dossier
from congvu.web.mywork import counters_for

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_desk_queue_lists_submissions(client, submit, officer):
    dossier = submit()
    client.force_login(officer)
    page = client.get(reverse("onestop:desk"))
    assert page.status_code == 200
    assert dossier.code in page.content.decode()


def test_accept_through_the_page_issues_receipt(client, submit, officer):
    dossier = submit()
    client.force_login(officer)
    detail = client.get(reverse("onestop:detail", args=[dossier.pk])).content.decode()
    assert reverse("onestop:action", args=[dossier.pk, "accept"]) in detail
    response = client.post(reverse("onestop:action", args=[dossier.pk, "accept"]), {"note": ""})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.forms.filter(form=FormCode.RECEIPT).exists()
    page = client.get(reverse("onestop:detail", args=[dossier.pk])).content.decode()
    assert "Tiếp nhận hồ sơ" in page and "Mẫu 01" in page


def test_service_error_shows_on_the_form(client, received, officer):
    client.force_login(officer)
    url = reverse("onestop:action", args=[received.pk, "delay_notice"])
    response = client.post(url, {"reason": "Chờ xác minh", "new_due_at": "2026-03-03T09:00"})
    assert response.status_code == 400
    assert "Ngày hẹn mới phải sau" in response.content.decode()


def test_action_not_available_redirects(client, received, specialist):
    client.force_login(specialist)
    response = client.post(reverse("onestop:action", args=[received.pk, "accept"]))
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.status == DossierStatus.RECEIVED


def test_unknown_action_is_404(client, received, officer):
    client.force_login(officer)
    assert client.get(reverse("onestop:action", args=[received.pk, "xoa"])).status_code == 404


def test_other_commune_cannot_see(client, received, outsider):
    client.force_login(outsider)
    assert client.get(reverse("onestop:detail", args=[received.pk])).status_code == 404
    assert client.get(reverse("onestop:action", args=[received.pk, "refuse"])).status_code == 404
    assert received.code not in client.get(reverse("onestop:list")).content.decode()


def test_citizen_gets_404_on_official_pages(client, received, citizen):
    client.force_login(citizen)
    assert client.get(reverse("onestop:detail", args=[received.pk])).status_code == 404


def test_walk_in_registration_page(client, procedure, version, commune, officer):
    client.force_login(officer)
    url = reverse("onestop:register")
    chosen = client.get(url, {"procedure": procedure.pk})
    assert "Giấy chứng sinh" in chosen.content.decode()
    papers = {f"paper_{p.pk}": "on" for p in version.papers.filter(required=True)}
    first = version.papers.get(order=1)
    response = client.post(
        url, walk_in_form(procedure, commune, **papers, **{f"file_{first.pk}": pdf()})
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(applicant_name="Phạm Văn D")
    assert dossier.status == DossierStatus.RECEIVED and dossier.channel == "direct"
    assert dossier.papers.filter(file__isnull=False).count() == 1


def walk_in_form(procedure, commune, **extra) -> dict:
    """The walk-in registration form of one applicant, with ``extra`` fields (papers, files)."""
    return {
        "procedure": procedure.pk,
        "receiving_unit": commune.pk,
        "channel": "direct",
        "name": "Phạm Văn D",
        "type": "person",
        "phone": "0987654321",
        "result_delivery": "office",
        **extra,
    }


def test_walk_in_missing_paper_is_shown(client, procedure, version, commune, officer):
    client.force_login(officer)
    response = client.post(reverse("onestop:register"), walk_in_form(procedure, commune))
    assert response.status_code == 400
    assert "Thiếu giấy tờ bắt buộc" in response.content.decode()
    # The first visit and the choice of a procedure are plain pages.
    assert client.get(reverse("onestop:register")).status_code == 200
    assert client.get(reverse("onestop:register"), {"procedure": procedure.pk}).status_code == 200


def test_my_steps_and_counters(client, received, officer, specialist):
    services.dossier_step_complete(actor=officer, dossier=received, next_assignee=specialist)
    client.force_login(specialist)
    page = client.get(reverse("onestop:my_steps")).content.decode()
    assert received.code in page
    from congvu.core.authz import as_actor

    counts = {c.key: c.count for c in counters_for(as_actor(specialist))}
    assert counts.get("onestop_my_steps") == 1


def test_desk_counter(submit, officer):
    submit()
    from congvu.core.authz import as_actor

    counts = {c.key: c.count for c in counters_for(as_actor(officer))}
    assert counts["onestop_desk_queue"] == 1


def test_overdue_list(client, received, leader, submit):
    waiting = submit()
    client.force_login(leader)
    page = client.get(reverse("onestop:overdue")).content.decode()
    # Due in March 2026, long past; a dossier not yet received has no due moment.
    assert received.code in page
    assert waiting.code not in page


def test_walk_in_beyond_boundary(client, procedure, version, commune, other_commune, officer):
    """The desk receives a dossier for another commune (phi địa giới) and routes it there."""
    from congvu.procedures.models import ProcessDefinition

    ProcessDefinition.objects.create(
        procedure=procedure, unit=other_commune, valid_from=datetime.date(2025, 1, 1)
    )
    client.force_login(officer)
    url = reverse("onestop:register")
    chosen = client.get(url, {"procedure": procedure.pk}).content.decode()
    assert "phi địa giới" in chosen and other_commune.name in chosen
    papers = {f"paper_{p.pk}": "on" for p in version.papers.filter(required=True)}
    response = client.post(
        url,
        {
            "procedure": procedure.pk,
            "receiving_unit": commune.pk,
            "competent_unit": other_commune.pk,
            "channel": "direct",
            "name": "Trần Thị E",
            "type": "person",
            "phone": "0987654322",
            "result_delivery": "office",
            **papers,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(applicant_name="Trần Thị E")
    assert dossier.beyond_boundary and dossier.competent_unit == other_commune
    assert dossier.receiving_unit == commune
