"""Bad input to the documents half's parsers and calculators never escapes as a crash.

Properties (hypothesis) for what people and other systems send in:

- số, ký hiệu: any text either parses to a notation that formats back to
  itself, or is refused with ``ServiceError(code="notation_invalid")`` naming
  the field; nothing else is raised;
- uploads: any mutation of a valid file (bytes flipped, cut, spliced, junk
  appended) is either accepted as the kind its name says, or refused with a
  ServiceError of a documented code on field ``file``;
- the working-day calendar with local overrides (days off and working
  Saturdays of one unit): results are working days, adding and going back are
  inverse, and the same-day deadline lands on the right day.

Round trips of well-formed notations, dossier codes, deadlines and the
procedure importer have their own property tests in their apps' folders.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congvu.core.errors import ServiceError
from congvu.files.validation import file_validate
from congvu.registry.notation import parse
from congvu.workdays import calendar
from tests.files import builders as b

# --- số, ký hiệu -------------------------------------------------------------------------------

NOTATION_ALPHABET = st.sampled_from(
    list("0123456789/-–— .:QĐUBNDVPCTTgKGVXNĐCPđăâêôơưàảãáạsốSỐ\t\n\x00\u00d0／")
)
notation_like = st.text(NOTATION_ALPHABET, max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.one_of(notation_like, st.text(max_size=60)))
def test_any_text_parses_or_is_refused_with_the_notation_code(text):
    try:
        notation = parse(text)
    except ServiceError as exc:
        assert exc.code == "notation_invalid"
        assert [e.field for e in exc.errors] == ["number_notation"]
        assert exc.message.strip()
        return
    # Whatever was accepted is canonical after one formatting.
    assert parse(notation.format()) == notation
    assert notation.number >= 1


# --- uploads -----------------------------------------------------------------------------------

FILE_CODES = {
    "name_required",
    "file_empty",
    "file_too_large",
    "type_not_allowed",
    "type_mismatch",
    "file_malformed",
    "pdf_malformed",
    "pdf_encrypted",
    "archive_too_large",
    "image_too_large",
}


def _originals() -> dict[str, bytes]:
    return {
        "van-ban.pdf": b.pdf_bytes(pages=2, title="Quyết định"),
        "du-thao.docx": b.docx_bytes("Tờ trình", "Kính gửi"),
        "bang.xlsx": b.xlsx_bytes("Số đến", "Trích yếu"),
        "van-ban.odt": b.odt_bytes("Công văn"),
        "anh.png": b.image_bytes("PNG", size=(16, 16)),
        "anh.jpg": b.image_bytes("JPEG", size=(16, 16)),
    }


ORIGINALS = _originals()


@st.composite
def mutated_upload(draw):
    name = draw(st.sampled_from(sorted(ORIGINALS)))
    data = bytearray(ORIGINALS[name])
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        how = draw(st.sampled_from(["flip", "cut", "splice", "append", "zero"]))
        if not data:
            break
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        if how == "flip":
            data[at] ^= draw(st.integers(min_value=1, max_value=255))
        elif how == "cut":
            data = data[:at]
        elif how == "splice":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif how == "append":
            data += draw(st.binary(min_size=1, max_size=64))
        else:
            length = draw(st.integers(min_value=1, max_value=256))
            data[at : at + length] = bytes(min(length, len(data) - at))
    return name, bytes(data)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_upload())
def test_mutated_files_are_accepted_as_themselves_or_refused_with_a_code(named):
    name, data = named
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    try:
        detected = file_validate(upload)
    except ServiceError as exc:
        assert exc.code in FILE_CODES, exc.code
        assert [e.field for e in exc.errors] == ["file"]
        assert exc.message.strip()
        return
    # Accepted: it is what its extension says, and the upload is rewound for storing.
    assert name.endswith("." + detected.extension)
    assert detected.size == len(data)
    assert upload.tell() == 0


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["a.pdf", "a.docx", "a.xlsx", "a.png", "a.odt"]))
def test_random_bytes_are_refused_with_a_code(data, name):
    try:
        file_validate(SimpleUploadedFile(name, data))
    except ServiceError as exc:
        assert exc.code in FILE_CODES
        return
    pytest.fail(f"random bytes accepted as {name}")


# --- working days with local overrides ---------------------------------------------------------

days = st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2026, 12, 31))


@pytest.fixture
def unit_with_overrides(db):
    """A unit with a local day off on a weekday and a working Saturday (as decided locally)."""
    from congvu.workdays.models import CalendarOverride, OverrideKind
    from tests.factories import UnitFactory

    unit = UnitFactory()
    for day, kind in [
        (datetime.date(2026, 3, 11), OverrideKind.DAY_OFF),  # a Wednesday
        (datetime.date(2026, 3, 14), OverrideKind.WORK_DAY),  # a Saturday
    ]:
        CalendarOverride.objects.create(date=day, kind=kind, unit=unit, reason="Quyết định xã")
    calendar.invalidate()
    yield unit
    calendar.invalidate()


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=days, n=st.integers(min_value=0, max_value=40))
def test_going_forward_then_back_returns_to_the_working_day(unit_with_overrides, day, n):
    unit = unit_with_overrides
    start = calendar.add_working_days(day, 0, unit)
    assert calendar.is_working_day(start, unit)
    end = calendar.add_working_days(start, n, unit)
    assert calendar.is_working_day(end, unit)
    assert calendar.add_working_days(end, -n, unit) == start
    assert calendar.working_days_between(start, end, unit) == n


def test_overrides_apply_to_their_unit_only(unit_with_overrides):
    unit = unit_with_overrides
    assert not calendar.is_working_day(datetime.date(2026, 3, 11), unit)
    assert calendar.is_working_day(datetime.date(2026, 3, 14), unit)
    assert calendar.is_working_day(datetime.date(2026, 3, 11))
    assert not calendar.is_working_day(datetime.date(2026, 3, 14))


moments = st.datetimes(
    min_value=datetime.datetime(2025, 1, 1), max_value=datetime.datetime(2026, 12, 31)
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(received=moments)
def test_same_day_deadline_is_the_day_or_the_next_working_day(unit_with_overrides, received):
    unit = unit_with_overrides
    aware = timezone.make_aware(received)
    due = calendar.deadline_same_day_or_next(aware, unit=unit)
    day = timezone.localtime(aware).date()
    assert calendar.is_working_day(due.date(), unit)
    assert due.date() in (day, calendar.next_working_day(day, unit))
    if due.date() == day:
        assert timezone.localtime(aware).time() <= calendar.same_day_cutoff()
    assert due >= aware or due.date() == day


def test_calendar_refuses_nonsense_with_value_errors_not_crashes():
    """Internal callers pass checked values; nonsense still fails loudly and early."""
    with pytest.raises(ValueError):
        calendar.add_working_hours(timezone.now(), -1)
    with pytest.raises(ValueError):
        calendar.office_hours(day_start="17:00", day_end="07:30")
    with pytest.raises((ValueError, TypeError)):
        calendar.office_hours(day_start="25:99")
