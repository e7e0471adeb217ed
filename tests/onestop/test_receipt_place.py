"""Mẫu 01 writes the place name (địa danh) before the date, not the name of the desk or agency."""

from django.urls import reverse

import pytest

from congvu.onestop.constants import FormCode
from congvu.org.constants import UnitKind
from tests.factories import PositionFactory, UnitFactory
from tests.onestop.test_print_forms import get_pdf, issue, make_dossier, pdf_text
from tests.outgoing.layout import runs

pytestmark = pytest.mark.django_db


def commune(name="Ủy ban nhân dân xã Thạnh Phú", kind=UnitKind.COMMUNE, **kw):
    province = UnitFactory(
        kind=UnitKind.PROVINCE, name="Ủy ban nhân dân tỉnh Vĩnh Long", short_name="UBND"
    )
    return UnitFactory(kind=kind, name=name, short_name="UBND", parent=province, **kw)


def receipt_text(client, desk) -> tuple[str, bytes]:
    officer = PositionFactory(role="onestop_officer", unit=desk).user
    dossier = make_dossier(desk, received_by=officer)
    form = issue(dossier, FormCode.RECEIPT, officer)
    pdf = get_pdf(client, officer, reverse("onestop_print:form", args=[form.pk]))
    return pdf_text(pdf), pdf


def test_a_commune_desk_writes_the_commune_as_place(client):
    desk = UnitFactory(
        kind=UnitKind.SUBUNIT,
        name="Trung tâm Phục vụ hành chính công xã",
        short_name="TTPVHCC",
        parent=commune(),
    )
    text, _ = receipt_text(client, desk)
    assert "Thạnh Phú, ngày 05 tháng 3 năm 2026" in text
    assert "xã, ngày" not in text and "Thạnh Phú, ngày 05 tháng 03" not in text


def test_the_letterhead_lines_of_the_receipt_are_whole(client):
    """No agency name is cut between two lines of the A5 header ("TỈNH VĨNH" / "LONG")."""
    text, pdf = receipt_text(client, commune())
    lines = [r.text for r in runs(pdf)]
    assert "UBND XÃ THẠNH PHÚ" in lines, lines
    assert "BỘ PHẬN TIẾP NHẬN" in lines and "VÀ TRẢ KẾT QUẢ" in lines, lines
    assert "Thạnh Phú, ngày 05 tháng 3 năm 2026" in text


def test_a_ward_named_by_a_number_and_an_override(client):
    text, _ = receipt_text(client, commune(name="Ủy ban nhân dân phường 5", kind=UnitKind.WARD))
    assert "Phường 5, ngày 05 tháng 3 năm 2026" in text
    unit = commune(name="Ủy ban nhân dân phường Điện Biên Phủ", place_name="Phường Điện Biên Phủ")
    text, _ = receipt_text(client, unit)
    assert "Phường Điện Biên Phủ, ngày 05 tháng 3 năm 2026" in text
