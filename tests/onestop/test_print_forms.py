"""Mẫu 01–05 (A5) as PDF: Vietnamese text of the official layout, filled from the record; scope."""

import datetime
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

import pytest
from pypdf import PdfReader

from congvu.onestop.constants import DossierStatus, FormCode, StepOutcome
from congvu.onestop.models import Dossier, DossierForm, DossierPaper, DossierStep
from congvu.onestop.printing.layouts import FORM_LAYOUTS, form_layout
from congvu.procedures.models import Procedure, ProcedureField, ProcedureVersion
from tests.factories import PositionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(7 * 60)


def at(day, hour=8, minute=0):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=TZ)


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.pdf"
        path.write_bytes(content)
        out = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        )
    return " ".join(out.stdout.split())


def page_size_mm(content: bytes) -> tuple[float, float]:
    import io

    box = PdfReader(io.BytesIO(content)).pages[0].mediabox
    return round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)


def make_dossier(unit, *, number=1, code=None, **kwargs):
    """A received dossier of a birth registration at ``unit``, with two papers and steps."""
    field, _ = ProcedureField.objects.get_or_create(name="Hộ tịch")
    procedure, _ = Procedure.objects.get_or_create(
        code="1.001193", defaults={"field": field, "name": "Thủ tục đăng ký khai sinh"}
    )
    version, _ = ProcedureVersion.objects.get_or_create(
        procedure=procedure,
        number=1,
        defaults={
            "valid_from": datetime.date(2025, 7, 1),
            "name": "Thủ tục đăng ký khai sinh",
            "duration_value": Decimal("3"),
            "duration_unit": "working_days",
        },
    )
    values = {
        "code": code or f"{unit.code}-260305-{number:04d}",
        "procedure": procedure,
        "procedure_version": version,
        "receiving_unit": unit,
        "competent_unit": unit,
        "channel": "direct",
        "status": DossierStatus.PROCESSING,
        "applicant_name": "Lê Thị Hồng Nhung",
        "applicant_address": "Ấp Thạnh Hòa, xã Thạnh Phú",
        "applicant_phone": "0912345678",
        "applicant_email": "nhung@example.vn",
        "subject": "Đăng ký khai sinh cho con Lê Minh Đức",
        "submitted_at": at(5, 8, 10),
        "received_at": at(5, 8, 15),
        "due_at": at(10, 16, 0),
        "book_year": 2026,
        "book_number": number,
    }
    values.update(kwargs)
    dossier = Dossier.objects.create(**values)
    DossierPaper.objects.create(
        dossier=dossier, name="Tờ khai đăng ký khai sinh", form="original", count=1
    )
    DossierPaper.objects.create(
        dossier=dossier, name="Giấy chứng sinh", form="certified_copy", count=2
    )
    return dossier


@pytest.fixture
def unit():
    return UnitFactory(
        commune=True, name="UBND xã Thạnh Phú", code="000.00.31.H57", phone="0275 3870 123"
    )


@pytest.fixture
def officer(unit):
    return PositionFactory(
        role="onestop_officer", unit=unit, user__full_name="Trần Văn Một Cửa"
    ).user


@pytest.fixture
def dossier(unit, officer):
    specialist = UserFactory(full_name="Phạm Thị Chuyên Viên")
    d = make_dossier(unit, received_by=officer)
    DossierStep.objects.create(
        dossier=d,
        order=1,
        name="Tiếp nhận hồ sơ",
        kind="reception",
        unit=unit,
        assignee=officer,
        budget_hours=Decimal("4"),
        started_at=at(5, 8, 15),
        finished_at=at(5, 9, 30),
        finished_by=officer,
        outcome=StepOutcome.EARLY,
    )
    DossierStep.objects.create(
        dossier=d,
        order=2,
        name="Thẩm định hồ sơ",
        kind="appraisal",
        unit=unit,
        assignee=specialist,
        handed_by=officer,
        budget_hours=Decimal("12"),
        started_at=at(5, 9, 30),
        finished_at=at(9, 15, 0),
        outcome=StepOutcome.LATE,
        note="Chờ xác minh",
    )
    return d


def issue(dossier, code, officer, **content):
    return DossierForm.objects.create(
        dossier=dossier, form=code, issued_at=at(5, 8, 20), issued_by=officer, content=content
    )


