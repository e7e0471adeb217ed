"""What a dossier owes follows the fee in force on its reception day, in đồng only.

A temporary reduction halves the fee for a dossier received in its period; a
"miễn phí đến hết 31/12/2026" fee is unknown (not free, not 0) afterwards; a
fee in USD is never added to the đồng total nor charged through the gateway.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.core.errors import ServiceError
from congvu.payments import services
from congvu.payments.constants import PaymentStatus
from congvu.payments.models import Payment
from congvu.payments.selectors import amount_due, fees_due
from tests.factories import FeeFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(7 * 60)


def on(year, month, day):
    return datetime.datetime(year, month, day, 9, 0, tzinfo=TZ)


@pytest.fixture
def version(db):
    # Replaces the conftest's version: each test sets the fees it is about.
    return ProcedureVersionFactory(procedure__name="Cấp giấy phép")


def test_reduction_in_force_on_reception_day_halves_the_fee(make_dossier, version):
    FeeFactory(
        version=version,
        name="Lệ phí",
        amount=100_000,
        reduction_percent=50,
        reduction_from=datetime.date(2026, 7, 1),
        reduction_to=datetime.date(2026, 12, 31),
    )
    during = make_dossier(received_at=on(2026, 9, 15))
    after = make_dossier(received_at=on(2027, 1, 4))
    assert amount_due(during) == (
        50_000,
        [{"name": "Lệ phí", "amount": 50_000, "collected_at": "reception"}],
    )
    assert amount_due(after)[0] == 100_000
    payment = services.payment_start(actor=None, dossier=during)
    assert payment.amount == 50_000


def test_ended_exemption_is_unknown_not_free(client, citizen, make_dossier, version, officer):
    FeeFactory(
        version=version,
        name="Lệ phí",
        amount=0,
        valid_from=datetime.date(2025, 7, 1),
        valid_to=datetime.date(2026, 12, 31),
    )
    within = make_dossier(received_at=on(2026, 12, 31))
    assert amount_due(within)[0] == 0
    dossier = make_dossier(received_at=on(2027, 1, 4))
    total, lines = amount_due(dossier)
    assert total is None
    assert lines == [{"name": "Lệ phí", "amount": None, "collected_at": "reception"}]
    with pytest.raises(ServiceError) as online:
        services.payment_start(actor=None, dossier=dossier)
    assert online.value.code == "fee_unknown"
    assert [e.field for e in online.value.errors] == ["amount"]
    with pytest.raises(ServiceError) as cash:
        services.payment_record_cash(actor=officer, dossier=dossier)
    assert cash.value.code == "fee_unknown"
    assert not Payment.objects.filter(dossier=dossier).exists()
    client.force_login(citizen)
    body = client.get(reverse("payments:start", args=[dossier.public_token])).content.decode()
    assert "Chưa đủ thông tin để tính" in body
    assert "Thanh toán trực tuyến" not in body
    assert "0 đồng" not in body


def test_cash_with_the_amount_typed_in_is_taken_when_the_fee_is_unknown(
    make_dossier, version, officer
):
    FeeFactory(version=version, amount=0, valid_to=datetime.date(2026, 12, 31))
    dossier = make_dossier(received_at=on(2027, 1, 4))
    payment = services.payment_record_cash(actor=officer, dossier=dossier, amount=25_000)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.fees == [{"name": "Phí, lệ phí", "amount": 25_000, "collected_at": ""}]


def test_usd_fee_is_not_added_to_the_dong_total(client, citizen, make_dossier, version):
    FeeFactory(version=version, name="Lệ phí", amount=100_000)
    FeeFactory(version=version, name="Phí thẩm định", amount=50, currency="USD")
    dossier = make_dossier(received_at=on(2026, 9, 15))
    total, lines = amount_due(dossier)
    assert total == 100_000
    assert [line["name"] for line in lines] == ["Lệ phí"]
    assert [(f.name, f.amount, f.currency) for f in fees_due(dossier).foreign] == [
        ("Phí thẩm định", 50, "USD")
    ]
    payment = services.payment_start(actor=None, dossier=dossier)
    assert payment.amount == 100_000
    assert payment.fees == [{"name": "Lệ phí", "amount": 100_000, "collected_at": "reception"}]
    client.force_login(citizen)
    body = client.get(reverse("payments:start", args=[dossier.public_token])).content.decode()
    assert "100.000 đồng" in body
    assert "50 USD" in body
    assert "100.050" not in body


def test_usd_only_fee_is_not_charged_through_the_gateway(client, citizen, make_dossier, version):
    FeeFactory(version=version, name="Lệ phí", amount=30, currency="USD")
    dossier = make_dossier(received_at=on(2026, 9, 15))
    assert amount_due(dossier) == (0, [])
    with pytest.raises(ServiceError) as exc:
        services.payment_start(actor=None, dossier=dossier)
    assert exc.value.code == "nothing_due"
    client.force_login(citizen)
    body = client.get(reverse("payments:start", args=[dossier.public_token])).content.decode()
    assert "30 USD" in body
    assert "Thanh toán trực tuyến" not in body


def test_fee_of_another_channel_is_not_charged(make_dossier, version):
    FeeFactory(version=version, name="Lệ phí", amount=8_000)
    FeeFactory(version=version, name="Lệ phí nộp trực tiếp", amount=20_000, channel="direct")
    FeeFactory(version=version, name="Lệ phí nộp trực tuyến", amount=4_000, channel="online")
    dossier = make_dossier(received_at=on(2026, 9, 15), channel="online")
    assert amount_due(dossier)[0] == 12_000


def test_desk_cash_page_says_the_total_is_incomplete(client, make_dossier, version, officer):
    FeeFactory(version=version, name="Lệ phí", amount=0, valid_to=datetime.date(2026, 12, 31))
    FeeFactory(version=version, name="Phí thẩm định", amount=50, currency="USD")
    dossier = make_dossier(received_at=on(2027, 1, 4))
    client.force_login(officer)
    resp = client.get(reverse("payments:cash", args=[dossier.pk]))
    body = resp.content.decode()
    assert "Chưa đủ thông tin để tính" in body and "50 USD" in body
    assert resp.context["form"]["amount"].value() is None
