"""Bulk import of the national procedure database (``congvu import_procedures FILE.jsonl``).

Each line is parsed on its own (:mod:`.parsing`); a line that cannot be used
is rejected with a reason and its line number, never aborting the file.
Records are written in batches, one transaction each, with bulk inserts; if
a batch fails in the database, its records are retried one by one, each in
its own savepoint, so only the faulty record is rejected.

Idempotent by ``source_hash``: an unchanged record adds nothing, a changed
one adds a new version in force from the import date and closes the
previous version the day before.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from congvu.audit.services import log_action
from congvu.core.text import fold

from .models import (
    Fee,
    Procedure,
    ProcedureChannel,
    ProcedureField,
    ProcedureVersion,
    RequiredPaper,
)
from .parsing import ParsedRecord, RecordRejected, parse_record

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 250
UNCLASSIFIED_FIELD = "Chưa phân loại"


@dataclass
class Rejection:
    line: int
    code: str
    reason: str
    detail: str = ""


@dataclass
class ImportReport:
    """What one import did; every non-blank line is counted exactly once in
    created + updated + unchanged + rejected."""

    lines: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    parsed_fully: int = 0
    flagged: int = 0
    flag_counts: Counter = field(default_factory=Counter)

    @property
    def records(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged) + len(self.rejected)

    def as_dict(self) -> dict:
        return {
            "records": self.records,
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "parsed_fully": self.parsed_fully,
            "flagged": self.flagged,
            "rejected": [r.__dict__ for r in self.rejected],
            "flags": dict(sorted(self.flag_counts.items())),
        }


def import_file(path, **kwargs) -> ImportReport:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return import_lines(handle, **kwargs)


def import_lines(
    lines: Iterable[str],
    *,
    actor=None,
    effective_date: datetime.date | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> ImportReport:
    """Import JSON lines; returns the report. Never raises for a bad record."""
    report = ImportReport()
    effective_date = effective_date or timezone.localdate()
    seen: dict[str, int] = {}
    batch: list[tuple[int, ParsedRecord]] = []
    fields: dict[str, ProcedureField] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        report.lines += 1
        parsed = _parse_line(number, line, report)
        if parsed is None:
            continue
        if parsed.code in seen:
            report.rejected.append(
                Rejection(number, parsed.code, "duplicate_code", f"line {seen[parsed.code]}")
            )
            continue
        seen[parsed.code] = number
        batch.append((number, parsed))
        if len(batch) >= batch_size:
            _write_batch(batch, report, fields, actor, effective_date)
            batch = []
    if batch:
        _write_batch(batch, report, fields, actor, effective_date)
    return report


def _parse_line(number: int, line: str, report: ImportReport) -> ParsedRecord | None:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError) as exc:
        report.rejected.append(Rejection(number, "", "invalid_json", str(exc)[:200]))
        return None
    try:
        return parse_record(value)
    except RecordRejected as exc:
        code = value.get("ma_thu_tuc") if isinstance(value, dict) else ""
        report.rejected.append(
            Rejection(number, code if isinstance(code, str) else "", exc.reason, exc.detail)
        )
    except Exception as exc:  # a parser bug must not abort the file
        logger.exception("procedure import: line %s could not be parsed", number)
        report.rejected.append(Rejection(number, "", "parse_error", repr(exc)[:200]))
    return None


def _write_batch(batch, report, fields, actor, effective_date) -> None:
    try:
        with transaction.atomic():
            outcome = _write(batch, fields, actor, effective_date)
    except DatabaseError:
        logger.warning("procedure import: batch failed, retrying record by record", exc_info=True)
        fields.clear()  # rows created in the rolled-back batch are gone
        outcome = []
        for number, parsed in batch:
            try:
                with transaction.atomic():
                    outcome += _write([(number, parsed)], fields, actor, effective_date)
            except DatabaseError as exc:
                fields.clear()
                report.rejected.append(
                    Rejection(number, parsed.code, "database_error", str(exc)[:200])
                )
    for status, parsed in outcome:
        getattr(report, status).append(parsed.code)
        if parsed.parsed_fully:
            report.parsed_fully += 1
        else:
            report.flagged += 1
            report.flag_counts.update(parsed.flags)


def _field_map(names: set[str], cache: dict[str, ProcedureField]) -> dict[str, ProcedureField]:
    missing = names - set(cache)
    if missing:
        for f in ProcedureField.objects.filter(name__in=missing):
            cache[f.name] = f
        new = [ProcedureField(name=n, name_folded=fold(n)) for n in missing if n not in cache]
        if new:
            ProcedureField.objects.bulk_create(new, ignore_conflicts=True)
            for f in ProcedureField.objects.filter(name__in=[n.name for n in new]):
                cache[f.name] = f
    return cache


def _write(batch, fields_cache, actor, effective_date) -> list[tuple[str, ParsedRecord]]:
    """Write one batch inside the caller's transaction; returns (status, record) pairs."""
    records = [p for _n, p in batch]
    fields = _field_map({p.field_name or UNCLASSIFIED_FIELD for p in records}, fields_cache)
    existing = {p.code: p for p in Procedure.objects.filter(code__in=[r.code for r in records])}
    latest: dict[int, ProcedureVersion] = {}
    for v in (
        ProcedureVersion.objects.filter(procedure__in=existing.values())
        .only("id", "procedure_id", "number", "valid_from", "valid_to", "source_hash")
        .order_by("procedure_id", "number")
    ):
        latest[v.procedure_id] = v  # ascending: the last one wins

    outcome: list[tuple[str, ParsedRecord]] = []
    to_create: list[Procedure] = []
    to_update: list[Procedure] = []
    closing: list[ProcedureVersion] = []
    pending: list[tuple[Procedure, ParsedRecord, int]] = []
    for parsed in records:
        field = fields[parsed.field_name or UNCLASSIFIED_FIELD]
        procedure = existing.get(parsed.code)
        if procedure is None:
            procedure = Procedure(
                code=parsed.code,
                name=parsed.name,
                name_folded=fold(parsed.name),
                field=field,
                active=True,
            )
            to_create.append(procedure)
            pending.append((procedure, parsed, 1))
            outcome.append(("created", parsed))
            continue
        previous = latest.get(procedure.pk)
        if previous is not None and previous.source_hash == parsed.source_hash:
            outcome.append(("unchanged", parsed))
            continue
        procedure.name, procedure.name_folded = parsed.name, fold(parsed.name)
        procedure.field, procedure.active = field, True
        to_update.append(procedure)
        if previous is not None and (
            previous.valid_to is None or previous.valid_to >= effective_date
        ):
            # Same-day re-import: both are in force that day and the newer number wins.
            previous.valid_to = max(
                previous.valid_from, effective_date - datetime.timedelta(days=1)
            )
            closing.append(previous)
        pending.append((procedure, parsed, (previous.number + 1) if previous else 1))
        outcome.append(("updated", parsed))

    if to_create:
        Procedure.objects.bulk_create(to_create)
    if to_update:
        Procedure.objects.bulk_update(to_update, ["name", "name_folded", "field", "active"])
    if closing:
        ProcedureVersion.objects.bulk_update(closing, ["valid_to"])
    versions = [
        _version(procedure, parsed, number, effective_date) for procedure, parsed, number in pending
    ]
    _bulk_insert(ProcedureVersion, versions)
    channels, papers, fees = [], [], []
    for version, (_proc, parsed, _num) in zip(versions, pending, strict=True):
        channels += [
            ProcedureChannel(
                version=version,
                channel=c.channel,
                duration_value=c.duration_value,
                duration_unit=c.duration_unit,
                fee_text=c.fee_text,
                fee_amount=c.fee_amount,
                description=c.description,
            )
            for c in parsed.channels
        ]
        papers += [
            RequiredPaper(
                version=version,
                order=p.order,
                name=p.name,
                form=p.form,
                count=p.count,
                required=p.required,
                template_name=p.template_name,
            )
            for p in parsed.papers
        ]
        fees += _fees(version, parsed)
    _bulk_insert(ProcedureChannel, channels)
    _bulk_insert(RequiredPaper, papers)
    _bulk_insert(Fee, fees)
    created = [p.code for s, p in outcome if s == "created"]
    updated = [p.code for s, p in outcome if s == "updated"]
    if created or updated:
        # One audit record per batch: an import is one act of the operator.
        log_action(
            actor=actor,
            action="procedures.import",
            after={"created": created, "updated": updated, "valid_from": effective_date},
        )
    return outcome


