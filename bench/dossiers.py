"""Generated one-stop dossiers (hồ sơ một cửa), loaded with COPY; shared by ``bench.generate``
and ``bench.stats_1m``.

Every national status (1–10) and every deadline situation: finished early,
on time or late; open and still on time or already overdue; paused with an
explicit ``ClockPause`` interval (open for dossiers waiting for a supplement,
a payment or stopped; closed, with the appointment moved by the pause, for a
share of the others). Applicants have Vietnamese names and addresses
(``bench.vocab``). Reproducible from the ``random.Random`` passed in.
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import datetime
import itertools
import json
import time
from zoneinfo import ZoneInfo

from bench import vocab

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STATUSES = [
    # (status, weight); national codes 1–10 in congvu.onestop.constants.NATIONAL_STATUS
    ("returned", 52),
    ("done", 14),
    ("withdrawn", 3),
    ("processing", 12),
    ("received", 3),
    ("supplement", 3),
    ("awaiting_payment", 2),
    ("stopped", 2),
    ("refused", 3),
    ("submitted", 2),
]
CLOSED = {"returned", "done", "withdrawn", "refused"}  # stopped (8) waits, clock paused
PAUSED = {"supplement": "supplement", "awaiting_payment": "payment", "stopped": "stopped"}
CHANNELS = [("online", 55), ("direct", 40), ("postal", 5)]
OUTCOMES = [("early", 40), ("on_time", 45), ("late", 15)]
PAUSE_NOTES = {
    "supplement": "Bổ sung bản sao giấy khai sinh có chứng thực.",
    "payment": "Chờ nộp lệ phí.",
    "stopped": "Dừng xử lý theo đề nghị của cơ quan có thẩm quyền.",
}
PAUSE_COLUMNS = (
    "dossier_id",
    "reason",
    "started_at",
    "ended_at",
    "due_at_start",
    "note",
    "created_by_id",
)
DUE_CHANGE_COLUMNS = ("dossier_id", "changed_at", "previous_due", "new_due")


def pick(rng, table):
    """A weighted choice from ``table`` ((value, weight), …): bisect on cached running sums."""
    cum = _RUNNING.get(id(table))
    if cum is None:
        cum = _RUNNING[id(table)] = (
            [v for v, _ in table],
            list(itertools.accumulate(w for _, w in table)),
        )
    values, sums = cum
    return values[bisect.bisect_right(sums, rng.random() * sums[-1])]


_RUNNING: dict[int, tuple] = {}


def _int(rng, low: int, high: int) -> int:
    """An integer in [low, high): ``randrange`` without its argument checks (hot path)."""
    return low + int(rng.random() * (high - low))


_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(v) -> str:
    """One value in COPY's text format (faster than ``write_row`` for this many rows)."""
    if v is None:
        return "\\N"
    if isinstance(v, str):
        return v if v.isprintable() and "\\" not in v else v.translate(_ESCAPE)
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    return str(v)


def copy_line(values) -> str:
    return "\t".join(map(copy_text, values)) + "\n"


