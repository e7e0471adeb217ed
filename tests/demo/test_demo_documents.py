"""load_demo's documents: every state, the district công văn to 18 communes, real numbering."""

import io
from collections import defaultdict

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

import pytest

from congvu.audit.models import AuditRecord
from congvu.demo.documents import DISTRICT_CONG_VAN
from congvu.incoming.constants import Source
from congvu.incoming.constants import Status as InStatus
from congvu.incoming.models import IncomingDocument
from congvu.org.constants import UnitKind
from congvu.org.models import Unit
from congvu.outgoing.constants import Status as OutStatus
from congvu.outgoing.models import OutgoingDocument
from congvu.registry.constants import Secrecy, Urgency
from congvu.registry.models import IssuedNumber, Register

pytestmark = pytest.mark.django_db

XA_THANH_PHU = "w:29182"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def counts():
    return {
        "incoming": IncomingDocument.objects.count(),
        "outgoing": OutgoingDocument.objects.count(),
        "numbers": IssuedNumber.objects.count(),
        "registers": Register.objects.count(),
        "audit": AuditRecord.objects.count(),
    }


def test_command_reports_documents(demo):
    created = IncomingDocument.objects.count() + OutgoingDocument.objects.count()
    assert f"tài khoản, {created} văn bản," in demo
    assert created > 60


def test_incoming_in_every_state(demo):
    unit = Unit.objects.get(admin_code=XA_THANH_PHU)
    here = IncomingDocument.objects.filter(unit=unit)
    states = set(here.values_list("status", flat=True))
    assert {
        InStatus.PENDING,
        InStatus.REGISTERED,
        InStatus.PRESENTED,
        InStatus.DIRECTED,
        InStatus.IN_PROGRESS,
        InStatus.COMPLETED,
        InStatus.RETURNED,
    } <= states
    # A copy of a recalled outgoing document, inside the commune.
    assert IncomingDocument.objects.filter(
        unit__parent=unit, status=InStatus.RECALLED, source=Source.INTERNAL
    ).exists()
    assert here.filter(urgency=Urgency.URGENT).exists()
    assert here.filter(urgency=Urgency.FLASH).exists()
    assert here.filter(secrecy=Secrecy.SECRET).count() == 1
    today = timezone.localdate()
    assert here.filter(
        status__in=[InStatus.DIRECTED, InStatus.IN_PROGRESS], deadline__lt=today
    ).exists()
    # The Mật document is in the Mật register, the others in the ordinary one.
    mat = here.get(secrecy=Secrecy.SECRET)
    assert mat.register.secrecy == Secrecy.SECRET
    assert mat.arrival_number == 1
    # Processing history is real: every directed document has its log and assignments.
    for doc in here.filter(status__in=[InStatus.IN_PROGRESS, InStatus.COMPLETED]):
        actions = set(doc.entries.values_list("action", flat=True))
        assert {"registered", "directed", "progress"} <= actions
        assert doc.assignments.filter(role="main").exists()


def test_arrival_dates_spread_over_the_year(demo):
    unit = Unit.objects.get(admin_code=XA_THANH_PHU)
    dates = sorted(
        IncomingDocument.objects.filter(unit=unit, source=Source.PAPER).values_list(
            "arrival_date", flat=True
        )
    )
    today = timezone.localdate()
    assert dates[-1] <= today
    assert (today - dates[0]).days >= 60
    assert len(set(dates)) >= 10
    # Numbers follow the arrival dates within the register.
    docs = IncomingDocument.objects.filter(
        unit=unit, source=Source.PAPER, secrecy=Secrecy.NORMAL
    ).order_by("arrival_number")
    arrivals = [d.arrival_date for d in docs]
    assert arrivals == sorted(arrivals)


