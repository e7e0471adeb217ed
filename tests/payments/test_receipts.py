"""Receipt numbers (số biên lai): per unit and year, gap-free, none for failures; cash at the desk."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.core.errors import PermissionDenied, TransitionNotAllowed
from congvu.onestop.constants import DossierStatus
from congvu.payments import sandbox, services
from congvu.payments.constants import PaymentStatus
from congvu.payments.models import Payment
from tests.factories import PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _succeed(payment, when=None):
    body, headers = sandbox.build_callback(payment, "success", when=when)
    services.payment_callback_process(
        provider=sandbox.SandboxProvider(), body=body, headers=headers, when=when
    )
    payment.refresh_from_db()
    return payment


def test_numbers_are_consecutive_per_unit_and_year(make_dossier, citizen, officer):
    numbers = []
    for i in range(4):
        dossier = make_dossier()
        if i % 2:
            payment = services.payment_record_cash(actor=officer, dossier=dossier)
        else:
            payment = _succeed(services.payment_start(actor=citizen, dossier=dossier))
        numbers.append(payment.receipt_number)
    assert numbers == [1, 2, 3, 4]
    # Another unit has its own sequence.
    other = UnitFactory(commune=True)
    elsewhere = _succeed(
        services.payment_start(actor=citizen, dossier=make_dossier(receiving_unit=other))
    )
    assert (elsewhere.unit, elsewhere.receipt_number) == (other, 1)


def test_failed_attempts_take_no_number(make_dossier, citizen):
    a, b = make_dossier(), make_dossier()
    pa = services.payment_start(actor=citizen, dossier=a)
    body, headers = sandbox.build_callback(pa, "failure")
    services.payment_callback_process(
        provider=sandbox.SandboxProvider(), body=body, headers=headers
    )
    pb = _succeed(services.payment_start(actor=citizen, dossier=b))
    assert pb.receipt_number == 1
    assert Payment.objects.get(pk=pa.pk).receipt_number is None


def test_rolled_back_success_gives_its_number_back(make_dossier, citizen):
    first = make_dossier()
    payment = services.payment_start(actor=citizen, dossier=first)
    with pytest.raises(RuntimeError), transaction.atomic():
        _succeed(payment)
        raise RuntimeError("crash after the receipt was numbered")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.receipt_number is None
    assert _succeed(payment).receipt_number == 1


def test_new_year_restarts_numbering(make_dossier, citizen, officer):
    last_year = timezone.now() - datetime.timedelta(days=366)
    old = services.payment_record_cash(actor=officer, dossier=make_dossier(), when=last_year)
    new = services.payment_record_cash(actor=officer, dossier=make_dossier())
    assert (old.receipt_number, new.receipt_number) == (1, 1)
    assert old.receipt_year == new.receipt_year - 1 or old.receipt_year < new.receipt_year


def test_cash_at_desk_resumes_dossier(client, dossier, officer):
    client.force_login(officer)
    url = reverse("payments:cash", args=[dossier.pk])
    assert "58.000 đồng" in client.get(url).content.decode()
    resp = client.post(url, {"amount": "58000", "payer_name": "Trần Văn Nộp"})
    assert resp.status_code == 302
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.provider, payment.status, payment.receipt_number) == ("cash", "succeeded", 1)
    assert payment.payer_name == "Trần Văn Nộp" and payment.created_by == officer
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    pdf = client.get(reverse("payments:receipt", args=[payment.reference]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Paid: a second cash record is refused.
    with pytest.raises(TransitionNotAllowed):
        services.payment_record_cash(actor=officer, dossier=dossier)


def test_cash_refused_outside_the_desk(dossier, commune):
    specialist = PositionFactory(unit=commune, role="specialist").user
    outsider = PositionFactory(unit=UnitFactory(), role="onestop_officer").user
    with pytest.raises(PermissionDenied):
        services.payment_record_cash(actor=specialist, dossier=dossier)
    with pytest.raises(PermissionDenied):
        services.payment_record_cash(actor=outsider, dossier=dossier)
    assert not Payment.objects.exists()


def test_cash_page_is_404_outside_scope(client, dossier):
    client.force_login(PositionFactory(unit=UnitFactory(), role="onestop_officer").user)
    assert client.get(reverse("payments:cash", args=[dossier.pk])).status_code == 404


def test_receipt_hidden_from_strangers(client, dossier, officer):
    payment = services.payment_record_cash(actor=officer, dossier=dossier)
    url = reverse("payments:receipt", args=[payment.reference])
    assert client.get(url).status_code == 404
    client.force_login(PositionFactory(unit=UnitFactory(), role="leader_head").user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("payments:return", args=[payment.reference])).status_code == 404


def test_api_lists_payments_of_a_dossier(client, dossier, officer, citizen):
    services.payment_start(actor=citizen, dossier=dossier)
    services.payment_record_cash(actor=officer, dossier=dossier)
    client.force_login(officer)
    resp = client.get("/api/v1/payments/", {"dossier": dossier.pk})
    assert resp.status_code == 200
    rows = resp.json()["results"]
    assert {r["provider"] for r in rows} == {"sandbox", "cash"}
    assert [r["receipt"] for r in rows if r["status"] == "succeeded"][0].startswith("000001/")
    client.force_login(PositionFactory(unit=UnitFactory(), role="onestop_officer").user)
    assert client.get("/api/v1/payments/", {"dossier": dossier.pk}).json()["results"] == []


def test_api_records_cash(client, dossier, officer):
    client.force_login(officer)
    resp = client.post(
        "/api/v1/payments/cash/",
        {"dossier": dossier.pk, "amount": 58000},
        content_type="application/json",
    )
    assert resp.status_code == 201 and resp.json()["status"] == "succeeded"
    bad = client.post(
        "/api/v1/payments/cash/",
        {"dossier": dossier.pk, "amount": 0},
        content_type="application/json",
    )
    assert bad.status_code == 400
