"""The forms the services issue print what they recorded: Mẫu 01 after acceptance, 02, 04, 05."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.onestop import services
from congvu.onestop.constants import FormCode
from congvu.onestop.models import DossierForm
from tests.files.builders import pdf_bytes, upload

from .portal.makers import make_citizen, make_commune, make_officer, make_procedure
from .test_print_forms import pdf_text


def month(value) -> str:
    """The month as Decree 30 writes it: a leading zero for January and February only."""
    return f"{value.month:02d}" if value.month <= 2 else str(value.month)


pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(7 * 60)
# Thursday 05/03/2026, 08:10, inside office hours.
SUBMITTED = datetime.datetime(2026, 3, 5, 8, 10, tzinfo=TZ)


@pytest.fixture
def world():
    unit = make_commune()
    procedure = make_procedure()
    officer = make_officer(unit)
    citizen = make_citizen()
    papers = list(procedure.versions.get().papers.order_by("order"))
    dossier = services.dossier_submit_online(
        actor=citizen,
        procedure=procedure,
        receiving_unit=unit,
        applicant={"name": "Lê Thị Hồng Nhung", "phone": "0912345678", "type": "person"},
        papers=[(p, upload(f"{p.pk}.pdf", pdf_bytes())) for p in papers[:2]],
        subject="Đăng ký khai sinh cho con",
        when=SUBMITTED,
    )
    return unit, officer, dossier


def printed(client, officer, form) -> str:
    client.force_login(officer)
    response = client.get(reverse("onestop_print:form", args=[form.pk]))
    assert response.status_code == 200
    return pdf_text(response.content)


def test_mau01_from_acceptance(client, world):
    unit, officer, dossier = world
    dossier = services.dossier_accept(actor=officer, dossier=dossier, when=SUBMITTED)
    form = DossierForm.objects.get(dossier=dossier, form=FormCode.RECEIPT)
    text = printed(client, officer, form)
    due = timezone.localtime(dossier.due_at)
    assert f"{due:%H} giờ {due:%M} phút, ngày {due:%d} tháng {month(due)} năm {due:%Y}" in text
    assert "08 giờ 10 phút, ngày 05 tháng 3 năm 2026" in text
    assert "Bản sao" in text and "certified_copy" not in text
    assert "3 ngày làm việc" in text
    assert f"Số thứ tự: {dossier.book_number}" in text
    assert "Tại Bộ phận tiếp nhận và trả kết quả" in text
    # Mẫu 05 now has the reception step.
    client.force_login(officer)
    sheet = client.get(reverse("onestop_print:control_sheet", args=[dossier.pk]))
    assert "UBND xã Thạnh Phú" in pdf_text(sheet.content)


def test_mau02_and_mau04_from_the_services(client, world):
    unit, officer, dossier = world
    dossier = services.dossier_accept(actor=officer, dossier=dossier, when=SUBMITTED)
    old_due = timezone.localtime(dossier.due_at)
    new_due = old_due + datetime.timedelta(days=7)
    services.dossier_delay_notice(
        actor=officer,
        dossier=dossier,
        reason="Cần xác minh nơi cư trú",
        new_due_at=new_due,
        when=old_due - datetime.timedelta(hours=1),
    )
    form = DossierForm.objects.get(dossier=dossier, form=FormCode.APOLOGY)
    text = printed(client, officer, form)
    assert "Cần xác minh nơi cư trú" in text
    assert f"ngày {new_due:%d} tháng {month(new_due)} năm {new_due:%Y}" in text
    assert f"{old_due:%H} giờ {old_due:%M} phút, ngày {old_due:%d}" in text
    services.dossier_request_supplement(
        actor=officer,
        dossier=dossier,
        items=["Bản sao sổ hộ khẩu"],
        reason="Thiếu giấy tờ",
        when=old_due,
    )
    form = DossierForm.objects.get(dossier=dossier, form=FormCode.SUPPLEMENT)
    text = printed(client, officer, form)
    assert "Bản sao sổ hộ khẩu" in text and "Thiếu giấy tờ" in text
