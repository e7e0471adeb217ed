"""The sandbox journey: start → bank page → signed callback → return page → receipt."""

import datetime
import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest
from pypdf import PdfReader

from congvu.audit.models import AuditRecord
from congvu.onestop import services as onestop_services
from congvu.onestop.constants import DossierStatus
from congvu.onestop.models import ClockPause
from congvu.payments import services
from congvu.payments.constants import CallbackOutcome, PaymentStatus
from congvu.payments.models import Payment, PaymentCallback
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _pay(client, dossier, result):
    resp = client.post(reverse("payments:start", args=[dossier.public_token]))
    assert resp.status_code == 302
    payment = Payment.objects.get(dossier=dossier, status=PaymentStatus.PENDING)
    assert resp.url == reverse("payments:sandbox_bank", args=[payment.reference])
    bank = client.get(resp.url)
    assert bank.status_code == 200 and "58.000 đồng" in bank.content.decode()
    back = client.post(resp.url, {"result": result})
    assert back.status_code == 302
    assert back.url == reverse("payments:return", args=[payment.reference])
    payment.refresh_from_db()
    return payment, client.get(back.url)


def test_start_page_shows_fees_to_the_applicant_only(client, dossier, citizen):
    url = reverse("payments:start", args=[dossier.public_token])
    assert client.get(url).status_code == 404  # anonymous without a grant
    client.force_login(UserFactory(citizen=True))
    assert client.get(url).status_code == 404  # another citizen
    client.force_login(citizen)
    body = client.get(url).content.decode()
    assert "Lệ phí đăng ký" in body and "58.000 đồng" in body


def test_session_grant_lets_an_anonymous_payer_in(client, dossier):
    session = client.session
    session["onestop_grants"] = [dossier.public_token]
    session.save()
    assert client.get(reverse("payments:start", args=[dossier.public_token])).status_code == 200


def test_success_resumes_dossier_and_issues_receipt(client, dossier, citizen):
    client.force_login(citizen)
    payment, page = _pay(client, dossier, "success")
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.receipt_number == 1
    assert payment.receipt_year == timezone.localtime(payment.paid_at).year
    assert payment.provider_transaction_id.startswith("SBX")
    assert payment.fees[0] == {
        "name": "Lệ phí đăng ký",
        "amount": 50_000,
        "collected_at": "reception",
    }
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.payment_reference == payment.reference
    assert not ClockPause.objects.filter(dossier=dossier, ended_at__isnull=True).exists()
    assert "Đã thanh toán" in page.content.decode()
    callback = PaymentCallback.objects.get(payment=payment)
    assert callback.outcome == CallbackOutcome.APPLIED and callback.signature_valid
    assert AuditRecord.objects.filter(action="congvu.payments.payment.succeeded").count() == 1
    pdf = client.get(reverse("payments:receipt", args=[payment.reference]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # A5 portrait: 148 × 210 mm = 419.5 × 595.3 pt.
    page = PdfReader(io.BytesIO(pdf.content)).pages[0]
    assert abs(float(page.mediabox.width) - 419.5) < 1
    assert abs(float(page.mediabox.height) - 595.3) < 1
    text = page.extract_text()
    assert "BIÊN LAI" in text and "000001/" in text and "58.000" in text


@pytest.mark.parametrize(
    ("result", "status"),
    [("failure", PaymentStatus.FAILED), ("cancel", PaymentStatus.CANCELLED)],
)
def test_failure_and_cancel_leave_dossier_waiting(client, dossier, citizen, result, status):
    client.force_login(citizen)
    payment, page = _pay(client, dossier, result)
    assert payment.status == status and payment.receipt_number is None
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    assert "Thanh toán lại" in page.content.decode()
    # The payer may try again: a new payment, which can succeed.
    again, _ = _pay(client, dossier, "success")
    assert again.pk != payment.pk and again.status == PaymentStatus.SUCCEEDED
    assert again.receipt_number == 1  # the failed attempt took no number


def test_pending_payment_is_reused_and_receipt_hidden_until_paid(client, dossier, citizen):
    client.force_login(citizen)
    url = reverse("payments:start", args=[dossier.public_token])
    client.post(url)
    client.post(url)
    payment = Payment.objects.get(dossier=dossier)
    assert client.get(reverse("payments:receipt", args=[payment.reference])).status_code == 404


def test_timeout_expires_pending_payment(client, dossier, citizen, settings):
    start = timezone.now() - datetime.timedelta(minutes=30)
    payment = services.payment_start(actor=citizen, dossier=dossier, when=start)
    assert payment.expires_at == start + datetime.timedelta(minutes=15)
    call_command("run_periodic", only=["expire-payments"])
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    assert "expire-payments" in settings.CELERY_BEAT_SCHEDULE
    # The bank page no longer takes the payment.
    client.force_login(citizen)
    bank = reverse("payments:sandbox_bank", args=[payment.reference])
    client.post(bank, {"result": "success"})
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED


def test_fresh_payment_is_not_expired(dossier, citizen):
    payment = services.payment_start(actor=citizen, dossier=dossier)
    assert services.payments_expire_overdue() == 0
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_start_refused_unless_awaiting_payment(client, make_dossier, citizen, officer):
    dossier = onestop_services.dossier_payment_settled(
        actor=officer, dossier=make_dossier(), reference="TIEN-MAT-1"
    )
    assert dossier.status != DossierStatus.AWAITING_PAYMENT
    client.force_login(citizen)
    url = reverse("payments:start", args=[dossier.public_token])
    assert "không có khoản phí" in client.get(url).content.decode()
    resp = client.post(url, follow=True)
    assert "không ở trạng thái chờ" in resp.content.decode()
    assert not Payment.objects.exists()


def test_sandbox_page_absent_with_another_provider(client, dossier, citizen, settings):
    payment = services.payment_start(actor=citizen, dossier=dossier)
    settings.CONGVU_PAYMENT_PROVIDER = "congvu.payments.sandbox.SandboxProvider"
    # A dotted path to the sandbox class still is the sandbox.
    assert client.get(reverse("payments:sandbox_bank", args=[payment.reference])).status_code == 200
    settings.CONGVU_PAYMENT_PROVIDER = "tests.payments.test_flow.OtherProvider"
    assert client.get(reverse("payments:sandbox_bank", args=[payment.reference])).status_code == 404
    resp = client.post(
        reverse("payments:callback", args=["sandbox"]), b"{}", content_type="application/json"
    )
    assert resp.status_code == 404


from congvu.payments.sandbox import SandboxProvider  # noqa: E402


class OtherProvider(SandboxProvider):
    name = "other"
