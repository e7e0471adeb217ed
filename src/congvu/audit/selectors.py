"""Reading and checking the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from .models import AuditRecord, ChainHead
from .services import GENESIS, HASHED_FIELDS, record_digest


@dataclass
class ChainProblem:
    seq: int | None
    record_id: int | None
    reason: str


def verify_chain(batch_size: int = 2000) -> ChainProblem | None:
    """Walk the chain in order; return the first broken record, or None if intact."""
    expected_prev = GENESIS
    expected_seq = 1
    last_pk = None
    qs = AuditRecord.objects.order_by("seq").values("id", "hash", *HASHED_FIELDS)
    last_seq = 0
    while True:
        page = list(qs.filter(seq__gt=last_seq)[:batch_size])
        if not page:
            break
        for row in page:
            if row["seq"] != expected_seq:
                return ChainProblem(
                    expected_seq, None, f"record #{expected_seq} is missing (next is #{row['seq']})"
                )
            if row["prev_hash"] != expected_prev:
                return ChainProblem(
                    row["seq"], row["id"], "prev_hash does not match the record before"
                )
            if record_digest(row) != row["hash"]:
                return ChainProblem(row["seq"], row["id"], "content does not match its hash")
            expected_prev = row["hash"]
            expected_seq += 1
            last_pk = row["id"]
            last_seq = row["seq"]
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        return ChainProblem(None, None, "chain head is missing")
    if head.seq != expected_seq - 1 or head.hash != expected_prev:
        return ChainProblem(
            expected_seq,
            last_pk,
            f"chain head says #{head.seq} but the last record is #{expected_seq - 1}",
        )
    return None
