"""Shapes of mobile numbers, CCCD and mã số thuế."""

from django.core.exceptions import ValidationError

import pytest

from congvu.portal.validators import normalise_id_number, normalise_phone, normalise_tax_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0387654321", "0387654321"),
    ],
)
def test_phone_normalised(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "091234567", "09123456789", "0212345678", "1912345678", "09123abc78", "+85912345678"],
)
def test_phone_refused(raw):
    with pytest.raises(ValidationError) as exc:
        normalise_phone(raw)
    assert exc.value.code == "invalid_phone"


def test_id_number_twelve_digits():
    assert normalise_id_number(" 083195000123 ") == "083195000123"
    for raw in ("08319500012", "0831950001234", "08319500012a", ""):
        with pytest.raises(ValidationError):
            normalise_id_number(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0312345678", "0312345678"),
        ("0312345678001", "0312345678-001"),
        ("0312345678-001", "0312345678-001"),
    ],
)
def test_tax_code_shapes(raw, expected):
    assert normalise_tax_code(raw) == expected


@pytest.mark.parametrize("raw", ["031234567", "03123456780", "0312345678-01", "031234567a", ""])
def test_tax_code_refused(raw):
    with pytest.raises(ValidationError):
        normalise_tax_code(raw)
