"""Hủy số of a document never issued (issue 13): the document lets go of its number, voided, in one step."""

from __future__ import annotations

import datetime

from django.db import transaction

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.incoming import services as incoming
from congvu.registry.constants import Direction, NumberStatus
from congvu.registry.models import DocumentType, IssuedNumber
from congvu.registry.services import number_allocate, number_release, register_close
from tests.factories import PositionFactory

pytestmark = pytest.mark.django_db

VOIDED = "congvu.registry.number.voided"


def register(clerk, unit, notation="12/SNV-VP"):
    return incoming.incoming_register(
        actor=clerk,
        unit=unit,
        number_notation=notation,
        document_date=datetime.date(2026, 3, 2),
        document_type=DocumentType.objects.get(code="cong-van"),
        subject="V/v báo cáo công tác cải cách hành chính quý I",
        issuer_name="Sở Nội vụ tỉnh Vĩnh Long",
        signer_name="Trần Văn Bình",
    )


@pytest.fixture
def carried(unit, clerk):
    """A number carried by a document (any carrier model does: the registry imports none)."""
    document = register(clerk, unit)
    issued = IssuedNumber.objects.get(register=document.register, number=document.arrival_number)
    return document, issued


def release(clerk, carried, *, unissued=True, reason="Lãnh đạo từ chối ký", carrier=None):
    document, issued = carried
    return number_release(
        actor=clerk,
        issued=issued,
        carrier=carrier or document,
        reason=reason,
        carrier_unissued=lambda: unissued,
    )


def unchanged(issued, document):
    issued.refresh_from_db()
    assert issued.status == NumberStatus.USED and issued.void_reason == ""
    assert (issued.object_type, issued.object_id) == ("incoming.incomingdocument", str(document.pk))
    assert not AuditRecord.objects.filter(action=VOIDED).exists()


def test_release_voids_and_detaches_in_one_audited_step(clerk, unit, carried):
    document, issued = carried
    released = release(clerk, carried, reason="  Lãnh đạo từ chối ký ")
    released.refresh_from_db()
    assert released.status == NumberStatus.VOIDED
    assert released.void_reason == "Lãnh đạo từ chối ký"
    assert released.voided_by == clerk and released.voided_at is not None
    assert (released.object_type, released.object_id) == ("", "")
    record = AuditRecord.objects.get(action=VOIDED)
    # The one record keeps which document let the number go.
    assert record.before == {
        "status": "used",
        "object_type": "incoming.incomingdocument",
        "object_id": str(document.pk),
    }
    assert record.after == {"status": "voided", "reason": "Lãnh đạo từ chối ký"}
    # Never given again: the next number of the register follows it.
    with transaction.atomic():
        following = number_allocate(actor=clerk, unit=unit, direction=Direction.INCOMING)
    assert following.register_id == issued.register_id
    assert following.number == issued.number + 1
    with pytest.raises(TransitionNotAllowed) as info:
        release(clerk, carried)
    assert info.value.code == "already_voided"


def test_a_carrier_that_says_it_is_issued_keeps_its_number(clerk, carried):
    document, issued = carried
    with pytest.raises(TransitionNotAllowed) as info:
        release(clerk, carried, unissued=False)
    assert info.value.code == "carrier_issued"
    assert info.value.errors[0].field == "number"
    assert "thu hồi" in info.value.message
    unchanged(issued, document)


def test_only_the_document_the_number_names_may_release_it(clerk, unit, carried):
    document, issued = carried
    other = register(clerk, unit, notation="13/SNV-VP")
    with pytest.raises(TransitionNotAllowed) as info:
        release(clerk, carried, carrier=other)
    assert info.value.code == "number_not_carried"
    unchanged(issued, document)


def test_release_needs_a_reason_the_clerk_and_an_open_register(clerk, unit, carried):
    document, issued = carried
    asked = []
    with pytest.raises(ServiceError) as info:
        number_release(
            actor=clerk,
            issued=issued,
            carrier=document,
            reason=" ",
            carrier_unissued=lambda: asked.append(1) or True,
        )
    assert info.value.code == "required" and info.value.errors[0].field == "reason"
    for outsider in (
        PositionFactory(leader=True, unit=unit).user,
        PositionFactory(clerk=True).user,
    ):
        with pytest.raises(PermissionDenied) as info:
            release(outsider, carried)
        assert info.value.code == "permission_denied"
    register_close(actor=clerk, register=issued.register)
    with pytest.raises(TransitionNotAllowed) as info:
        release(clerk, carried)
    assert info.value.code == "register_closed"
    assert not asked  # the carrier is asked only once everything else allows it
    unchanged(issued, document)