def get_pdf(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_every_form_code_has_a_layout_in_force():
    for code in FormCode.values:
        layout = form_layout(code, datetime.date(2026, 3, 5))
        assert layout.code == code and layout.page == "A5"
    # Papers older than every layout still print (with the earliest).
    assert form_layout(FormCode.RECEIPT, datetime.date(2010, 1, 1)) in FORM_LAYOUTS


def test_mau01_receipt_pdf_is_a5_and_filled(client, dossier, officer):
    form = issue(dossier, FormCode.RECEIPT, officer)
    content = get_pdf(client, officer, reverse("onestop_print:form", args=[form.pk]))
    assert page_size_mm(content) == (148, 210)
    text = pdf_text(content)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND XÃ THẠNH PHÚ",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {dossier.code}",
        "Lê Thị Hồng Nhung",
        "Ấp Thạnh Hòa, xã Thạnh Phú",
        "0912345678",
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "Bản sao",
        "3 ngày làm việc",
        "08 giờ 15 phút, ngày 05 tháng 3 năm 2026",
        "16 giờ 00 phút, ngày 10 tháng 3 năm 2026",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 2026, Số thứ tự: 1",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Văn Một Cửa",
        "Thạnh Phú, ngày 05 tháng 3 năm 2026",
    ]:
        assert expected in text, expected


def test_mau02_lists_the_missing_papers(client, dossier, officer):
    form = issue(
        dossier,
        FormCode.SUPPLEMENT,
        officer,
        items=["Bản sao Giấy chứng nhận kết hôn", "Giấy tờ tùy thân của người đi khai"],
        reason="Thiếu giấy tờ chứng minh quan hệ",
    )
    text = pdf_text(get_pdf(client, officer, reverse("onestop_print:form", args=[form.pk])))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản sao Giấy chứng nhận kết hôn" in text
    assert "Giấy tờ tùy thân của người đi khai" in text
    assert "Thiếu giấy tờ chứng minh quan hệ" in text
    assert "0275 3870 123" in text


def test_mau03_states_the_refusal_reason(client, dossier, officer):
    form = issue(dossier, FormCode.REFUSAL, officer, reason="Không thuộc thẩm quyền giải quyết")
    text = pdf_text(get_pdf(client, officer, reverse("onestop_print:form", args=[form.pk])))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Không thuộc thẩm quyền giải quyết" in text


def test_mau04_apology_with_new_date(client, dossier, officer):
    form = issue(
        dossier,
        FormCode.APOLOGY,
        officer,
        reason="Cần xác minh thêm tại nơi cư trú",
        new_due_at=at(13, 16, 0).isoformat(),
    )
    text = pdf_text(get_pdf(client, officer, reverse("onestop_print:form", args=[form.pk])))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Cần xác minh thêm tại nơi cư trú" in text
    assert "ngày 13 tháng 3 năm 2026" in text
    assert "16 giờ 00 phút, ngày 10 tháng 3 năm 2026" in text


def test_mau05_rows_from_the_handovers(client, dossier, officer):
    content = get_pdf(client, officer, reverse("onestop_print:control_sheet", args=[dossier.pk]))
    assert page_size_mm(content) == (148, 210)
    text = pdf_text(content)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Tiếp nhận hồ sơ" in text and "Thẩm định hồ sơ" in text
    assert "Trước hạn" in text and "Quá hạn" in text
    assert "Phạm Thị Chuyên Viên" in text
    assert "09 giờ 30 phút, ngày 05 tháng 3 năm 2026" in text
    assert "Chờ xác minh" in text
    # The issued Mẫu 05 prints the same sheet.
    form = issue(dossier, FormCode.CONTROL, officer)
    again = pdf_text(get_pdf(client, officer, reverse("onestop_print:form", args=[form.pk])))
    assert "Thẩm định hồ sơ" in again


def test_forms_outside_scope_are_404(client, dossier, officer):
    form = issue(dossier, FormCode.RECEIPT, officer)
    stranger = PositionFactory(role="onestop_officer").user
    client.force_login(stranger)
    assert client.get(reverse("onestop_print:form", args=[form.pk])).status_code == 404
    assert client.get(reverse("onestop_print:control_sheet", args=[dossier.pk])).status_code == 404
    citizen = UserFactory(citizen=True)
    dossier.applicant = citizen
    dossier.save()
    client.force_login(citizen)
    # Citizens never reach the officials' print pages, even for their own dossier.
    assert client.get(reverse("onestop_print:form", args=[form.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, dossier, officer):
    form = issue(dossier, FormCode.RECEIPT, officer)
    response = client.get(reverse("onestop_print:form", args=[form.pk]))
    assert response.status_code == 302
