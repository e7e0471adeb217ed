"""Reading and checking the audit trail (nhật ký)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from .models import AuditRecord, ChainHead
from .services import GENESIS, HASHED_FIELDS, record_digest


def audit_records(actor, *, obj: models.Model | None = None):
    """Records ``actor`` may see, newest first; only those about ``obj`` if given."""
    qs = AuditRecord.objects.restrict(actor, "view").select_related("actor", "unit")
    if obj is not None:
        qs = qs.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return qs.order_by("-seq")


@dataclass(frozen=True)
class ChainProblem:
    """The first place where the chain does not hold.

    ``seq``/``record_id``/``action`` name the record found broken (for a gap,
    the record right after it); ``reason`` says what is wrong, in Vietnamese.
    """

    seq: int | None
    record_id: int | None
    reason: str
    action: str = ""

    def __str__(self) -> str:
        if self.seq is None:
            return self.reason
        return _("bản ghi #%(seq)s (id %(id)s, %(action)s): %(reason)s") % {
            "seq": self.seq,
            "id": self.record_id if self.record_id is not None else "-",
            "action": self.action or "-",
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ChainStatus:
    """Result of a walk: how many records were checked and the head they end at."""

    count: int
    head_seq: int
    head_hash: str
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def walk_chain(*, batch_size: int = 2000, anchors: Iterable[tuple[int, str]] = ()) -> ChainStatus:
    """Walk the chain in ``seq`` order and stop at the first problem.

    Each record must follow the one before without a gap, carry its hash as
    ``prev_hash`` and hash to its own ``hash``; the head row must name the last
    record. ``anchors`` are ``(seq, hash)`` pairs copied out of the database
    earlier (``congvu audit_verify`` prints the head): they catch a chain
    rewritten from the start, which the chain alone cannot.
    """
    wanted = dict(anchors)
    expected_prev = GENESIS
    expected_seq = 1
    last = None
    count = 0
    qs = AuditRecord.objects.order_by("seq").values("id", "hash", *HASHED_FIELDS)

    def status(problem: ChainProblem | None) -> ChainStatus:
        return ChainStatus(count, expected_seq - 1, expected_prev, problem)

    while True:
        page = list(qs.filter(seq__gt=expected_seq - 1)[:batch_size])
        if not page:
            break
        for row in page:
            if row["seq"] != expected_seq:
                reason = _("thiếu bản ghi #%(missing)s (bản ghi kế tiếp là #%(next)s)") % {
                    "missing": expected_seq,
                    "next": row["seq"],
                }
                return status(ChainProblem(row["seq"], row["id"], reason, row["action"]))
            if row["prev_hash"] != expected_prev:
                reason = _("prev_hash không khớp với mã băm của bản ghi trước")
                return status(ChainProblem(row["seq"], row["id"], reason, row["action"]))
            if record_digest(row) != row["hash"]:
                reason = _("nội dung không khớp với mã băm đã lưu")
                return status(ChainProblem(row["seq"], row["id"], reason, row["action"]))
            if row["seq"] in wanted and wanted.pop(row["seq"]) != row["hash"]:
                reason = _("mã băm khác với mốc đã ghi lại bên ngoài")
                return status(ChainProblem(row["seq"], row["id"], reason, row["action"]))
            expected_prev = row["hash"]
            expected_seq += 1
            count += 1
            last = row

    def at_last(reason: str) -> ChainStatus:
        if last is None:
            return status(ChainProblem(None, None, reason))
        return status(ChainProblem(last["seq"], last["id"], reason, last["action"]))

    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        # A flushed or brand-new database has neither records nor head.
        if last is None:
            return status(None)
        return at_last(_("thiếu đầu chuỗi"))
    if head.seq != expected_seq - 1 or head.hash != expected_prev:
        reason = _(
            "đầu chuỗi ghi #%(head)s nhưng bản ghi cuối cùng là #%(last)s "
            "(bản ghi cuối đã bị xoá hoặc đầu chuỗi bị sửa)"
        ) % {"head": head.seq, "last": expected_seq - 1}
        return at_last(reason)
    if wanted:
        missing = min(wanted)
        reason = _("không có bản ghi #%(seq)s của mốc đã ghi lại") % {"seq": missing}
        return status(ChainProblem(missing, None, reason))
    return status(None)


def verify_chain(batch_size: int = 2000) -> ChainProblem | None:
    """The first broken record of the chain, or None if it is intact."""
    return walk_chain(batch_size=batch_size).problem
