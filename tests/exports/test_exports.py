"""Registers as PDF and Excel (Appendix IV): headers, rows, date range, scope, Mật, closing."""

import datetime
import io
import subprocess
import tempfile
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from congvu.registry.exports.columns import COLUMNS
from tests.factories import PositionFactory, UnitFactory
from tests.incoming.factories import AssignmentFactory, IncomingDocumentFactory
from tests.outgoing.factories import OutgoingDocumentFactory, RecipientFactory
from tests.registry.factories import RegisterFactory

pytestmark = pytest.mark.django_db

MARCH = {"tu": "01/03/2026", "den": "31/03/2026"}


@pytest.fixture
def unit():
    return UnitFactory(name="UBND xã Thạnh Phong", short_name="UBND")


@pytest.fixture
def clerk(unit):
    return PositionFactory(role="clerk", unit=unit).user


@pytest.fixture
def docs(unit):
    in_range = IncomingDocumentFactory(
        unit=unit,
        arrival_date=datetime.date(2026, 3, 5),
        arrival_number=7,
        number_notation="12/QĐ-UBND",
        document_date=datetime.date(2026, 3, 3),
        issuer_name="Ủy ban nhân dân tỉnh Vĩnh Long",
        subject="Về việc phê duyệt kế hoạch phòng, chống thiên tai",
        deadline=datetime.date(2026, 3, 20),
    )
    AssignmentFactory(document=in_range, unit=unit, role="main")
    outside = IncomingDocumentFactory(
        unit=unit, arrival_date=datetime.date(2026, 4, 2), subject="Ngoài khoảng thời gian"
    )
    secret = IncomingDocumentFactory(
        unit=unit,
        arrival_date=datetime.date(2026, 3, 6),
        secret=True,
        subject="Tài liệu mật về quốc phòng",
    )
    issued = OutgoingDocumentFactory(
        unit=unit,
        issued=True,
        number=3,
        number_notation="03/UBND-VP",
        issued_at=timezone.make_aware(datetime.datetime(2026, 3, 10, 9)),
        subject="V/v báo cáo tình hình đê điều",
    )
    RecipientFactory(document=issued, external=True, external_name="Sở Nông nghiệp và Môi trường")
    return {"in": in_range, "out_of_range": outside, "secret": secret, "issued": issued}


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "so.pdf"
        path.write_bytes(content)
        out = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        )
    return " ".join(out.stdout.split())


