"""load_demo's one-stop shop: the seven online procedures, processes, dossiers in every state."""

import io
import re

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

import pytest

from congvu.demo.dossiers import ONLINE_PROCEDURES
from congvu.onestop.constants import DossierStatus, FormCode
from congvu.onestop.models import Dossier, DossierForm, Rating
from congvu.procedures.constants import OnlineLevel
from congvu.procedures.models import ProcedureVersion, ProcessDefinition

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_every_status_is_present(demo):
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert statuses == set(DossierStatus.values)


def test_codes_are_well_formed_and_unique(demo):
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) >= 15
    assert all(CODE.match(code) for code in codes)


def test_the_seven_online_procedures_have_a_process_whose_budgets_match(demo):
    for code, _office in ONLINE_PROCEDURES:
        version = ProcedureVersion.objects.get(procedure__code=code, valid_to__isnull=True)
        assert version.online_level == OnlineLevel.PARTIAL
        definition = ProcessDefinition.objects.get(procedure__code=code)
        assert [s.kind for s in definition.steps.order_by("order")] == [
            "reception",
            "appraisal",
            "approval",
            "result",
        ]


def test_some_dossiers_are_late_and_some_finished_early(demo):
    now = timezone.now()
    overdue = Dossier.objects.filter(status=DossierStatus.PROCESSING, due_at__lt=now)
    assert overdue.exists()
    assert Dossier.objects.filter(outcome="early").exists()
    assert DossierForm.objects.filter(form=FormCode.APOLOGY).exists()


def test_every_received_dossier_has_its_receipt_and_the_citizen_rated_one(demo):
    received = Dossier.objects.exclude(received_at=None)
    for dossier in received:
        assert dossier.forms.filter(form=FormCode.RECEIPT).exists(), dossier.code
    assert Rating.objects.filter(score=5).count() == 1


def test_loading_again_creates_nothing(demo):
    before = Dossier.objects.count()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert Dossier.objects.count() == before
    assert "0 hồ sơ một cửa" in out.getvalue()
