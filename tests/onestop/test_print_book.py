"""Sổ theo dõi hồ sơ: A4 PDF and Excel with the book's rows, the versioned columns, scope."""

import datetime
import io
from decimal import Decimal

from django.urls import reverse

import pytest
from openpyxl import load_workbook

from congvu.onestop.constants import DossierStatus
from congvu.onestop.models import DossierStep
from congvu.onestop.printing.layouts import BOOK_LAYOUTS, book_layout
from tests.factories import PositionFactory, UnitFactory

from .test_print_forms import at, make_dossier, page_size_mm, pdf_text

pytestmark = pytest.mark.django_db

MARCH = {"from": "01/03/2026", "to": "31/03/2026"}


@pytest.fixture
def unit():
    return UnitFactory(commune=True, name="UBND xã Thạnh Phong", code="000.00.32.H57")


@pytest.fixture
def officer(unit):
    return PositionFactory(role="onestop_officer", unit=unit).user


@pytest.fixture
def dossiers(unit):
    first = make_dossier(unit, number=1, outcome="early", finished_at=at(9, 10), status="done")
    second = make_dossier(
        unit,
        number=2,
        applicant_name="Nguyễn Văn Đạt",
        status=DossierStatus.REFUSED,
        received_at=at(20, 14, 5),
    )
    outside = make_dossier(
        unit,
        number=3,
        applicant_name="Ngoài Khoảng Thời Gian",
        received_at=datetime.datetime(2026, 4, 2, 9, tzinfo=at(1).tzinfo),
    )
    # Submitted online but not yet entered in the book.
    make_dossier(unit, number=4, applicant_name="Chưa Vào Sổ", book_number=None)
    return first, second, outside


def get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("onestop_print:book"), params)


def test_columns_are_a_versioned_layout():
    layout = book_layout(datetime.date(2026, 3, 1))
    assert layout in BOOK_LAYOUTS
    keys = [c.key for c in layout.columns]
    assert keys[:3] == ["number", "code", "procedure"]
    assert {"received_at", "due_at", "handed_at", "finished_at", "returned_at", "outcome"} <= set(
        keys
    )


def test_book_pdf_is_a4_landscape_with_the_rows(client, unit, officer, dossiers):
    first, second, _ = dossiers
    response = get(client, officer, unit=unit.pk, format="pdf", **MARCH)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert page_size_mm(response.content) == (297, 210)
    text = pdf_text(response.content)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Lê Thị Hồng Nhung" in text and "Nguyễn Văn Đạt" in text
    assert "Ngoài Khoảng Thời Gian" not in text
    assert "Chưa Vào Sổ" not in text
    assert "Không được tiếp nhận" in text  # the refused one, in Ghi chú
    assert "Trước hạn" in text


def test_book_xlsx_has_the_rows_in_book_order(client, unit, officer, dossiers):
    first, second, _ = dossiers
    response = get(client, officer, unit=unit.pk, format="xlsx", **MARCH)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    layout = book_layout(datetime.date(2026, 3, 1))
    assert list(rows[0]) == [c.title for c in layout.columns]
    assert len(rows) == 3
    header = list(rows[0])
    code_col = header.index("Mã hồ sơ")
    received_col = header.index("Ngày, giờ nhận hồ sơ")
    assert [r[code_col] for r in rows[1:]] == [first.code, second.code]
    assert rows[2][received_col] == datetime.datetime(2026, 3, 20, 14, 5)
    assert rows[1][header.index("Số thứ tự")] == 1


def test_book_of_another_unit_is_404(client, officer, dossiers):
    other = UnitFactory(commune=True)
    assert get(client, officer, unit=other.pk, **MARCH).status_code == 404
    specialist = PositionFactory(role="specialist", unit=dossiers[0].receiving_unit).user
    # A specialist does not keep the desk's book.
    assert get(client, specialist, unit=dossiers[0].receiving_unit.pk, **MARCH).status_code == 404


def test_book_form_errors_name_the_field(client, unit, officer):
    response = get(client, officer, unit=unit.pk, **{"from": "31/03/2026", "to": "01/03/2026"})
    assert response.status_code == 400
    assert "Đến ngày: phải sau hoặc bằng Từ ngày." in response.content.decode()
    response = get(client, officer, unit=unit.pk, **{"from": "hôm qua", "to": "01/03/2026"})
    assert response.status_code == 400
    assert response.content.decode().count("Từ ngày: ngày không hợp lệ") == 1
    assert get(client, officer).status_code == 200


