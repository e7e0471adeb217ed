"""import_procedures on the real sample: counts, stored values, idempotency, bad input."""

import datetime
import io
import json
from decimal import Decimal

from django.core.management import call_command

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congvu.audit.models import AuditRecord
from congvu.procedures.constants import Channel, DurationUnit, OnlineLevel
from congvu.procedures.importer import import_lines
from congvu.procedures.models import Fee, Procedure, ProcedureVersion
from congvu.procedures.selectors import version_in_force

from .conftest import IMPORT_DAY, SAMPLE

pytestmark = pytest.mark.django_db


def test_sample_imports_every_record(imported):
    assert imported.records == 40
    assert len(imported.created) == 40
    assert imported.updated == [] and imported.unchanged == [] and imported.rejected == []
    assert imported.parsed_fully + imported.flagged == 40
    assert imported.parsed_fully == 4
    assert Procedure.objects.count() == 40
    assert ProcedureVersion.objects.filter(valid_from=IMPORT_DAY, valid_to=None).count() == 40
    assert AuditRecord.objects.filter(action="procedures.import").exists()


def test_stored_values_of_a_real_record(imported):
    procedure = Procedure.objects.get(code="1.003583")
    assert procedure.field.name == "Hộ tịch"
    assert procedure.name_folded == "thu tuc dang ky khai sinh luu dong"
    version = procedure.versions.get()
    assert version.parsed_fully and version.flags == []
    assert (version.duration_value, version.duration_unit) == (
        Decimal(5),
        DurationUnit.WORKING_DAYS,
    )
    assert version.online_level == OnlineLevel.NOT_ONLINE
    assert version.raw["ma_thu_tuc"] == "1.003583"
    assert version.papers.filter(required=True).count() == 2
    assert list(version.fees.values_list("amount", "channel")) == [(0, "")]


def test_fees_and_flags_are_stored(imported):
    version = Procedure.objects.get(code="2.001406").versions.get()
    assert list(version.fees.values_list("name", "amount", "channel")) == [("Lệ phí", 50_000, "")]
    assert set(version.channels.values_list("channel", flat=True)) == set(Channel.values)
    assert "duration_missing" in version.flags and not version.parsed_fully
    # No fee could be read for 2.001159: no Fee row, the channel keeps its text.
    assert not Fee.objects.filter(version__procedure__code="2.001159").exists()


def test_second_run_changes_nothing(imported, sample_lines):
    again = import_lines(sample_lines, effective_date=IMPORT_DAY + datetime.timedelta(days=3))
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 40)
    assert ProcedureVersion.objects.count() == 40


def test_changed_record_adds_a_version_and_closes_the_previous(imported, sample_lines):
    record = json.loads(sample_lines[0])
    record["cach_thuc_thuc_hien_raw"] = record["cach_thuc_thuc_hien_raw"].replace(
        "5 Ngày", "3 Ngày"
    )
    later = datetime.date(2026, 9, 1)
    report = import_lines([json.dumps(record, ensure_ascii=False)], effective_date=later)
    assert report.updated == ["1.003583"]
    procedure = Procedure.objects.get(code="1.003583")
    old, new = procedure.versions.order_by("number")
    assert (old.valid_to, new.number, new.valid_from, new.valid_to) == (
        datetime.date(2026, 8, 31),
        2,
        later,
        None,
    )
    assert version_in_force(procedure, datetime.date(2026, 8, 31)) == old
    assert version_in_force(procedure, later).duration_value == 3
    # Same file again: unchanged.
    report = import_lines([json.dumps(record, ensure_ascii=False)], effective_date=later)
    assert report.unchanged == ["1.003583"]


def test_bad_lines_are_rejected_with_line_numbers(db, sample_lines):
    lines = [
        sample_lines[0],
        "{not json",
        "",
        json.dumps({"ten_thu_tuc": "Không mã"}),
        sample_lines[0],
        "[1, 2]",
        sample_lines[1],
    ]
    report = import_lines(lines, effective_date=IMPORT_DAY)
    assert report.created == ["1.003583", "1.000656"]
    assert [(r.line, r.reason) for r in report.rejected] == [
        (2, "invalid_json"),
        (4, "code_missing"),
        (5, "duplicate_code"),
        (6, "not_an_object"),
    ]
    assert report.records == report.lines == 6


def test_management_command_prints_the_report(db, tmp_path):
    path = tmp_path / "tthc.jsonl"
    path.write_text(SAMPLE.read_text("utf-8") + "{broken\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_procedures", str(path), "--effective-date", "2026-07-01", stdout=out)
    text = out.getvalue()
    assert "created:      40" in text
    assert "rejected:     1" in text
    assert "line 41 -: invalid_json" in text
    out = io.StringIO()
    call_command("import_procedures", str(path), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["created"], report["unchanged"]) == (0, 40)


_SAMPLE_RECORDS = [json.loads(line) for line in SAMPLE.read_text("utf-8").splitlines()]
_values = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=60),
    st.sampled_from(
        ["Không có thông tin", "Trực tuyến", "1 bản chính", "12/2020/NĐ-CP", "Miễn phí"]
    ),
    st.lists(st.text(max_size=5), max_size=3),
)


@st.composite
def _mutated_line(draw):
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.text(max_size=40))  # garbage (maybe blank)
    record = dict(draw(st.sampled_from(_SAMPLE_RECORDS)))
    for key in draw(st.lists(st.sampled_from(sorted(record)), max_size=4)):
        action = draw(st.integers(0, 2))
        if action == 0:
            record.pop(key, None)
        elif action == 1:
            record[key] = draw(_values)
        elif isinstance(record.get(key), str):
            cut = draw(st.integers(0, len(record[key])))
            record[key] = record[key][:cut]
    if draw(st.booleans()):
        record["ma_thu_tuc"] = draw(st.sampled_from(["9.000001", "9.000002", "9.000003"]))
    return json.dumps(record, ensure_ascii=False)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(_mutated_line(), max_size=8))
def test_mutated_records_never_raise_and_are_each_counted_once(db, lines):
    report = import_lines(lines, effective_date=IMPORT_DAY, batch_size=3)
    nonblank = [i for i, line in enumerate(lines, start=1) if line.strip()]
    assert report.records == len(nonblank)
    accepted = report.created + report.updated + report.unchanged
    assert len(accepted) == len(set(accepted))  # a code is written once per file
    assert sorted(r.line for r in report.rejected) == sorted(set(r.line for r in report.rejected))
    assert report.parsed_fully + report.flagged == len(accepted)
    for code in accepted:
        assert version_in_force(Procedure.objects.get(code=code), IMPORT_DAY) is not None