def _timeline(rng, status, begin, end, span):
    """(submitted, received, due, extended, finished, closed, outcome, pause) of one dossier."""
    days = datetime.timedelta(days=1)
    submitted = begin + datetime.timedelta(seconds=_int(rng, 0, span - 30 * 24 * 3600))
    if status not in CLOSED:  # open dossiers are mostly recent; closed ones anywhere
        submitted = end - datetime.timedelta(seconds=_int(rng, 0, 60 * 24 * 3600))
    received = (
        None
        if status in ("submitted", "refused")
        else submitted + datetime.timedelta(hours=_int(rng, 1, 30))
    )
    due = received + _int(rng, 1, 25) * days if received else None
    if received is not None and status not in CLOSED:  # in progress: 70 % on time, 30 % overdue
        due = end + _int(rng, 1, 15) * days if rng.random() < 0.7 else end - _int(rng, 1, 10) * days
        received = min(received, due - days, end - datetime.timedelta(hours=1))
        submitted = min(submitted, received - datetime.timedelta(hours=1))
    extended = finished = closed = pause = None
    outcome = ""
    if status in PAUSED:  # the clock stopped and has not restarted
        start = received + datetime.timedelta(hours=_int(rng, 2, 48))
        pause = (PAUSED[status], min(start, end), None, due)
    elif received is not None and rng.random() < 0.15:  # a closed pause moved the appointment
        start = received + datetime.timedelta(hours=_int(rng, 2, 48))
        length = _int(rng, 1, 10) * days
        if start + length < end:
            pause = (rng.choice(("supplement", "payment")), start, start + length, due)
            due += length
    if status in ("returned", "done"):
        outcome = pick(rng, OUTCOMES)
        shift = {"early": -_int(rng, 1, 5), "on_time": 0, "late": _int(rng, 1, 10)}
        finished = closed = min(due + datetime.timedelta(days=shift[outcome], hours=-2), end)
        resumed = pause[2] if pause else received
        finished = closed = min(max(closed, resumed + datetime.timedelta(hours=1)), end)
        if (
            outcome == "late" and finished > due and rng.random() < 0.3
        ):  # Mẫu 04: a new appointment, missed too
            extended = due + (finished - due) / 2
    elif status == "withdrawn":
        closed = min(max(received + _int(rng, 1, 10) * days, pause[2] if pause else received), end)
    elif status == "refused":
        closed = submitted + datetime.timedelta(hours=2)
    return submitted, received, due, extended, finished, closed, outcome, pause


def dossier_rows(rng, n: int, unit_ids, versions, today: datetime.date, code=None):
    """Yield (column → value, pause or None) of ``n`` consistent dossiers until ``today`` 17:00.

    ``code(i, unit_id, submitted)`` names dossier i (default ``BENCHSTATS-i``);
    three in ten of the dossiers in progress are overdue by ``today``.
    """
    span = 2 * 365 * 24 * 3600
    end = datetime.datetime.combine(today, datetime.time(17), tzinfo=TZ)
    begin = end - datetime.timedelta(seconds=span)
    for i in range(n):
        status = pick(rng, STATUSES)
        submitted, received, due, extended, finished, closed, outcome, pause = _timeline(
            rng, status, begin, end, span
        )
        procedure_id, version_id = versions[_int(rng, 0, len(versions))]
        unit = (
            unit_ids[min(int(rng.paretovariate(1.2)) - 1, len(unit_ids) - 1)]
            if rng.random() < 0.3
            else rng.choice(unit_ids)
        )
        name = vocab.person(rng)
        place = rng.choice(vocab.HAMLETS)
        row = {
            "code": code(i, unit, submitted) if code else f"BENCHSTATS-{i:08d}",
            "public_token": base64.urlsafe_b64encode(rng.randbytes(24)).decode(),
            "procedure_id": procedure_id,
            "procedure_version_id": version_id,
            "receiving_unit_id": unit,
            "competent_unit_id": unit,
            "channel": pick(rng, CHANNELS),
            "status": status,
            "applicant_name": name,
            "applicant_id_number": f"0{_int(rng, 79, 96)}{_int(rng, 0, 10**9):09d}",
            "applicant_address": f"Số {_int(rng, 1, 300)}, {place}",
            "applicant_phone": f"09{_int(rng, 0, 10**8):08d}",
            "submitted_at": submitted,
            "received_at": received,
            "clock_start_at": received,
            "due_at": due,
            "extended_due_at": extended,
            "finished_at": finished,
            "returned_at": closed if status == "returned" else None,
            "closed_at": closed,
            "paused_at": pause[1] if pause and pause[2] is None else None,
            "paused_due": pause[3] if pause and pause[2] is None else None,
            "outcome": outcome,
            "created_at": submitted,
            "updated_at": closed or submitted,
        }
        yield row, pause