@pytest.fixture
def beyond(unit, dossiers):
    """Phi địa giới both ways: received here for a province department, received elsewhere for us."""
    department = UnitFactory(name="Sở Tư pháp tỉnh Bến Tre", code="000.00.10.H05")
    neighbour = UnitFactory(commune=True, name="UBND xã An Hiệp", code="000.00.33.H57")
    here_for_them = make_dossier(
        unit,
        number=5,
        applicant_name="Gửi Đi Nơi Khác",
        competent_unit=department,
        beyond_boundary=True,
        received_at=at(21, 9),
    )
    there_for_us = make_dossier(
        neighbour,
        number=7,
        applicant_name="Nhận Từ Xã Bên",
        competent_unit=unit,
        beyond_boundary=True,
        received_at=at(10, 9),
    )
    # Its appraisal runs here, which is how this unit's officials see it.
    DossierStep.objects.create(
        dossier=there_for_us,
        order=2,
        name="Thẩm định",
        kind="appraisal",
        unit=unit,
        budget_hours=Decimal("16"),
    )
    # Received by the neighbour for itself: not in our book at all.
    make_dossier(neighbour, number=8, applicant_name="Việc Của Xã Bên", received_at=at(11, 9))
    return here_for_them, there_for_us


def xlsx_rows(response):
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    header = list(rows[0])
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


BOUNDARY = "Phi địa giới (nơi tiếp nhận / cơ quan giải quyết)"


def test_book_includes_dossiers_received_elsewhere_for_the_unit_marked(
    client, unit, officer, dossiers, beyond
):
    first, second, _ = dossiers
    here_for_them, there_for_us = beyond
    rows = xlsx_rows(get(client, officer, unit=unit.pk, format="xlsx", **MARCH))
    # The desk's own rows in book order, then the one another desk received for us.
    assert [r["Mã hồ sơ"] for r in rows] == [
        first.code,
        second.code,
        here_for_them.code,
        there_for_us.code,
    ]
    by_code = {r["Mã hồ sơ"]: r for r in rows}
    assert by_code[first.code][BOUNDARY] is None
    assert by_code[here_for_them.code][BOUNDARY] == "Giải quyết tại Sở Tư pháp tỉnh Bến Tre"
    assert by_code[here_for_them.code]["Số thứ tự"] == 5
    assert by_code[there_for_us.code][BOUNDARY] == "Tiếp nhận tại UBND xã An Hiệp (số 7/2026)"
    # Not a number of this book.
    assert by_code[there_for_us.code]["Số thứ tự"] is None


def test_beyond_boundary_filter_is_the_phi_dia_gioi_book(client, unit, officer, dossiers, beyond):
    here_for_them, there_for_us = beyond
    response = get(client, officer, unit=unit.pk, format="xlsx", scope="beyond_boundary", **MARCH)
    assert "phi-dia-gioi" in response["Content-Disposition"]
    rows = xlsx_rows(response)
    assert [r["Mã hồ sơ"] for r in rows] == [here_for_them.code, there_for_us.code]
    cover = dict(
        load_workbook(io.BytesIO(response.content)).worksheets[1].iter_rows(values_only=True)
    )
    assert cover["Tên sổ"] == "SỔ THEO DÕI HỒ SƠ PHI ĐỊA GIỚI" and cover["Số hồ sơ"] == 2
    pdf = get(client, officer, unit=unit.pk, format="pdf", scope="beyond_boundary", **MARCH)
    text = pdf_text(pdf.content)
    assert "SỔ THEO DÕI HỒ SƠ PHI ĐỊA GIỚI" in text
    assert "Gửi Đi Nơi Khác" in text and "Nhận Từ Xã Bên" in text
    assert "Lê Thị Hồng Nhung" not in text


def test_the_receiving_desk_book_names_the_competent_unit_not_the_reverse(client, officer, beyond):
    _, there_for_us = beyond
    neighbour = there_for_us.receiving_unit
    neighbour_officer = PositionFactory(role="onestop_officer", unit=neighbour).user
    rows = xlsx_rows(get(client, neighbour_officer, unit=neighbour.pk, format="xlsx", **MARCH))
    by_code = {r["Mã hồ sơ"]: r for r in rows}
    assert set(by_code) == {there_for_us.code, f"{neighbour.code}-260305-0008"}
    assert by_code[there_for_us.code][BOUNDARY] == "Giải quyết tại UBND xã Thạnh Phong"
    assert by_code[there_for_us.code]["Số thứ tự"] == 7


def test_unknown_scope_is_a_named_error(client, unit, officer):
    response = get(client, officer, unit=unit.pk, scope="ca-nuoc", **MARCH)
    assert response.status_code == 400
    assert "Phạm vi: chọn tất cả hoặc phi địa giới." in response.content.decode()


def test_books_before_decree_118_keep_the_2018_columns():
    old = book_layout(datetime.date(2025, 6, 30))
    new = book_layout(datetime.date(2025, 7, 1))
    assert "boundary" not in [c.key for c in old.columns]
    assert [c.key for c in new.columns][-2:] == ["boundary", "note"]
