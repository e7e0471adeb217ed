"""Hủy số only for a number no document carries (issue 11): a used number stays used."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse

import pytest

from congvu.core.errors import ServiceError
from congvu.incoming import services as incoming
from congvu.registry.constants import Direction, NumberStatus
from congvu.registry.models import DocumentType, IssuedNumber
from congvu.registry.services import number_allocate, number_void

pytestmark = pytest.mark.django_db


@pytest.fixture
def carried(unit, clerk):
    """Số đến carried by a registered incoming document."""
    document = incoming.incoming_register(
        actor=clerk,
        unit=unit,
        number_notation="12/SNV-VP",
        document_date=datetime.date(2026, 3, 2),
        document_type=DocumentType.objects.get(code="cong-van"),
        subject="V/v báo cáo công tác cải cách hành chính quý I",
        issuer_name="Sở Nội vụ tỉnh Vĩnh Long",
        signer_name="Trần Văn Bình",
    )
    issued = IssuedNumber.objects.get(register=document.register, number=document.arrival_number)
    return document, issued


@pytest.fixture
def reserved(unit, clerk, carried):
    """A number of the same register that no document carries."""
    with transaction.atomic():
        return number_allocate(actor=clerk, unit=unit, direction=Direction.INCOMING)


def test_a_number_a_document_carries_is_refused(clerk, carried):
    document, issued = carried
    with pytest.raises(ServiceError) as info:
        number_void(actor=clerk, issued=issued, reason="Nhầm")
    assert info.value.code == "number_in_use"
    assert info.value.errors[0].field == "number"
    assert "đang được một văn bản sử dụng" in info.value.message
    issued.refresh_from_db()
    assert issued.status == NumberStatus.USED
    assert issued.void_reason == ""


def test_a_number_no_document_carries_may_be_voided(clerk, reserved):
    voided = number_void(actor=clerk, issued=reserved, reason="Bỏ qua số")
    assert voided.status == NumberStatus.VOIDED


def test_the_register_page_offers_void_only_for_free_numbers(client, clerk, carried, reserved):
    document, issued = carried
    client.force_login(clerk)
    body = client.get(reverse("registry:register_detail", args=[issued.register_id]))
    body = body.content.decode()
    assert reverse("registry:number_void", args=[reserved.pk]) in body
    assert reverse("registry:number_void", args=[issued.pk]) not in body
    url = reverse("registry:number_void", args=[issued.pk])
    page = client.get(url).content.decode()
    assert "đang được một văn bản sử dụng" in page
    resp = client.post(url, {"reason": "Nhầm"})
    assert resp.status_code == 400
    issued.refresh_from_db()
    assert issued.status == NumberStatus.USED
