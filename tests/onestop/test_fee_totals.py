"""Yêu cầu nộp phí: the amount the desk asks for by default follows the fee on the reception day.

Only đồng fees add up; a fee with no known amount that day (an exemption that
ended) is refused with a field error instead of being asked for as 0.
"""

import datetime

import pytest

from congvu.core.errors import ServiceError
from congvu.onestop import services
from congvu.onestop.constants import DossierStatus
from congvu.procedures.models import Fee

from .conftest import at

pytestmark = pytest.mark.django_db


def _set_fees(version, *rows):
    Fee.objects.filter(version=version).delete()
    for row in rows:
        Fee.objects.create(version=version, **row)


def _request(officer, dossier):
    return services.dossier_request_payment(actor=officer, dossier=dossier, when=at(3, 2, 10))


def test_dossier_received_during_a_reduction_is_asked_half(received, officer, version):
    # Received 2/3/2026; the reduction has ended since, the dossier keeps it.
    _set_fees(
        version,
        {
            "name": "Lệ phí",
            "amount": 8000,
            "reduction_percent": 50,
            "reduction_from": datetime.date(2026, 1, 1),
            "reduction_to": datetime.date(2026, 6, 30),
        },
    )
    dossier = _request(officer, received)
    assert dossier.payment_amount == 4000
    assert dossier.events.get(action="payment_requested").message.endswith("4.000 đồng.")


def test_fee_unknown_after_its_free_period_is_not_asked_as_zero(submit, officer, version):
    _set_fees(
        version,
        {
            "name": "Lệ phí",
            "amount": 0,
            "valid_from": datetime.date(2025, 7, 1),
            "valid_to": datetime.date(2026, 12, 31),
        },
    )
    # "Miễn phí … đến hết ngày 31/12/2026": received on 4/1/2027 the fee is unknown.
    filed = submit(when=at(1, 4, 9, year=2027))
    dossier = services.dossier_accept(actor=officer, dossier=filed, when=at(1, 4, 9, 30, year=2027))
    with pytest.raises(ServiceError) as exc:
        services.dossier_request_payment(
            actor=officer, dossier=dossier, when=at(1, 4, 10, year=2027)
        )
    assert exc.value.code == "fee_unknown"
    assert [e.field for e in exc.value.errors] == ["amount"]
    assert "Lệ phí" in exc.value.message
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED and dossier.payment_amount is None
    # The desk knows the amount and types it in.
    dossier = services.dossier_request_payment(
        actor=officer, dossier=dossier, amount=10_000, when=at(1, 4, 10, year=2027)
    )
    assert dossier.payment_amount == 10_000


def test_usd_fee_is_not_added_to_the_dong_amount(received, officer, version):
    _set_fees(
        version,
        {"name": "Lệ phí", "amount": 8000},
        {"name": "Phí thẩm định", "amount": 50, "currency": "USD"},
    )
    assert _request(officer, received).payment_amount == 8000


def test_usd_only_fee_is_refused_without_an_amount_in_dong(received, officer, version):
    _set_fees(version, {"name": "Lệ phí", "amount": 50, "currency": "USD"})
    with pytest.raises(ServiceError) as exc:
        _request(officer, received)
    assert exc.value.code == "fee_foreign_currency"
    assert "USD" in exc.value.message
    received.refresh_from_db()
    assert received.payment_amount is None


def test_only_the_fees_of_the_dossiers_channel_are_asked(received, officer, version):
    assert received.channel == "online"
    _set_fees(
        version,
        {"name": "Lệ phí", "amount": 8000},
        {"name": "Lệ phí trực tiếp", "amount": 20_000, "channel": "direct"},
    )
    assert _request(officer, received).payment_amount == 8000
