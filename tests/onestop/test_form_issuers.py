"""Mẫu 01–05 name the commune: its People's Committee heads the desk's forms, the body names it.

Golden positions on A5 (margins 15 mm left, 10 mm right; the letterhead's
left column is 40 % of the width), read with ``pdftotext -bbox``.
"""

from django.urls import reverse

import pytest

from congvu.onestop.constants import FormCode
from congvu.org.constants import UnitKind
from tests.factories import PositionFactory, UnitFactory
from tests.onestop.test_print_forms import get_pdf, issue, make_dossier, pdf_text
from tests.onestop.test_receipt_place import commune
from tests.outgoing.layout import MM, runs

pytestmark = pytest.mark.django_db

LEFT, RIGHT = 15 * MM, (148 - 10) * MM
SPLIT = LEFT + 0.4 * (RIGHT - LEFT)
LEFT_CENTRE, RIGHT_CENTRE = (LEFT + SPLIT) / 2, (SPLIT + RIGHT) / 2
PLACE_DATE = "Thạnh Phú, ngày 05 tháng 3 năm 2026"
CENTRE = "Trung tâm Phục vụ hành chính công xã"


def desk_under(parent, name=CENTRE, kind=UnitKind.SUBUNIT):
    return UnitFactory(kind=kind, name=name, short_name="TTPVHCC", parent=parent)


def printed(client, desk, code, *, competent=None, **content) -> bytes:
    officer = PositionFactory(role="onestop_officer", unit=desk).user
    dossier = make_dossier(desk, received_by=officer, competent_unit=competent or desk)
    form = issue(dossier, code, officer, **content)
    return get_pdf(client, officer, reverse("onestop_print:form", args=[form.pk]))


def header(pdf: bytes) -> tuple[list, list]:
    """The letterhead's runs above the form's title: (left column, right column)."""
    found = runs(pdf)
    title = next(r for r in found if r.text.startswith(("GIẤY", "PHIẾU")))
    above = [r for r in found if r.bottom < title.top]
    return [r for r in above if r.x1 <= SPLIT], [r for r in above if r.x0 >= SPLIT]


def assert_letterhead(pdf: bytes, lines: list[str]) -> None:
    left, right = header(pdf)
    assert [r.text for r in left] == lines
    assert all(abs(r.centre - LEFT_CENTRE) < 3 for r in left), [(r.text, r.centre) for r in left]
    assert [r.top for r in left] == sorted(r.top for r in left)
    place = [r for r in right if r.text == PLACE_DATE]
    assert place and abs(place[0].centre - RIGHT_CENTRE) < 3, [r.text for r in right]
    assert place[0].top > left[-1].top


@pytest.mark.parametrize(
    "code", [FormCode.RECEIPT, FormCode.SUPPLEMENT, FormCode.REFUSAL, FormCode.CONTROL]
)
def test_a_centre_desk_stands_under_its_commune(client, code):
    pdf = printed(client, desk_under(commune()), code, reason="Không thuộc thẩm quyền")
    assert_letterhead(pdf, ["UBND XÃ THẠNH PHÚ", "TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG"])


def test_mau01_names_the_commune_where_the_dossier_was_filed(client):
    pdf = printed(client, desk_under(commune()), FormCode.RECEIPT)
    text = pdf_text(pdf)
    assert (
        "Bộ phận tiếp nhận và trả kết quả: Trung tâm Phục vụ hành chính công xã Thạnh Phú" in text
    )
    # The place is never cut at the end of a line ("… xã" / "Thạnh Phú").
    assert any(r.text.endswith("xã Thạnh Phú") for r in runs(pdf)), [r.text for r in runs(pdf)]


def test_a_desk_named_with_its_commune_does_not_repeat_it_in_the_letterhead(client):
    desk = desk_under(commune(), name="Trung tâm Phục vụ hành chính công xã Thạnh Phú")
    pdf = printed(client, desk, FormCode.RECEIPT)
    assert_letterhead(pdf, ["UBND XÃ THẠNH PHÚ", "TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG"])
    text = pdf_text(pdf)
    assert (
        "Bộ phận tiếp nhận và trả kết quả: Trung tâm Phục vụ hành chính công xã Thạnh Phú" in text
    )
    assert "Thạnh Phú xã Thạnh Phú" not in text


def test_the_committee_as_its_own_desk(client):
    pdf = printed(client, commune(), FormCode.RECEIPT)
    assert_letterhead(pdf, ["UBND XÃ THẠNH PHÚ", "BỘ PHẬN TIẾP NHẬN", "VÀ TRẢ KẾT QUẢ"])
    assert "Bộ phận tiếp nhận và trả kết quả: Ủy ban nhân dân xã Thạnh Phú" in pdf_text(pdf)


def test_a_desk_inside_the_office_names_the_committee(client):
    office = desk_under(commune(), name="Văn phòng HĐND và UBND xã", kind=UnitKind.OFFICE)
    desk = desk_under(office, name="Bộ phận tiếp nhận và trả kết quả")
    pdf = printed(client, desk, FormCode.REFUSAL, reason="Không thuộc thẩm quyền")
    assert_letterhead(pdf, ["UBND XÃ THẠNH PHÚ", "BỘ PHẬN TIẾP NHẬN", "VÀ TRẢ KẾT QUẢ"])
    text = pdf_text(pdf)
    assert "Bộ phận tiếp nhận và trả kết quả: Ủy ban nhân dân xã Thạnh Phú" in text
    assert "Qua xem xét, Ủy ban nhân dân xã Thạnh Phú từ chối tiếp nhận" in text


def test_a_ward_centre(client):
    ward = commune(name="Ủy ban nhân dân phường An Hội", kind=UnitKind.WARD)
    pdf = printed(
        client, desk_under(ward, name="Trung tâm Phục vụ hành chính công phường"), FormCode.RECEIPT
    )
    left, _ = header(pdf)
    assert [r.text for r in left] == ["UBND PHƯỜNG AN HỘI", "TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG"]
    text = pdf_text(pdf)
    assert "Trung tâm Phục vụ hành chính công phường An Hội" in text
    assert "An Hội, ngày 05 tháng 3 năm 2026" in text


def test_mau04_is_the_committees_letter_with_no_line_above_it(client):
    """A People's Committee heads its own letter alone (no "UBND TỈNH …" over it)."""
    unit = commune()
    pdf = printed(
        client,
        desk_under(unit),
        FormCode.APOLOGY,
        competent=unit,
        reason="Cần xác minh",
        new_due_at="2026-03-20",
    )
    assert_letterhead(pdf, ["ỦY BAN NHÂN DÂN", "XÃ THẠNH PHÚ"])
    text = pdf_text(pdf)
    assert "Trung tâm Phục vụ hành chính công xã Thạnh Phú tiếp nhận giải quyết hồ sơ" in text
    assert "Ủy ban nhân dân xã Thạnh Phú chưa trả kết quả" in text
    assert "ngày 20 tháng 3 năm 2026" in text