def _bulk_insert(model, objs: list) -> None:
    """Insert new rows, setting their primary keys.

    On PostgreSQL through COPY, with keys drawn from the table's sequence
    first: the versions carry the whole raw record, and COPY moves those
    megabytes several times faster than INSERT with client-side quoting.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    from psycopg import sql

    table = model._meta.db_table
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(objs)],
        )
        for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = value
        fields = model._meta.concrete_fields
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
        )
        with cursor.cursor.copy(statement) as copy:
            for obj in objs:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _version(procedure, parsed: ParsedRecord, number: int, effective_date) -> ProcedureVersion:
    return ProcedureVersion(
        procedure=procedure,
        number=number,
        valid_from=effective_date,
        name=parsed.name,
        levels=parsed.levels,
        kind=parsed.kind,
        decision=parsed.decision,
        applicants=parsed.applicants,
        competent_body=parsed.competent_body,
        executing_body=parsed.executing_body,
        steps_text=parsed.steps_text,
        conditions=parsed.conditions,
        legal_bases=parsed.legal_bases,
        results=parsed.results,
        online_level=parsed.online_level,
        duration_value=parsed.duration_value,
        duration_unit=parsed.duration_unit,
        same_day_cutoff=parsed.same_day_cutoff,
        raw=parsed.raw,
        source_hash=parsed.source_hash,
        flags=parsed.flags,
        parsed_fully=parsed.parsed_fully,
    )


def _fees(version, parsed: ParsedRecord) -> list[Fee]:
    """Fee rows: one set for all channels when they agree, else per channel.

    A channel whose fee could not be read adds no row (its text stays on the
    channel and the record is flagged): a fee is stored empty, never guessed.
    """
    per_channel = [(c.channel, c.fees, c.fee_text) for c in parsed.channels if c.fees]
    if not per_channel:
        return []
    distinct = {tuple(f.key() for f in items) for _ch, items, _t in per_channel}
    if len(distinct) == 1 and len(per_channel) == len(parsed.channels):
        _ch, items, text = per_channel[0]
        return [_fee(version, f, "", text) for f in items]
    return [_fee(version, f, ch, text) for ch, items, text in per_channel for f in items]


def _fee(version, fee, channel: str, note: str) -> Fee:
    return Fee(
        version=version,
        name=fee.name,
        amount=fee.amount,
        currency=fee.currency,
        channel=channel,
        note=note,
        valid_from=fee.valid_from,
        valid_to=fee.valid_to,
        reduction_percent=fee.reduction_percent,
        reduction_from=fee.reduction_from,
        reduction_to=fee.reduction_to,
    )
