"""Số, ký hiệu of outgoing documents (Art. 15, Appendix I)."""

import pytest

from congvu.outgoing.notation import format_notation
from tests.factories import UnitFactory
from tests.outgoing.factories import doc_type


@pytest.fixture
def ubnd(db):
    unit = UnitFactory(commune=True, short_name="UBND")
    office = UnitFactory(short_name="VP", parent=unit)
    return unit, office


def test_typed_document_uses_type_and_agency(ubnd):
    unit, office = ubnd
    text = format_notation(
        number=5, document_type=doc_type("quyet-dinh"), unit=unit, drafting_unit=office, year=2026
    )
    assert text == "05/QĐ-UBND"


def test_cong_van_has_no_abbreviation_and_names_the_drafting_unit(ubnd):
    unit, office = ubnd
    text = format_notation(
        number=45, document_type=doc_type("cong-van"), unit=unit, drafting_unit=office, year=2026
    )
    assert text == "45/UBND-VP"
    assert "CV" not in text


def test_legal_normative_document_carries_the_year(ubnd):
    unit, office = ubnd
    text = format_notation(
        number=1,
        document_type=doc_type("quyet-dinh-qppl"),
        unit=unit,
        drafting_unit=office,
        year=2026,
    )
    assert text == "01/2026/QĐ-UBND"


def test_numbers_from_ten_are_not_padded(ubnd):
    unit, _office = ubnd
    text = format_notation(number=123, document_type=doc_type("to-trinh"), unit=unit, year=2026)
    assert text == "123/TTr-UBND"
