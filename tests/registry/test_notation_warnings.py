"""Real "số, ký hiệu" forms the parser used to misread silently or refuse (issue 11).

Each row: what a clerk types or copies, the value read, and the warning codes
(empty when the form is unambiguous and only normalised).
"""

from __future__ import annotations

import pytest

from congvu.core.errors import ServiceError
from congvu.registry.notation import Notation, analyse, parse

ABOUT_CONTENT = {"legacy_cv_type", "groups_reversed"}

CASES = [
    # Wrong parses that now carry a warning (or the right reading).
    ("12/CV-BCĐ", Notation(12, None, "CV", "BCĐ"), "12/CV-BCĐ", ["legacy_cv_type"]),
    ("45/CV-TU", Notation(45, None, "CV", "TU"), "45/CV-TU", ["legacy_cv_type"]),
    ("12/KT-UBND", Notation(12, None, None, "KT", "UBND"), "12/KT-UBND", ["groups_reversed"]),
    ("12/QD-UBND", Notation(12, None, "QĐ", "UBND"), "12/QĐ-UBND", ["type_without_diacritics"]),
    ("30/2020/ND-CP", Notation(30, 2020, "NĐ", "CP"), "30/2020/NĐ-CP", ["type_without_diacritics"]),
    ("05/TB_UBND", Notation(5, None, "TB", "UBND"), "05/TB-UBND", ["underscore_separator"]),
    # Real forms that used to be refused.
    ("05/QĐ-TT HĐND", Notation(5, None, "QĐ", "TTHĐND"), "05/QĐ-TTHĐND", ["space_in_symbol"]),
    ("139-TB/TU", Notation(139, None, "TB", "TU", party=True), "139-TB/TU", []),
    ("Số 45-CV/HU", Notation(45, None, "CV", "HU", party=True), "45-CV/HU", []),
    ("1830 QĐ-UBND", Notation(1830, None, "QĐ", "UBND"), "1830/QĐ-UBND", ["missing_slash"]),
    ("12/QĐ-UBND.", Notation(12, None, "QĐ", "UBND"), "12/QĐ-UBND", []),
    ("12/QĐ-UBND;", Notation(12, None, "QĐ", "UBND"), "12/QĐ-UBND", []),
    ("12/\u200bQĐ-\u200bUBND", Notation(12, None, "QĐ", "UBND"), "12/QĐ-UBND", []),
    ("\ufeff45/UBND-VP\u200b", Notation(45, None, None, "UBND", "VP"), "45/UBND-VP", []),
    ("\uff11\uff12/QĐ-UBND", Notation(12, None, "QĐ", "UBND"), "12/QĐ-UBND", []),
    (
        "\uff13\uff10/\uff12\uff10\uff12\uff10/NĐ-CP",
        Notation(30, 2020, "NĐ", "CP"),
        "30/2020/NĐ-CP",
        [],
    ),
    # Decomposed Vietnamese (NFD, as some PDFs give it) is the same notation.
    ("12/Q\u0110-UBND", Notation(12, None, "QĐ", "UBND"), "12/QĐ-UBND", []),
    ("07/NQ-H\u0110ND", Notation(7, None, "NQ", "HĐND"), "07/NQ-HĐND", []),
    # Unchanged: a real abbreviation is never "corrected" (HD = hướng dẫn, not HĐ).
    ("12/HD-UBND", Notation(12, None, "HD", "UBND"), "12/HD-UBND", []),
    ("45/UBND-VP", Notation(45, None, None, "UBND", "VP"), "45/UBND-VP", []),
]


@pytest.mark.parametrize(("text", "value", "formatted", "codes"), CASES)
def test_reads_real_forms_and_says_what_it_guessed(text, value, formatted, codes):
    result = analyse(text)
    assert result.ok and result.error is None
    assert result.value == value
    assert result.value.format() == formatted
    assert [w.code for w in result.warnings] == codes
    # parse() gives the same value and carries the same warnings.
    parsed = parse(text)
    assert parsed == value and parsed.warnings == result.warnings
    # The formatted value is canonical: it parses back to itself; only the doubts
    # about the content (not about the spelling) remain.
    again = analyse(formatted)
    assert again.value == value
    assert [w.code for w in again.warnings] == [c for c in codes if c in ABOUT_CONTENT]


def test_warnings_have_a_vietnamese_message_naming_what_was_read():
    [warning] = analyse("12/CV-BCĐ").warnings
    assert "BCĐ" in warning.message and "cơ quan ban hành" in warning.message
    [warning] = analyse("12/KT-UBND").warnings
    assert "UBND-KT" in warning.message
    [warning] = analyse("12/QD-UBND").warnings
    assert "QĐ" in warning.message


@pytest.mark.parametrize(
    "text",
    ["", "Số:", "12/QĐ-UBND/VP/X", "12-QĐ", "12/QĐ--UBND", "12 QĐ UBND/X Y/Z", "139-TB/"],
)
def test_what_stays_unreadable_is_an_error_not_a_guess(text):
    result = analyse(text)
    assert result.value is None and result.warnings == ()
    assert result.error.code == "notation_invalid"
    with pytest.raises(ServiceError):
        parse(text)


def test_party_notation_requires_a_type():
    with pytest.raises(ServiceError):
        Notation(139, None, None, "TU", party=True)