def test_outgoing_in_every_state(demo):
    unit = Unit.objects.get(admin_code=XA_THANH_PHU)
    states = set(OutgoingDocument.objects.filter(unit=unit).values_list("status", flat=True))
    assert {
        OutStatus.DRAFT,
        OutStatus.IN_REVIEW,
        OutStatus.RETURNED,
        OutStatus.APPROVED,
        OutStatus.ISSUED,
        OutStatus.RECALLED,
    } <= states
    issued = OutgoingDocument.objects.filter(unit=unit, status=OutStatus.ISSUED)
    assert all(d.number and d.issued_file_id and d.number_notation for d in issued)


def test_replies_linked_to_completed_incoming(demo):
    answered = IncomingDocument.objects.filter(
        unit__admin_code=XA_THANH_PHU, reply_type="outgoing.outgoingdocument"
    )
    assert answered.count() == 3
    for doc in answered:
        reply = OutgoingDocument.objects.get(pk=doc.reply_id)
        assert doc.status == InStatus.COMPLETED
        assert reply.status == OutStatus.ISSUED
        assert reply.reply_to_id == str(doc.pk)
        assert doc.reply_label == reply.number_notation


def test_district_cong_van_reaches_its_18_communes(demo):
    district = Unit.objects.get(admin_code="ld:837")
    cong_van = OutgoingDocument.objects.get(unit=district, subject=DISTRICT_CONG_VAN)
    assert cong_van.status == OutStatus.ISSUED
    assert cong_van.number_notation.endswith("/UBND-TCKH")
    communes = Unit.objects.filter(parent=district, kind__in=[UnitKind.COMMUNE, UnitKind.TOWNSHIP])
    assert communes.count() == 18
    copies = IncomingDocument.objects.filter(
        origin_type="outgoing.outgoingdocument", origin_id=str(cong_van.pk)
    )
    assert copies.count() == 18
    assert set(copies.values_list("unit_id", flat=True)) == set(
        communes.values_list("pk", flat=True)
    )
    assert set(copies.values_list("status", flat=True)) == {InStatus.PENDING}
    assert all(c.issuer_unit_id == district.pk for c in copies)
    # District-era paper mail too, arrived in the first half of 2025.
    paper = IncomingDocument.objects.filter(unit=district, source=Source.PAPER)
    assert paper.exists()
    assert all(d.arrival_date.year == 2025 and d.arrival_date.month <= 6 for d in paper)


def test_numbers_in_each_register_are_consecutive_from_01(demo):
    by_register = defaultdict(list)
    for register_id, number in IssuedNumber.objects.values_list("register_id", "number"):
        by_register[register_id].append(number)
    assert len(by_register) >= 6
    for register in Register.objects.filter(pk__in=by_register):
        numbers = sorted(by_register[register.pk])
        assert numbers == list(range(1, len(numbers) + 1)), register.name
        assert register.last_number == len(numbers)
    arrival = defaultdict(list)
    for register_id, number in IncomingDocument.objects.exclude(register=None).values_list(
        "register_id", "arrival_number"
    ):
        arrival[register_id].append(number)
    for numbers in arrival.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))


def test_real_subjects(demo):
    subjects = list(IncomingDocument.objects.values_list("subject", flat=True))
    subjects += list(OutgoingDocument.objects.values_list("subject", flat=True))
    assert not [s for s in subjects if "lorem" in s.lower() or "{" in s]
    assert any("dịch tả lợn châu Phi" in s for s in subjects)
    assert any("hộ nghèo, hộ cận nghèo" in s for s in subjects)


def test_second_run_adds_nothing(demo):
    before = counts()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == before
    assert "tạo mới 0 đơn vị, 0 tài khoản, 0 văn bản, 0 hồ sơ một cửa." in out.getvalue()


def test_audit_chain_verifies(demo):
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "Nhật ký toàn vẹn" in out.getvalue()
    assert AuditRecord.objects.filter(action="congvu.outgoing.document.issued").exists()
    assert AuditRecord.objects.filter(action="congvu.incoming.document.registered").exists()
