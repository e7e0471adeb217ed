"""Writing the audit trail (nhật ký): `log_action` (same transaction) and `log_access`.

Hashing must give the same digest for a record whether it is computed from the
values about to be inserted or from the row read back later, on SQLite or on
PostgreSQL. So ``before``/``after`` are normalised to plain JSON before they
are stored (`_jsonable`), and the digest is taken over a canonical form
(`record_digest`): keys sorted, datetimes as UTC with microseconds, and
integral floats as integers (PostgreSQL's jsonb renders ``1e+20`` back as
``100000000000000000000``).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
from typing import Any

from django.db import DataError, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .models import AuditRecord, ChainHead, RecordKind

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "created_at",
    "kind",
    "action",
    "actor_id",
    "actor_label",
    "unit_id",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "confidentiality",
    "ip",
    "prev_hash",
)


def _utc_iso(value: datetime.datetime) -> str:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return _utc_iso(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def _jsonable(value: Any) -> Any:
    """Normalise to what a JSON column gives back, so hashing is stable across databases."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=_json_default, ensure_ascii=False))


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _canonical_text(values: dict[str, Any]) -> str:
    payload = {k: values[k] for k in HASHED_FIELDS}
    created = payload["created_at"]
    if isinstance(created, datetime.datetime):
        payload["created_at"] = _utc_iso(created)
    return json.dumps(
        _canonical(payload),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def record_digest(values: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the hashed fields of one record."""
    return hashlib.sha256(_canonical_text(values).encode()).hexdigest()


def _digest_template(values: dict[str, Any]) -> list[str]:
    """The canonical JSON of a record cut around its chain-dependent values.

    Four pieces: the text before the ``created_at`` value, between it and
    ``prev_hash``, between that and ``seq``, and after ``seq``, so that PostgreSQL
    can hash ``p0 || created_at || p1 || prev_hash || p2 || seq || p3`` while it
    holds the head (``_append_in_one_statement``). The markers are random, so no
    value of the record can contain them.
    """
    marks = [uuid.uuid4().hex for _ in range(3)]
    text = _canonical_text(
        {**values, "created_at": marks[0], "prev_hash": marks[1], "seq": marks[2]}
    )
    p0, _, rest = text.partition(marks[0])
    p1, _, rest = rest.partition(marks[1])
    p2, _, p3 = rest.partition(f'"{marks[2]}"')
    return [p0, p1, p2, p3]


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` as JSON, for ``before``/``after``."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields and field.attname not in fields:
            continue
        data[field.attname] = field.value_from_object(obj)
    return _jsonable(data)


def _actor_user(actor):
    user = getattr(actor, "user", actor)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def _locked_head() -> ChainHead:
    """The chain head, locked until the end of the transaction.

    The head row comes from a data migration; a flushed test database (or a
    database restored without it) has none, so it is created when the trail is
    empty. A missing head with records present is tampering: refuse to append.
    """
    # Locking the head row serialises appenders on PostgreSQL; SQLite
    # transactions are IMMEDIATE (settings), which serialises them there. Plain SQL:
    # this runs on every append, and its lock is held until the commit.
    connection = transaction.get_connection()
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, hash FROM {ChainHead._meta.db_table} WHERE id = %s{lock}",  # noqa: S608
            [1],
        )
        row = cursor.fetchone()
    if row is not None:
        return ChainHead(pk=1, seq=row[0], hash=row[1])
    # get_or_create waits for a concurrent appender creating the same row, so
    # only the one that created it judges whether records already exist.
    _, created = ChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
    if created and AuditRecord.objects.exists():
        raise RuntimeError("The audit chain head is missing; run `congvu audit_verify`.")
    return ChainHead.objects.select_for_update().get(pk=1)


def _prepare(
    *,
    kind: str,
    actor,
    action: str,
    obj: models.Model | None = None,
    before=None,
    after=None,
    unit=None,
    confidentiality: int = 0,
    ip: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> dict[str, Any]:
    """The values of one record that do not depend on the chain (made before its lock)."""
    user = _actor_user(actor)
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        object_repr = str(obj)[:255]
    return {
        "kind": kind,
        "action": action,
        "actor_id": user.pk if user else None,
        "actor_label": (str(user) if user else "hệ thống")[:200],
        "unit_id": getattr(unit, "pk", unit),
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": _jsonable(before),
        "after": _jsonable(after),
        "confidentiality": int(confidentiality or 0),
        "ip": ip or "",
    }


def _append_prepared(prepared: list[dict[str, Any]], *, commit: bool = False) -> list[AuditRecord]:
    """Chain and insert ``prepared`` records: lock the head, insert, move the head.

    Everything that does not depend on the chain was computed before (``_prepare``):
    the head row is one lock for the whole database, held from here to the commit.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        records = _append_in_one_statement(connection, prepared, commit=commit)
        if records:
            return records
    head = _locked_head()
    seq, prev = head.seq, head.hash
    now = timezone.now()
    records = []
    for values in prepared:
        seq += 1
        values = {**values, "seq": seq, "created_at": now, "prev_hash": prev}
        values["hash"] = prev = record_digest(values)
        records.append(AuditRecord(**values))
    # The manager refuses bulk_create so that nothing bypasses the head; this is
    # the one place that writes rows, under the head's lock.
    models.QuerySet(model=AuditRecord).bulk_create(records)
    ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    return records


#: ``created_at`` as ``_utc_iso`` writes it, in PostgreSQL.
_PG_ISO = """to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
_CHAIN_FIELDS = {"seq", "created_at", "prev_hash", "hash"}


def _append_in_one_statement(
    connection, prepared: list[dict[str, Any]], *, commit: bool = False
) -> list[AuditRecord]:
    """PostgreSQL: lock the head, hash, insert and move the head in one statement.

    The head stays locked to the commit whatever the statement count, but between
    statements the holder must be scheduled again to send the next one, which on a
    busy server is most of the hold. Python sends each record's canonical JSON cut
    around its chain values (``_digest_template``); PostgreSQL fills in the time,
    the previous hash and the number, and takes ``sha256`` of the same UTF-8 text
    that ``record_digest`` hashes, which ``verify_chain`` recomputes from the rows.
    Returns [] without writing if the head row is missing (the slow path decides).

    ``commit``: the caller's outermost transaction ends here, and the ``COMMIT`` is
    sent with the statement, so the head is released without waiting for the caller
    to be scheduled again. Then there is no slow path to fall back to: an empty trail
    starts from the genesis head in the statement itself (two first appenders at
    once: one fails on the unique ``seq``), and a missing head with records present
    fails the statement, so nothing commits (``RuntimeError``).
    """
    quote = connection.ops.quote_name
    fields = [f for f in AuditRecord._meta.concrete_fields if not f.primary_key]
    names = ", ".join(quote(f.column) for f in fields)
    steps, selects, params, select_params = [], [], [], []
    for i, values in enumerate(prepared, start=1):
        before = "head" if i == 1 else f"r{i - 1}"
        # created_at, prev_hash, seq and hash are placeholders for the template.
        template = _digest_template({**values, "seq": 0, "created_at": "", "prev_hash": ""})
        steps.append(
            f"r{i} AS (SELECT {before}.seq + 1 AS seq, {before}.hash AS prev, "
            f"encode(sha256(convert_to(%s || {_PG_ISO} || %s || {before}.hash || %s "
            f"|| ({before}.seq + 1)::text || %s, 'UTF8')), 'hex') AS hash FROM {before}, t)"
        )
        params.extend(template)
        columns = []
        for f in fields:
            if f.attname == "created_at":
                columns.append("t.at")
            elif f.attname == "prev_hash":
                columns.append(f"r{i}.prev")
            elif f.attname in ("seq", "hash"):
                columns.append(f"r{i}.{f.attname}")
            else:
                columns.append(f"CAST(%s AS {f.db_type(connection)})")
                select_params.append(f.get_db_prep_save(values[f.attname], connection))
        selects.append(f"SELECT {', '.join(columns)} FROM r{i}, t")
    last = f"r{len(prepared)}"
    head_table = quote(ChainHead._meta.db_table)
    record_table = quote(AuditRecord._meta.db_table)
    lock = f"SELECT seq, hash FROM {head_table} WHERE id = 1 FOR UPDATE"
    head_params = []
    if commit:
        head = (
            f"locked AS ({lock}), head AS (SELECT seq, hash FROM locked UNION ALL "
            "SELECT 0, %s WHERE NOT EXISTS (SELECT 1 FROM locked) "
            f"AND NOT EXISTS (SELECT 1 FROM {record_table}))"
        )
        head_params.append(GENESIS)
        move = (
            f"INSERT INTO {head_table} (id, seq, hash) SELECT 1, seq, hash FROM {last} "
            "ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash"
        )
    else:
        head = f"head AS ({lock})"
        move = (
            f"UPDATE {head_table} SET seq = {last}.seq, hash = {last}.hash "
            f"FROM {last} WHERE {head_table}.id = 1"
        )
    sql = (
        f"WITH {head}, "
        "t AS (SELECT clock_timestamp() AS at FROM head), "  # after the lock
        + ", ".join(steps)
        + f", appended AS (INSERT INTO {record_table} ({names}) "
        + " UNION ALL ".join(selects)
        + " RETURNING id, seq, created_at, prev_hash, hash), "
        f"moved AS ({move}) "
        "SELECT seq, id, created_at, prev_hash, hash FROM appended ORDER BY seq"
    )
    if commit:
        # No head now means none was appended: divide by zero so that COMMIT never runs.
        sql += f"; SELECT 1 / count(*) FROM {head_table} WHERE id = 1; COMMIT"
    with connection.cursor() as cursor:
        try:
            cursor.execute(sql, [*head_params, *params, *select_params])
        except DataError as exc:
            raise RuntimeError(
                "The audit chain head is missing; run `congvu audit_verify`."
            ) from exc
        rows = cursor.fetchall()
    if not rows:
        return []
    records = []
    for values, (seq, pk, created_at, prev_hash, hash_) in zip(prepared, rows, strict=True):
        record = AuditRecord(
            pk=pk, seq=seq, created_at=created_at, prev_hash=prev_hash, hash=hash_, **values
        )
        record._state.adding = False
        records.append(record)
    return records


def _append(**kwargs) -> AuditRecord:
    return _append_prepared([_prepare(**kwargs)])[0]


def _check_in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log_action() must be called inside the transaction of the change")


def log_action(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    before=None,
    after=None,
    unit=None,
    confidentiality: int = 0,
    ip: str = "",
    **extra,
) -> AuditRecord:
    """Record a state change. Must run inside the transaction that makes the change.

    The record then commits or rolls back with the change itself, so the trail
    never shows a change that did not happen, nor misses one that did.
    """
    _check_in_transaction()
    return _append(
        kind=RecordKind.ACTION,
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=after,
        unit=unit,
        confidentiality=confidentiality,
        ip=ip,
        **extra,
    )


def log_actions(*entries: dict[str, Any], last: bool = False) -> list[AuditRecord]:
    """Record several state changes of one transaction at once, in the order given.

    Each entry holds the keyword arguments of :func:`log_action`. The records are
    prepared first and the chain head is locked once, for one INSERT of them all:
    a service that ends with its audit records (``incoming_register``) holds the
    database-wide head lock for the shortest time.

    ``last``: nothing more is written in this transaction. On PostgreSQL, when the
    innermost ``atomic`` block is the outermost one, the transaction then commits in
    the same round trip as the append (``transaction.atomic`` still runs its
    ``on_commit`` callbacks when the block exits); anywhere else it changes nothing.
    """
    _check_in_transaction()
    prepared = [_prepare(kind=RecordKind.ACTION, **e) for e in entries]
    if not prepared:
        return []
    connection = transaction.get_connection()
    commit = (
        last
        and connection.vendor == "postgresql"
        and len(connection.atomic_blocks) == 1
        and not connection.savepoint_ids
        and not connection.needs_rollback
    )
    return _append_prepared(prepared, commit=commit)


def log_access(
    *,
    actor,
    obj: models.Model,
    action: str = "congvu.audit.read",
    unit=None,
    confidentiality: int = 1,
    ip: str = "",
) -> AuditRecord:
    """Record a read of a confidential object (kind ``access``).

    Call it from the read path *before* using the object, outside any
    transaction (views do not run in ATOMIC_REQUESTS): it then commits at once,
    in its own transaction, so the record survives whatever the caller does
    next, including an error or a rolled-back write. Called inside an open
    transaction it can only join it (a second connection would wait on the
    chain-head lock that transaction may hold), and shares its fate.
    """
    with transaction.atomic():
        return _append(
            kind=RecordKind.ACCESS,
            actor=actor,
            action=action,
            obj=obj,
            before=None,
            after=None,
            unit=unit,
            confidentiality=confidentiality,
            ip=ip,
        )
