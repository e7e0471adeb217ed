"""Issue 11: a unit administrator made the chairman delegate to him, then read Mật documents.

Replayed on the demo data (xã Thạnh Phú): ``quantri.thanhphu`` may not create a
delegation in the chairman's name, through the API or the service, and a Mật
document stays 404 for him even when the chairman himself delegates to him,
because clearance does not travel with a delegation.
"""

import datetime
import io

from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

import pytest
from rest_framework.test import APIClient

from congvu.accounts.constants import Role
from congvu.accounts.models import Delegation, User
from congvu.accounts.selectors import actor_facts
from congvu.accounts.services import delegation_create
from congvu.core.errors import PermissionDenied
from congvu.incoming.models import IncomingDocument
from congvu.org.models import Unit
from congvu.registry.constants import Secrecy

pytestmark = pytest.mark.django_db

XA_THANH_PHU = "w:29182"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def world(demo):
    unit = Unit.objects.get(admin_code=XA_THANH_PHU)
    secret = IncomingDocument.objects.filter(unit=unit, secrecy=Secrecy.SECRET).first()
    assert secret is not None, "the demo has a Mật incoming document in xã Thạnh Phú"
    return {
        "unit": unit,
        "chairman": User.objects.get(username="chutich.thanhphu"),
        "deputy": User.objects.get(username="phochutich.thanhphu"),
        "admin": User.objects.get(username="quantri.thanhphu"),
        "secret": secret,
    }


def _week():
    today = timezone.localdate()
    return today, today + datetime.timedelta(days=3)


def _secret_status(user, document) -> tuple[int, int]:
    page = Client()
    page.force_login(user)
    api = APIClient()
    api.force_login(user)
    return (
        page.get(f"/app/van-ban-den/{document.pk}/").status_code,
        api.get(f"/api/v1/incoming-documents/{document.pk}/").status_code,
    )


def test_the_chairman_reads_the_secret_document(world):
    assert _secret_status(world["chairman"], world["secret"]) == (200, 200)


def test_unit_admin_cannot_delegate_the_chairman_to_himself_through_the_api(world):
    start, end = _week()
    before = Delegation.objects.count()
    client = APIClient()
    client.force_login(world["admin"])
    response = client.post(
        "/api/v1/delegations/",
        {
            "delegator": world["chairman"].pk,
            "delegate": world["admin"].pk,
            "unit": world["unit"].pk,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "self_delegation"
    assert Delegation.objects.count() == before
    assert _secret_status(world["admin"], world["secret"]) == (404, 404)


def test_unit_admin_cannot_delegate_for_the_chairman_through_the_service(world):
    start, end = _week()
    before = Delegation.objects.count()
    for delegate in (world["admin"], world["deputy"]):
        with pytest.raises(PermissionDenied):
            delegation_create(
                actor=world["admin"],
                delegator=world["chairman"],
                delegate=delegate,
                unit=world["unit"],
                start_date=start,
                end_date=end,
            )
    assert Delegation.objects.count() == before


def test_a_delegate_gets_the_roles_but_not_the_clearance(world):
    start, _end = _week()
    delegation_create(
        actor=world["chairman"],
        delegator=world["chairman"],
        delegate=world["admin"],
        unit=world["unit"],
        start_date=start,
        end_date=start,
    )
    facts = actor_facts(world["admin"])
    assert Role.LEADER_HEAD in facts["roles"][world["unit"].pk]
    assert facts["clearance"] == Secrecy.NORMAL
    assert _secret_status(world["admin"], world["secret"]) == (404, 404)
