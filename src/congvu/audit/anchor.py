"""External anchors of the audit chain (mốc neo ngoài cơ sở dữ liệu).

The chain is an unkeyed SHA-256 chain: someone who can write to the database
can rewrite every record, recompute every hash, move the head, and the chain
holds again. An anchor is a line written **outside** the database, to an
append-only JSON-lines file (``AUDIT_ANCHOR_DIR/anchors.jsonl``), naming the
head at a moment — ``seq``, the record's ``id``, its ``hash``, the time — and
signed with HMAC-SHA256 under ``AUDIT_ANCHOR_KEY``, a key the database does
not hold and that is not ``SECRET_KEY``. Each line also carries the MAC of the
line before (``prev``), so a line taken out of the middle is noticed.

``congvu audit_verify`` checks every line's MAC and then that each anchored
record still has the anchored hash: a rewritten chain fails at the first
anchor it rewrote, a forged or edited line fails its MAC.

Writing an anchor (``congvu audit_anchor``, the periodic task) first checks
the records added since the last anchor, so a chain rewritten in between is
reported instead of being anchored.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditRecord, ChainHead
from .selectors import ChainProblem
from .services import GENESIS, HASHED_FIELDS, record_digest

logger = logging.getLogger("congvu.audit")

FILE_NAME = "anchors.jsonl"
VERSION = 1
# The MAC of the line before the first one.
FIRST_PREV = "0" * 64
_SIGNED = ("v", "seq", "record_id", "hash", "at", "prev")


class AnchorFileError(Exception):
    """The anchors file does not hold: a line is unreadable, forged, or out of order."""

    def __init__(self, line: int, reason: str):
        super().__init__(
            _("tệp mốc neo, dòng %(line)s: %(reason)s") % {"line": line, "reason": reason}
        )
        self.line = line
        self.reason = reason


class AnchorRefused(Exception):
    """The chain does not hold since the last anchor: no anchor is written for it."""

    def __init__(self, problem: ChainProblem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Anchor:
    """One line of the anchors file: the chain head at ``at``, signed."""

    v: int
    seq: int
    record_id: int
    hash: str
    at: str
    prev: str
    mac: str


def anchor_dir() -> Path:
    return Path(settings.CONGVU_AUDIT_ANCHOR_DIR)


def anchor_path() -> Path:
    return anchor_dir() / FILE_NAME


def key_is_configured() -> bool:
    return bool(getattr(settings, "CONGVU_AUDIT_ANCHOR_KEY", ""))


def anchor_key() -> bytes:
    """``AUDIT_ANCHOR_KEY``; without it (development only) a key derived from SECRET_KEY.

    The derived key is no protection against someone who can read the
    settings; ``check --deploy`` warns about it (``congvu.audit.W001``).
    """
    key = getattr(settings, "CONGVU_AUDIT_ANCHOR_KEY", "")
    if key:
        return key.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"congvu.audit.anchor", hashlib.sha256).digest()


def fallback_warning() -> str | None:
    """The warning to show while no anchor key is configured, else None."""
    if key_is_configured():
        return None
    return _(
        "AUDIT_ANCHOR_KEY chưa được đặt: mốc neo đang ký bằng khóa suy ra từ SECRET_KEY, "
        "chỉ dùng khi phát triển."
    )


def _mac(fields: dict, key: bytes) -> str:
    payload = json.dumps(
        {name: fields[name] for name in _SIGNED}, sort_keys=True, separators=(",", ":")
    )
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def _parse(text: str, number: int, prev: str, key: bytes) -> Anchor:
    try:
        data = json.loads(text)
        anchor = Anchor(
            v=int(data["v"]),
            seq=int(data["seq"]),
            record_id=int(data["record_id"]),
            hash=str(data["hash"]),
            at=str(data["at"]),
            prev=str(data["prev"]),
            mac=str(data["mac"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorFileError(number, _("không đọc được (%(error)s)") % {"error": exc}) from exc
    if anchor.v != VERSION:
        raise AnchorFileError(number, _("phiên bản %(v)s không được hỗ trợ") % {"v": anchor.v})
    if not hmac.compare_digest(_mac(asdict(anchor), key), anchor.mac):
        raise AnchorFileError(
            number, _("chữ ký HMAC không đúng (dòng bị sửa, giả mạo hoặc khác khóa)")
        )
    if anchor.prev != prev:
        raise AnchorFileError(number, _("không nối tiếp dòng trước (có dòng bị xoá hoặc chèn)"))
    return anchor


def read_anchors(path: Path | None = None) -> list[Anchor]:
    """Every anchor of the file, each checked; [] when there is no file yet."""
    path = path or anchor_path()
    if not path.exists():
        return []
    key = anchor_key()
    anchors: list[Anchor] = []
    prev = FIRST_PREV
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            anchor = _parse(line, number, prev, key)
            anchors.append(anchor)
            prev = anchor.mac
    return anchors


def _check_since(last: Anchor | None, head_seq: int, head_hash: str) -> ChainProblem | None:
    """Whether the records after ``last`` (all, without one) lead to the head read."""
    expected_seq, expected_prev = 1, GENESIS
    if last is not None:
        row = AuditRecord.objects.filter(seq=last.seq).values("id", "hash", "action").first()
        if row is None or row["hash"] != last.hash:
            return ChainProblem(
                last.seq,
                row["id"] if row else None,
                _("mã băm khác với mốc neo ngoài lúc %(at)s") % {"at": last.at},
                row["action"] if row else "",
            )
        expected_seq, expected_prev = last.seq + 1, last.hash
    rows = (
        AuditRecord.objects.filter(seq__gte=expected_seq, seq__lte=head_seq)
        .order_by("seq")
        .values("id", "hash", *HASHED_FIELDS)
    )
    for row in rows.iterator(chunk_size=2000):
        reason = None
        if row["seq"] != expected_seq:
            reason = _("thiếu bản ghi #%(missing)s") % {"missing": expected_seq}
        elif row["prev_hash"] != expected_prev:
            reason = _("prev_hash không khớp với mã băm của bản ghi trước")
        elif record_digest(row) != row["hash"]:
            reason = _("nội dung không khớp với mã băm đã lưu")
        if reason:
            return ChainProblem(row["seq"], row["id"], reason, row["action"])
        expected_seq, expected_prev = expected_seq + 1, row["hash"]
    if expected_seq - 1 != head_seq or expected_prev != head_hash:
        return ChainProblem(None, None, _("đầu chuỗi không khớp với bản ghi cuối cùng"))
    return None


@contextlib.contextmanager
def _locked(path: Path):
    """The anchors file opened for appending, locked against a second writer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_anchor(*, now: datetime.datetime | None = None) -> Anchor | None:
    """Append an anchor of the current head; None while the trail is empty.

    Raises :class:`AnchorFileError` if the file does not hold (nothing is
    appended to a tampered file) and :class:`AnchorRefused` if the records
    since the last anchor do not lead to the head.
    """
    warning = fallback_warning()
    if warning:
        logger.warning("%s", warning)
    path = anchor_path()
    with _locked(path) as handle:
        anchors = read_anchors(path)
        # The head is read once and the walk stops there: records appended
        # meanwhile are for the next anchor.
        head = ChainHead.objects.filter(pk=1).values("seq", "hash").first()
        if head is None or head["seq"] == 0:
            return None
        last = anchors[-1] if anchors else None
        problem = _check_since(last, head["seq"], head["hash"])
        if problem is not None:
            logger.error("audit anchor refused: %s", problem)
            raise AnchorRefused(problem)
        record_id = AuditRecord.objects.values_list("id", flat=True).get(seq=head["seq"])
        at = (now or timezone.now()).astimezone(datetime.UTC)
        fields = {
            "v": VERSION,
            "seq": head["seq"],
            "record_id": record_id,
            "hash": head["hash"],
            "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "prev": last.mac if last else FIRST_PREV,
        }
        anchor = Anchor(**fields, mac=_mac(fields, anchor_key()))
        handle.write(json.dumps(asdict(anchor), sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return anchor