@contextlib.contextmanager
def _indexes_dropped(cur, table: str, drop: bool, out):
    """Without the table's plain indexes (not its constraints) during a big COPY; rebuilt after.

    The dossier table has about twenty indexes: maintaining them row by row
    costs more than building them once.
    """
    if not drop:
        yield
        return
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cur.fetchall()
    for name, _ in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        started = time.perf_counter()
        # Inside a transaction the deferred foreign-key checks of the COPY are still
        # queued, and PostgreSQL refuses CREATE INDEX on a table with pending trigger
        # events: run them first (bench.generate, as a superuser, has none queued).
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, ddl in indexes:
            cur.execute(ddl)
        out(f"  {len(indexes)} indexes of {table} rebuilt in {time.perf_counter() - started:.1f} s")


def _copy_rows(raw, table: str, columns, rows) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``table`` over the raw connection."""
    with raw.cursor() as c, c.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write("".join(copy_line(row) for row in rows).encode())


def copy_dossiers(rng, n, unit_ids, versions, today, chunk=50_000, out=print, code=None) -> int:
    """COPY ``n`` dossiers and their pause intervals; return the number of rows written."""
    from django.db import connection

    from congvu.onestop.models import ClockPause, Dossier, DueChange

    fields = [f for f in Dossier._meta.concrete_fields if not f.primary_key]
    columns = ["id"] + [f.column for f in fields]
    defaults = {}
    for f in fields:
        if f.has_default():
            value = f.get_default()
            defaults[f.attname] = json.dumps(value) if isinstance(value, dict | list) else value
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    names = [f.attname for f in fields]
    # Most columns keep their default: format those once, and only what each row sets.
    blank = [copy_text(defaults[k]) for k in names]
    index = {k: i for i, k in enumerate(names)}
    started, cpu = time.perf_counter(), time.process_time()
    pauses, changes = [], []
    table = Dossier._meta.db_table
    with connection.cursor() as cur, _indexes_dropped(cur, table, n >= 100_000, out):
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Dossier._meta.db_table}")
        first = cur.fetchone()[0] + 1
        raw = cur.connection
        with (
            raw.cursor() as c,
            c.copy(f"COPY {Dossier._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            rows = dossier_rows(rng, n, unit_ids, versions, today, code=code)
            buffer = []
            for i, (row, pause) in enumerate(rows):
                parts = blank.copy()
                for k, v in row.items():
                    parts[index[k]] = copy_text(v)
                buffer.append(f"{first + i}\t" + "\t".join(parts) + "\n")
                if pause is not None:
                    reason, begin, stop, due_then = pause
                    pauses.append(
                        (first + i, reason, begin, stop, due_then, PAUSE_NOTES[reason], None)
                    )
                    if stop is not None:  # the resume pushed the appointment (DueChange)
                        changes.append((first + i, stop, due_then, row["due_at"]))
                if row["extended_due_at"]:  # Mẫu 04, once the first appointment had passed
                    changes.append(
                        (first + i, row["due_at"], row["due_at"], row["extended_due_at"])
                    )
                if len(buffer) == 5000:
                    copy.write("".join(buffer).encode())
                    buffer = []
                if (i + 1) % chunk == 0:
                    out(f"  {i + 1:,} dossiers ({time.perf_counter() - started:.0f} s)")
            copy.write("".join(buffer).encode())
        _copy_rows(raw, ClockPause._meta.db_table, PAUSE_COLUMNS, pauses)
        _copy_rows(raw, DueChange._meta.db_table, DUE_CHANGE_COLUMNS, changes)
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{Dossier._meta.db_table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {Dossier._meta.db_table}))"
        )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    total = n + len(pauses) + len(changes)
    out(
        f"dossiers: {n:,} + {len(pauses):,} pause intervals + {len(changes):,} due changes "
        f"in {seconds:.1f} s ({total / seconds if seconds else 0:,.0f} rows/s; "
        f"{cpu:.1f} s CPU in Python)"
    )
    return total
