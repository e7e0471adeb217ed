"""Writing the audit trail: `log_action` (same transaction) and `log_access`."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.db import models, transaction
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


def _jsonable(value: Any) -> Any:
    """Normalise to what a JSON column gives back, so hashing is stable across databases."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def record_digest(values: dict[str, Any]) -> str:
    payload = dict(values)
    created = payload["created_at"]
    if isinstance(created, datetime.datetime):
        payload["created_at"] = created.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    canonical = json.dumps(
        {k: payload[k] for k in HASHED_FIELDS},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` as JSON, for ``before``/``after``."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = field.value_from_object(obj)
    return _jsonable(data)


def _actor_user(actor):
    user = getattr(actor, "user", actor)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def _append(
    *,
    kind: str,
    actor,
    action: str,
    obj: models.Model | None,
    before,
    after,
    unit=None,
    confidentiality: int = 0,
    ip: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditRecord:
    user = _actor_user(actor)
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        object_repr = str(obj)[:255]
    # Locking the head row serialises appenders on PostgreSQL; SQLite
    # transactions are IMMEDIATE (settings), which serialises them there.
    head = ChainHead.objects.select_for_update().get(pk=1)
    values = {
        "seq": head.seq + 1,
        "created_at": timezone.now(),
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
        "prev_hash": head.hash,
    }
    values["hash"] = record_digest(values)
    record = AuditRecord(**values)
    record.save(force_insert=True)
    head.seq = record.seq
    head.hash = record.hash
    head.save(update_fields=["seq", "hash"])
    return record


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
    """Record a state change. Must run inside the transaction that makes the change."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("log_action() must be called inside the transaction of the change")
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


def log_access(
    *,
    actor,
    obj: models.Model,
    action: str = "congvu.audit.read",
    unit=None,
    confidentiality: int = 1,
    ip: str = "",
) -> AuditRecord:
    """Record a read of a confidential object, in its own transaction."""
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