def xlsx_rows(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    return list(wb.worksheets[0].iter_rows(values_only=True)), wb


def get(client, name, unit, **params):
    return client.get(reverse(f"registry_exports:{name}"), {"don_vi": unit.pk, **MARCH, **params})


def test_incoming_xlsx_header_rows_and_range(client, clerk, unit, docs):
    client.force_login(clerk)
    resp = get(client, "xlsx_den", unit)
    assert resp.status_code == 200
    rows, wb = xlsx_rows(resp.content)
    assert list(rows[0]) == [
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung",
        "Đơn vị hoặc người nhận",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ]
    assert len(rows) == 2  # the April document and the Mật one are not in it
    row = rows[1]
    assert row[0] == datetime.datetime(2026, 3, 5)
    assert row[1] == "07" and row[3] == "12/QĐ-UBND"
    assert row[2] == "Ủy ban nhân dân tỉnh Vĩnh Long"
    assert "phòng, chống thiên tai" in row[5] and unit.name in row[6]
    ws = wb.worksheets[0]
    assert ws["A1"].font.bold and ws["A2"].number_format == "DD/MM/YYYY"
    assert ws.column_dimensions["F"].width == 38
    cover = dict(wb.worksheets[1].iter_rows(values_only=True))
    assert cover["Từ số"] == "07" and cover["Quyển số"] == "01" and cover["Năm"] == "2026"


def test_outgoing_and_tracking_xlsx(client, clerk, unit, docs):
    client.force_login(clerk)
    rows, _wb = xlsx_rows(get(client, "xlsx_di", unit).content)
    assert list(rows[0]) == [str(c) for c in COLUMNS["di"]]
    assert rows[1][0] == "03/UBND-VP" and rows[1][1] == datetime.datetime(2026, 3, 10)
    assert rows[1][4] == "Sở Nông nghiệp và Môi trường" and rows[1][6] == 3
    rows, _wb = xlsx_rows(get(client, "xlsx_theo-doi", unit).content)
    assert list(rows[0]) == [
        "Số đến",
        "Tên loại, số, ký hiệu, ngày tháng, cơ quan ban hành",
        "Đơn vị hoặc người nhận",
        "Thời hạn giải quyết",
        "Tiến độ giải quyết",
        "Số, ký hiệu văn bản trả lời",
        "Ghi chú",
    ]
    assert rows[1][0] == "07" and "12/QĐ-UBND" in rows[1][1] and "03/03/2026" in rows[1][1]
    assert rows[1][3] == datetime.datetime(2026, 3, 20)


def test_incoming_pdf_has_vietnamese_headers_and_rows(client, clerk, unit, docs):
    client.force_login(clerk)
    resp = get(client, "pdf_den", unit, quyen="2")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    text = pdf_text(resp.content)
    for header in ("Ngày đến", "Số đến", "Tác giả", "Đơn vị hoặc người nhận", "Ký nhận"):
        assert header in text
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text.upper()
    assert "Quyển số: 02" in text and "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert "12/QĐ-UBND" in text and "phòng, chống thiên tai" in text
    assert "Ngoài khoảng thời gian" not in text and "quốc phòng" not in text


def test_bad_dates_answer_400_naming_the_field(client, clerk, unit):
    client.force_login(clerk)
    resp = client.get(
        reverse("registry_exports:pdf_den"), {"don_vi": unit.pk, "tu": "32/13/2026", "den": ""}
    )
    body = resp.content.decode()
    assert resp.status_code == 400
    assert "Từ ngày: ngày không hợp lệ" in body and "Đến ngày: nhập ngày" in body
    resp = client.get(
        reverse("registry_exports:xlsx_den"),
        {"don_vi": unit.pk, "tu": "31/03/2026", "den": "01/03/2026"},
    )
    assert (
        resp.status_code == 400 and "Đến ngày: phải sau hoặc bằng Từ ngày" in resp.content.decode()
    )


def test_other_unit_and_specialist_get_404(client, clerk, unit, docs):
    other = UnitFactory()
    client.force_login(clerk)
    assert get(client, "xlsx_den", other).status_code == 404
    client.force_login(PositionFactory(role="specialist", unit=unit).user)
    assert get(client, "xlsx_den", unit).status_code == 404


def test_secret_register_needs_clearance(client, clerk, unit, docs):
    client.force_login(clerk)
    assert get(client, "xlsx_den", unit, mat="on").status_code == 404
    cleared = PositionFactory(role="clerk", unit=unit, clearance=1).user
    client.force_login(cleared)
    rows, wb = xlsx_rows(get(client, "xlsx_den", unit, mat="on").content)
    assert len(rows) == 2 and "quốc phòng" in rows[1][5]
    assert "(Mật)" in dict(wb.worksheets[1].iter_rows(values_only=True))["Tên sổ"]
    rows, _wb = xlsx_rows(get(client, "xlsx_den", unit).content)
    assert all("quốc phòng" not in (r[5] or "") for r in rows[1:])


def test_export_page_and_close_register(client, clerk, unit):
    register = RegisterFactory(unit=unit, name="Sổ văn bản đi 2026")
    client.force_login(clerk)
    page = client.get(reverse("registry_exports:export"), {"don_vi": unit.pk, **MARCH})
    body = page.content.decode()
    assert page.status_code == 200 and "Sổ văn bản đi 2026" in body and "den.pdf?" in body
    client.post(reverse("registry_exports:close", args=[register.pk]), {"xac_nhan": "1"})
    register.refresh_from_db()
    assert register.is_closed
    other = RegisterFactory(unit=UnitFactory())
    assert client.post(reverse("registry_exports:close", args=[other.pk])).status_code == 404
