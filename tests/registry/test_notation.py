"""The "số, ký hiệu" parser and formatter (Decree 30 Art. 15, App. I)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congvu.core.errors import ServiceError
from congvu.core.text import fold
from congvu.registry import loaders
from congvu.registry.notation import Notation, normalise, notation_for_issue, parse

TYPES = sorted(loaders.type_abbreviations())
TYPE_KEYS = {a.upper() for a in TYPES}
SPELLED = {a.upper(): a for a in loaders.spelled_abbreviations()}
CAPITALS = "ABCDĐEGHIKLMNOPQRSTUVXY"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30/2020/NĐ-CP", Notation(30, 2020, "NĐ", "CP")),
        ("12/QĐ-UBND", Notation(12, None, "QĐ", "UBND")),
        ("45/UBND-VP", Notation(45, None, None, "UBND", "VP")),
        ("18/NQ-HĐND", Notation(18, None, "NQ", "HĐND")),
        ("05/QĐ-UBND", Notation(5, None, "QĐ", "UBND")),
        ("123/QĐ-BNV", Notation(123, None, "QĐ", "BNV")),
        ("1234/TTg-KGVX", Notation(1234, None, None, "TTg", "KGVX")),
        ("01/2025/TT-BKHCN", Notation(1, 2025, "TT", "BKHCN")),
        ("07/QyĐ-UBND", Notation(7, None, "QyĐ", "UBND")),
        ("15/TTr-UBND", Notation(15, None, "TTr", "UBND")),
        ("02/CTr-UBND", Notation(2, None, "CTr", "UBND")),
        ("01/2020/TTLT-BTC-BNV", Notation(1, 2020, "TTLT", "BTC-BNV")),
        ("389/BCĐ389-VP", Notation(389, None, None, "BCĐ389", "VP")),
        ("45/UBND", Notation(45, None, None, "UBND")),
    ],
)
def test_parses_what_real_documents_carry(text, expected):
    assert parse(text) == expected
    assert parse(text).format() == text


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Số: 12/QĐ-UBND", "12/QĐ-UBND"),
        ("số 5 / qđ - ubnd", "05/QĐ-UBND"),
        ("SỐ:  45/UBND–VP", "45/UBND-VP"),
        ("30 / 2020 / nđ — cp", "30/2020/NĐ-CP"),
        ("1234/ttg-kgvx", "1234/TTg-KGVX"),
        ("3/qyđ-ubnd", "03/QyĐ-UBND"),
        ("12/QÐ-UBND", "12/QĐ-UBND"),  # Icelandic eth typed for Đ
        ("  18/NQ\u2011HĐND ", "18/NQ-HĐND"),
        ("9/TTR-UBND", "09/TTr-UBND"),
    ],
)
def test_tolerates_prefix_spaces_dashes_and_case(text, canonical):
    assert normalise(text) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Số:",
        "abc",
        "12/QĐ",
        "x/QĐ-UBND",
        "0/QĐ-UBND",
        "12/20/QĐ-UBND",
        "12/QĐ--UBND",
        "12/QĐ-UBND/VP/X",
        "12/2020/UBND",
        "12/QĐ-U.B",
        "١٢/QĐ-UBND",
    ],
)
def test_refuses_malformed_input_with_a_field_error(text):
    with pytest.raises(ServiceError) as info:
        parse(text)
    assert info.value.code == "notation_invalid"
    assert [e.field for e in info.value.errors] == ["number_notation"]
    assert info.value.message


def test_numbers_below_ten_are_zero_padded():
    assert Notation(1, None, "QĐ", "UBND").format() == "01/QĐ-UBND"
    assert Notation(9, 2025, "QĐ", "UBND").format() == "09/2025/QĐ-UBND"
    assert Notation(10, None, None, "UBND", "VP").format() == "10/UBND-VP"


def test_type_abbreviations_come_from_the_data_not_the_parser():
    # Without "QĐ" among the known types, the first group is an agency: a công văn.
    assert parse("12/QĐ-UBND", abbreviations={"NQ"}) == Notation(12, None, None, "QĐ", "UBND")
    assert parse("12/XY-UBND", abbreviations={"XY"}) == Notation(12, None, "XY", "UBND")


def test_notation_for_issue_follows_appendix_i():
    decision = SimpleNamespace(abbreviation="QĐ", is_legal_normative=False)
    qppl = SimpleNamespace(abbreviation="QĐ", is_legal_normative=True)
    official_letter = SimpleNamespace(abbreviation="", is_legal_normative=False)
    ubnd = SimpleNamespace(short_name="UBND", name="UBND xã")
    office = SimpleNamespace(short_name="VP", name="Văn phòng")
    assert (
        str(
            notation_for_issue(
                number=5, document_type=decision, unit=ubnd, drafting_unit=office, year=2026
            )
        )
        == "05/QĐ-UBND"
    )
    assert (
        str(notation_for_issue(number=12, document_type=qppl, unit=ubnd, year=2026))
        == "12/2026/QĐ-UBND"
    )
    assert (
        str(
            notation_for_issue(
                number=45, document_type=official_letter, unit=ubnd, drafting_unit=office, year=2026
            )
        )
        == "45/UBND-VP"
    )
    with pytest.raises(ServiceError) as info:
        notation_for_issue(
            number=1,
            document_type=decision,
            unit=SimpleNamespace(short_name="", name="Xã A"),
            year=2026,
        )
    assert info.value.code == "notation_invalid"


# --- Round trips -----------------------------------------------------------

token = st.text(alphabet=CAPITALS + "0123456789", min_size=1, max_size=6).filter(
    lambda t: not t[0].isdigit()
)
agency = st.one_of(token, st.sampled_from(["TTg", "UBND", "HĐND", "CP", "BNV"])).filter(
    lambda t: (
        t.upper() not in TYPE_KEYS
        and SPELLED.get(t.upper(), t) == t
        and t.upper() not in {fold(a).upper() for a in TYPES}
        and t != "CV"
    )
)
# A token that spells a type without diacritics ("QD") is read as that type, with a warning.
FOLDED_TYPES = {fold(a).upper() for a in TYPES}
plain_token = token.filter(lambda t: t.upper() not in SPELLED and t.upper() not in FOLDED_TYPES)
number = st.integers(min_value=1, max_value=99999)

legal_normative = st.builds(
    Notation,
    number=number,
    year=st.integers(min_value=1990, max_value=2100),
    type_abbr=st.sampled_from(TYPES),
    issuer=st.lists(plain_token, min_size=1, max_size=3).map("-".join),
    sub_unit=st.none(),
)
typed = st.builds(
    Notation,
    number=number,
    year=st.none(),
    type_abbr=st.sampled_from(TYPES),
    issuer=agency,
    sub_unit=st.one_of(st.none(), st.lists(plain_token, min_size=1, max_size=2).map("-".join)),
)
official_letter = st.builds(
    Notation,
    number=number,
    year=st.none(),
    type_abbr=st.none(),
    issuer=agency,
    sub_unit=st.one_of(st.none(), st.lists(plain_token, min_size=1, max_size=2).map("-".join)),
)
notations = st.one_of(legal_normative, typed, official_letter)


@given(notations)
def test_parse_of_format_is_identity(n):
    assert parse(n.format()) == n


@st.composite
def scribbled(draw):
    """A notation as a person might type it: prefix, spaces, other dashes, any case."""
    n = draw(notations)
    text = n.format()
    if draw(st.booleans()):
        text = text.lower()
    dash = draw(st.sampled_from(["-", "–", "—", " - ", "\u2011"]))
    slash = draw(st.sampled_from(["/", " / ", "／"]))
    text = text.replace("-", dash).replace("/", slash)
    prefix = draw(st.sampled_from(["", "Số: ", "số ", "SỐ:", "  "]))
    return prefix + text + draw(st.sampled_from(["", " ", "  "]))


@given(scribbled())
def test_format_of_parse_is_a_normalisation_fixpoint(text):
    once = normalise(text)
    assert normalise(once) == once
    assert parse(once) == parse(text)
