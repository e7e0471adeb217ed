"""``make bench-data``: a realistic organisation with up to 1,000,000 documents, loaded with COPY.

Reproducible from ``--seed`` (and ``--today``, the date deadlines are measured
against). PostgreSQL only: rows go in with psycopg 3 ``cursor.copy``; foreign
keys are not re-checked row by row (``session_replication_role = replica``
when the role may set it) because the generator builds them consistent, and
the two GIN text indexes of the search table are rebuilt once at the end.

Besides the documents, one dossier (hồ sơ một cửa, ``bench.dossiers``) for
every five documents over the national sample catalogue (200,000 for
``full``), and ``APPROVED_PER_UNIT`` approved drafts per unit dated today for
``make bench`` to issue.

Usage: ``python -m bench.generate --size small|full|<n> --seed 1``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import os
import random
import sys
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bench import vocab

SIZES = {"tiny": 2_000, "small": 50_000, "full": 1_000_000}
PG_ONLY = (
    "bench-data needs PostgreSQL (it loads with COPY); this database is {vendor}. "
    "Set DATABASE_URL=postgres://… (default postgres://postgres@127.0.0.1:5432/congvu_bench)."
)
USER_PREFIX = "cb."
YEARS_BACK = 2  # documents over the current year and the two before it
DOSSIERS_PER_DOCUMENT = 0.2  # full: 200,000 dossiers (issue 5 §1)
APPROVED_PER_UNIT = 30  # approved drafts dated today, issued by ``bench.run``
TZ = "+07"


def parse_size(value: str | int) -> int:
    if isinstance(value, int):
        return value
    return SIZES[value] if value in SIZES else int(value.replace("_", ""))


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    from congvu.core.text import fold as _fold

    return _fold(text)


@lru_cache(maxsize=200_000)
def sfold(text: str) -> str:
    from congvu.search.text import search_fold

    return search_fold(text)


def ranked(number: str, subject: str, issuer: str, signer: str) -> tuple:
    """The search row's ranked columns (``congvu.search.ranking``), in SEARCH_COLUMNS order."""
    from congvu.search.ranking import ranked_columns

    return tuple(ranked_columns(number, subject, issuer, signer).values())


def join_fold(parts, f) -> str:
    return " ".join(x for x in (f(p) for p in parts if p) if x)


@dataclass
class Stats:
    rows: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


class Generator:
    """Builds the organisation, officials, registers and documents of one seed."""

    def __init__(
        self,
        *,
        documents: int,
        seed: int = 1,
        units: int = 52,
        officials: int = 2000,
        today: datetime.date | None = None,
        demo: bool = True,
        chunk: int = 20_000,
        out=None,
        dossiers: int | None = None,
        attachment_chars: int = 0,
    ):
        self.n_docs = documents
        self.n_dossiers = round(documents * DOSSIERS_PER_DOCUMENT) if dossiers is None else dossiers
        self.seed = seed
        self.n_units = units
        self.n_officials = officials
        self.today = today or datetime.date.today()
        self.demo = demo
        self.chunk = chunk
        self.out = out or (lambda msg: print(msg, flush=True))
        self.stats = Stats()
        self._dates: dict[int, str] = {}
        #: Average characters of each document's attachment text (0: none; bench.legaltext).
        self.attachment_chars = attachment_chars
        self.pool = None
        self._files: list[tuple] = []
        if attachment_chars:
            from bench.legaltext import POOL, Pool

            self.pool = Pool(seed, size=min(POOL, max(1000, documents)))
            # A chunk holds every text in memory three times (file, content, body).
            self.chunk = min(chunk, 1000)

    # --- plumbing -----------------------------------------------------------------------
    def _conn(self):
        from django.db import connection

        if connection.vendor != "postgresql":
            raise RuntimeError(PG_ONLY.format(vendor=connection.vendor))
        connection.ensure_connection()
        return connection

    def _copy(self, table: str, columns: tuple[str, ...], rows) -> None:
        if not rows:
            return
        conn = self._conn()
        cols = ", ".join(f'"{c}"' for c in columns)
        with (
            conn.connection.cursor() as cur,
            cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        self.stats.add(table, len(rows))

    def _next_id(self, table: str) -> int:
        with self._conn().cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
            return cur.fetchone()[0]

    def _fix_sequence(self, table: str) -> None:
        with self._conn().cursor() as cur:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )

    def _date(self, ordinal: int) -> str:
        s = self._dates.get(ordinal)
        if s is None:
            s = self._dates[ordinal] = datetime.date.fromordinal(ordinal).isoformat()
        return s

    def _ts(self, ordinal: int, minute: int) -> str:
        return f"{self._date(ordinal)} {7 + minute // 60 % 10:02d}:{minute % 60:02d}:00{TZ}"

    # --- steps -------------------------------------------------------------------------
    def present(self) -> bool:
        from congvu.accounts.models import User
        from congvu.onestop.models import Dossier

        if not User.objects.filter(username__startswith=USER_PREFIX).exists():
            return False
        if self.attachment_chars:
            from congvu.files.models import StoredFile

            # A corpus without attachment texts is not the full-text one.
            if not StoredFile.objects.filter(owner_type="incoming.incomingdocument").exists():
                return False
        return Dossier.objects.count() >= self.n_dossiers // 2  # older data had no dossiers

    def wipe(self) -> None:
        """Remove documents, dossiers, registers, the search index and the generated people.

        Earlier benchmark runs left audit records and stored files that name the
        generated people: the audit trail restarts from its genesis (a consistent
        chain), and their files go with the documents and dossiers they belonged to.
        """
        with self._conn().cursor() as cur:
            # Inside a transaction (the tests) rows written before may still have their
            # deferred foreign-key checks queued, and TRUNCATE refuses such tables.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(f"TRUNCATE {', '.join(DOCUMENT_TABLES + DOSSIER_TABLES)} CASCADE")
            cur.execute("TRUNCATE audit_auditrecord, audit_chainhead")
            cur.execute(
                "DELETE FROM files_storedfile WHERE uploaded_by_id IN "
                "(SELECT id FROM accounts_user WHERE username LIKE %s)",
                [USER_PREFIX + "%"],
            )
            cur.execute(
                "DELETE FROM accounts_position WHERE user_id IN "
                "(SELECT id FROM accounts_user WHERE username LIKE %s)",
                [USER_PREFIX + "%"],
            )
            cur.execute("DELETE FROM accounts_user WHERE username LIKE %s", [USER_PREFIX + "%"])

    def run(self) -> Stats:
        """Replace the documents of the database by the generated ones."""
        conn = self._conn()
        started = time.perf_counter()
        self._organisation()
        self.wipe()
        with conn.cursor() as cur:
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = bool(cur.fetchone()[0])
            if superuser:
                cur.execute("SET session_replication_role = replica")
        big = self.n_docs >= 100_000 or bool(self.attachment_chars)
        if big:
            self._drop_text_indexes()
        try:
            load_started = time.perf_counter()
            self._officials()
            self._documents()
            self._dossiers()
            for t in TABLES_WITH_IDS:
                self._fix_sequence(t)
            load_seconds = time.perf_counter() - load_started
        finally:
            with conn.cursor() as cur:
                if superuser:
                    cur.execute("SET session_replication_role = origin")
            if big:
                self._create_text_indexes()
            self._vacuum()
        self.stats.seconds = time.perf_counter() - started
        rate = self.stats.total / load_seconds if load_seconds else 0
        self.out(
            f"bench-data: {self.stats.total:,} rows in {load_seconds:.1f} s of loading "
            f"({rate:,.0f} rows/s); {self.stats.seconds:.1f} s in all"
        )
        self.rows_per_second = rate
        return self.stats

    def _organisation(self) -> None:
        from django.core.management import call_command

        from congvu.accounts.models import User
        from congvu.org.models import Unit

        sink = io.StringIO()
        if not Unit.objects.filter(kind="commune").exists():
            call_command("import_units", province=86, legacy=True, stdout=sink)
        if self.demo and not User.objects.filter(username="vanthu.thanhphu").exists():
            with contextlib.redirect_stdout(sink):
                call_command("load_demo", stdout=sink)
        candidates = list(
            Unit.objects.filter(valid_to__isnull=True, kind__in=["commune", "ward", "township"])
            .order_by("pk")
            .only("pk", "name", "short_name", "kind")
        )
        candidates.sort(key=lambda u: (0 if "Thạnh Phú" in u.name else 1, u.pk))
        self.units = candidates[: self.n_units]
        if len(self.units) < self.n_units:
            raise RuntimeError(f"only {len(self.units)} active communes/wards to spread over")
        from congvu.registry.models import DocumentType

        self.types = list(
            DocumentType.objects.filter(is_legal_normative=False, active=True).order_by("pk")
        )
        self.type_by_code = {t.code: t for t in self.types}

    def _officials(self) -> None:
        from congvu.accounts.constants import Role

        rng = random.Random(f"{self.seed}:officials")
        per_unit, extra = divmod(self.n_officials, len(self.units))
        uid = self._next_id("accounts_user")
        pid = self._next_id("accounts_position")
        users, positions = [], []
        self.staff: dict[int, dict[str, list[int]]] = {}
        self.names: dict[int, str] = {}
        joined = f"2020-01-01 08:00:00{TZ}"
        n = 0
        for unit in self.units:
            roles = [Role.CLERK, Role.LEADER_HEAD, Role.LEADER_DEPUTY, Role.LEADER_DEPUTY]
            roles += [Role.UNIT_ADMIN, Role.ONESTOP_OFFICER]
            size = max(8, per_unit + (1 if self.units.index(unit) < extra else 0))
            roles += [Role.SPECIALIST] * (size - len(roles))
            desk = self.staff[unit.pk] = {}
            for role in roles:
                n += 1
                if n > self.n_officials:
                    break
                name = vocab.person(rng)
                username = f"{USER_PREFIX}{n:05d}"
                users.append(
                    (uid, "!", False, username, "", "", "", False, True, joined, "official", name)
                    + ("", False, "", "", "", "", "")
                )
                clearance = 1 if role != Role.SPECIALIST or rng.random() < 0.2 else 0
                title = ROLE_TITLES[role]
                positions.append(
                    (pid, title, role, clearance, True, "2020-01-01", None, unit.pk, uid)
                )
                desk.setdefault(role, []).append(uid)
                self.names[uid] = name
                uid += 1
                pid += 1
        self._copy("accounts_user", USER_COLUMNS, users)
        self._copy("accounts_position", POSITION_COLUMNS, positions)

    # --- text -------------------------------------------------------------------------
    def _subject(self, rng: random.Random, code: str, year: int, unit_name: str) -> str:
        topic = rng.choice(vocab.TOPICS)
        place = rng.choice(vocab.HAMLETS) if rng.random() < 0.3 else unit_name
        if code == "cong-van":
            action = rng.choice(vocab.ACTIONS)
            if rng.random() < 0.6:
                return f"V/v {action} {topic} năm {year}"
            return f"Về việc {action} {topic} trên địa bàn {place}"
        if code == "quyet-dinh":
            what = rng.choice(
                ("phê duyệt Kế hoạch", "thành lập Ban Chỉ đạo", "ban hành Quy chế", "phê duyệt")
            )
            return f"Quyết định {what} {topic} {place} năm {year}"
        if code == "ke-hoach":
            return f"Kế hoạch {topic} năm {year}"
        if code == "bao-cao":
            return f"Báo cáo kết quả {topic} {rng.choice(vocab.PERIODS)} {year}"
        if code == "thong-bao":
            return f"Thông báo kết luận của Chủ tịch {unit_name} tại cuộc họp về {topic}"
        if code == "giay-moi":
            return f"Giấy mời dự hội nghị sơ kết {topic} {rng.choice(vocab.PERIODS)} {year}"
        if code == "to-trinh":
            return f"Tờ trình đề nghị phê duyệt kinh phí {topic} năm {year}"
        return f"{self.type_by_code[code].name} về {topic} năm {year}"

    def _person(self, rng: random.Random) -> str:
        return vocab.person(rng)

    # --- documents ---------------------------------------------------------------------
    def _documents(self) -> None:
        rng = random.Random(f"{self.seed}:documents")
        n_in = round(self.n_docs * 0.7)
        n_out = self.n_docs - n_in
        first = datetime.date(self.today.year - YEARS_BACK, 1, 1).toordinal()
        last = self.today.toordinal()
        in_days = sorted(rng.randint(first, last) for _ in range(n_in))
        out_days = sorted(rng.randint(first, last) for _ in range(n_out))
        weights = [3 if i < 2 else 1 for i in range(len(self.units))]
        cum = []
        total = 0
        for w in weights:
            total += w
            cum.append(total)
        self._unit_cum, self._unit_total = cum, total
        self.registers: dict[tuple, list] = {}
        self._reg_id = self._next_id("registry_register")
        self._ids = {t: self._next_id(t) for t in TABLES_WITH_IDS if t != "registry_register"}
        # Registers first (their last_number is known once every number is planned).
        plan_in = [self._plan_incoming(rng, day) for day in in_days]
        plan_out = [self._plan_outgoing(rng, day) for day in out_days]
        today = self.today.toordinal()
        for unit in self.units:
            plan_out += [(unit, today, "approved", 0, None, None)] * APPROVED_PER_UNIT
        self._copy_registers()
        text_rng = random.Random(f"{self.seed}:text")
        for start in range(0, len(plan_in), self.chunk):
            self._emit_incoming(text_rng, plan_in[start : start + self.chunk])
        for start in range(0, len(plan_out), self.chunk):
            self._emit_outgoing(text_rng, plan_out[start : start + self.chunk])

    def _doc_type(self, rng):
        if rng.random() < 0.03:
            return rng.choice(self.types)
        return self.type_by_code[TYPE_MIX[bisect_left(TYPE_CUM, rng.random() * TYPE_CUM[-1])]]

    def _pick_unit(self, rng):
        return self.units[bisect_left(self._unit_cum, rng.random() * self._unit_total)]

    def _register(self, unit, direction: str, year: int, secrecy: int):
        key = (unit.pk, direction, year, secrecy)
        reg = self.registers.get(key)
        if reg is None:
            reg = self.registers[key] = [self._reg_id, 0, unit]
            self._reg_id += 1
        reg[1] += 1
        return reg[0], reg[1]

    def _plan_incoming(self, rng, day: int):
        unit = self._pick_unit(rng)
        age = self.today.toordinal() - day
        r = rng.random()
        if age > 60:
            status = (
                "completed"
                if r < 0.9
                else "returned"
                if r < 0.93
                else "recalled"
                if r < 0.94
                else "in_progress"
            )
        else:
            status = OPEN_MIX[bisect_left(OPEN_CUM, r * OPEN_CUM[-1])]
        secrecy = 1 if rng.random() < 0.03 else 0
        year = datetime.date.fromordinal(day).year
        reg = num = None
        if status not in ("pending", "returned"):
            reg, num = self._register(unit, "in", year, secrecy)
        return (unit, day, status, secrecy, reg, num)

    def _plan_outgoing(self, rng, day: int):
        unit = self._pick_unit(rng)
        age = self.today.toordinal() - day
        r = rng.random()
        if age > 30:
            status = "issued" if r < 0.95 else "recalled" if r < 0.97 else "replaced"
        else:
            status = OUT_MIX[bisect_left(OUT_CUM, r * OUT_CUM[-1])]
        secrecy = 1 if rng.random() < 0.02 else 0
        year = datetime.date.fromordinal(day).year
        reg = num = None
        if status in ("issued", "recalled", "replaced"):
            reg, num = self._register(unit, "out", year, secrecy)
        return (unit, day, status, secrecy, reg, num)

    def _copy_registers(self) -> None:
        from congvu.registry.services import register_name

        rows = []
        for (unit_id, direction, year, secrecy), (rid, last, unit) in sorted(
            self.registers.items(), key=lambda kv: kv[1][0]
        ):
            name = register_name(
                unit=unit, direction=direction, year=year, secrecy=secrecy, document_type=None
            )
            closed = f"{year}-12-31 17:00:00{TZ}" if year < self.today.year else None
            rows.append((rid, direction, year, secrecy, "*", name, last, closed, None, unit_id))
        self._copy("registry_register", REGISTER_COLUMNS, rows)

    def _take(self, table: str) -> int:
        value = self._ids[table]
        self._ids[table] = value + 1
        return value

    def _emit_incoming(self, rng, plan) -> None:
        docs, numbers, assignments, entries, search = [], [], [], [], []
        today = self.today.toordinal()
        for unit, day, status, secrecy, reg, num in plan:
            doc_id = self._take("incoming_incomingdocument")
            year = datetime.date.fromordinal(day).year
            staff = self.staff[unit.pk]
            internal = rng.random() < 0.35
            if internal:
                issuer = self.units[rng.randrange(len(self.units))]
                issuer_name, issuer_abbr, issuer_unit = issuer.name, "UBND", issuer.pk
            else:
                issuer_name, issuer_abbr = rng.choice(vocab.EXTERNAL_ISSUERS)
                issuer_unit = None
            dtype = self._doc_type(rng)
            outer = rng.randint(1, 3500)
            if dtype.abbreviation:
                notation = f"{outer}/{dtype.abbreviation}-{issuer_abbr}"
            else:
                notation = f"{outer}/{issuer_abbr}-{rng.choice(vocab.DEPARTMENT_CODES)}"
            subject = self._subject(rng, dtype.code, year, unit.name)
            if self.pool is not None:
                subject = self.pool.title(rng, subject)
            signer = self._person(rng)
            urgency = 0 if rng.random() < 0.85 else rng.randint(1, 3)
            doc_day = day - rng.randint(0, 3)
            deadline = day + rng.randint(5, 30) if rng.random() < 0.6 else None
            if status == "in_progress" and today - day > 60:
                deadline = day + rng.randint(5, 20)  # long overdue
            registered_at = self._ts(day, rng.randint(0, 500)) if reg else None
            head = staff["leader_head"][0]
            clerk = staff["clerk"][0]
            presented = status not in ("pending", "registered", "returned")
            completed_at = self._ts(min(day + rng.randint(1, 20), today), 480)
            search_text = join_fold((notation, subject, issuer_name, signer), fold)
            docs.append(
                (
                    doc_id,
                    num,
                    self._date(day),
                    registered_at,
                    "internal" if internal else "paper",
                    issuer_name,
                    notation,
                    self._date(doc_day),
                    subject,
                    signer,
                    urgency,
                    secrecy,
                    rng.randint(1, 12),
                    self._date(deadline) if deadline else None,
                    status,
                    registered_at if presented else None,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "Văn bản gửi nhầm nơi nhận." if status == "returned" else "",
                    completed_at if status == "completed" else None,
                    search_text,
                    self._ts(day, 0),
                    self._ts(day, 1),
                    clerk,
                    dtype.pk,
                    None,
                    issuer_unit,
                    head if status == "presented" else None,
                    reg,
                    unit.pk,
                    "Nơi gửi thu hồi văn bản." if status == "recalled" else "",
                    completed_at if status == "recalled" else None,
                )
            )
            if reg:
                numbers.append(
                    (
                        self._take("registry_issuednumber"),
                        num,
                        "used",
                        registered_at,
                        "incoming.incomingdocument",
                        str(doc_id),
                        "",
                        None,
                        clerk,
                        None,
                        reg,
                    )
                )
                entries.append(
                    (self._take("incoming_processingentry"), "registered", "", registered_at)
                    + (clerk, None, doc_id)
                )
            access = {f"~d{unit.pk}"}  # congvu.search.access.row_tokens
            if status in ("directed", "in_progress", "completed", "recalled"):
                specialists = staff.get("specialist") or [head]
                done = "open" if status in ("directed", "in_progress") else "done"
                a_deadline = self._date(deadline) if deadline else None
                main = self._take("incoming_assignment")
                ts = self._ts(day + 1, 60)
                handler = rng.choice(specialists)
                access.add(f"~u{handler}")
                assignments.append(
                    (main, "main", a_deadline, "Đề nghị chủ trì tham mưu xử lý.", done, ts, ts)
                    + (head, None, None, handler, doc_id)
                )
                entries.append(
                    (self._take("incoming_processingentry"), "assigned", "", ts, head, main, doc_id)
                )
                if rng.random() < 0.3:
                    helper = rng.choice(specialists)
                    access.add(f"~u{helper}")
                    assignments.append(
                        (self._take("incoming_assignment"), "coordinate", a_deadline, "Phối hợp.")
                        + (done, ts, ts, head, None, None, helper, doc_id)
                    )
            content = "\n".join(p for p in (notation, dtype.name, subject, issuer_name, signer))
            body = join_fold((notation, dtype.name, subject, issuer_name, signer), sfold)
            if self.pool is not None:
                text, folded = self._attachment(
                    rng,
                    "incoming.incomingdocument",
                    doc_id,
                    (notation, subject, issuer_name)
                    + (signer, dtype.name, year, secrecy, clerk, self._ts(day, 1)),
                )
                content, body = f"{content}\n{text}", f"{body} {folded}"
            search.append(
                (
                    self._take("search_searchdocument"),
                    "incoming",
                    doc_id,
                    unit.pk,
                    secrecy,
                    urgency,
                    self._date(doc_day),
                    dtype.pk,
                    reg,
                    status,
                    notation,
                    subject,
                    issuer_name,
                    sfold(issuer_name)[:255],
                    content,
                    body,
                    self._ts(day, 2),
                    " ".join(sorted(access)),
                    *ranked(notation, subject, issuer_name, signer),
                )
            )
        self._copy("incoming_incomingdocument", INCOMING_COLUMNS, docs)
        self._copy("registry_issuednumber", NUMBER_COLUMNS, numbers)
        self._copy("incoming_assignment", ASSIGNMENT_COLUMNS, assignments)
        self._copy("incoming_processingentry", ENTRY_COLUMNS, entries)
        self._copy("search_searchdocument", SEARCH_COLUMNS, search)
        self._copy_files()

    def _emit_outgoing(self, rng, plan) -> None:
        docs, numbers, steps, search = [], [], [], []
        for unit, day, status, secrecy, reg, num in plan:
            doc_id = self._take("outgoing_outgoingdocument")
            year = datetime.date.fromordinal(day).year
            staff = self.staff[unit.pk]
            specialists = staff.get("specialist") or staff["leader_head"]
            head = staff["leader_head"][0]
            deputy = staff["leader_deputy"][0]
            clerk = staff["clerk"][0]
            dtype = self._doc_type(rng)
            subject = self._subject(rng, dtype.code, year, unit.name)
            if self.pool is not None:
                subject = self.pool.title(rng, subject)
            urgency = 0 if rng.random() < 0.9 else rng.randint(1, 3)
            drafter = rng.choice(specialists)
            signer = head if rng.random() < 0.6 else deputy
            issued = reg is not None
            notation = ""
            if issued:
                unit_abbr = "UBND"
                notation = (
                    f"{num}/{dtype.abbreviation}-{unit_abbr}"
                    if dtype.abbreviation
                    else f"{num}/{unit_abbr}-{rng.choice(vocab.DEPARTMENT_CODES)}"
                )
            created = self._ts(max(day - rng.randint(1, 5), 1), 30)
            issued_at = self._ts(day, rng.randint(60, 500)) if issued else None
            approved = status in ("approved", "signing", "issued", "recalled", "replaced")
            number_id = self._take("registry_issuednumber") if issued else None
            title = "Chủ tịch" if signer == head else "Phó Chủ tịch"
            prefix = "TM." if signer == head else "KT."
            search_text = join_fold((notation, subject), fold)
            docs.append(
                (doc_id, subject, "", urgency, secrecy, status, title if approved else "")
                + (prefix if approved else "", issued_at if approved else None, num, notation)
                + (issued_at, "", "", "", "")
                + (issued_at if status == "recalled" else None,)
                + ("Ban hành sai thẩm quyền." if status == "recalled" else "", search_text)
                + (created, issued_at or created, None, dtype.pk, drafter, None)
                + (clerk if issued else None, None, number_id, reg, None)
                # Chờ ký số keeps the hash of the approved content (read-before-sign).
                + (signer if approved else None, unit.pk, f"{doc_id:064x}" * (status == "signing"))
            )
            if issued:
                numbers.append(
                    (number_id, num, "used", issued_at, "outgoing.outgoingdocument", str(doc_id))
                    + ("", None, clerk, None, reg)
                )
            if status != "draft":
                decision = {
                    "in_review": "pending",
                    "returned": "returned",
                }.get(status, "approved")
                decided = None if decision == "pending" else created
                comment = "Đề nghị chỉnh sửa trích yếu, bổ sung nơi nhận." * (
                    decision == "returned"
                )
                steps.append(
                    (self._take("outgoing_reviewstep"), 1, 1, decision, comment, decided)
                    + (doc_id, deputy)
                )
                if approved:
                    steps.append(
                        (self._take("outgoing_reviewstep"), 1, 2, "approved", "", created)
                        + (doc_id, head)
                    )
            access = {f"~d{unit.pk}", f"~u{drafter}"}  # congvu.search.access.row_tokens
            if approved:
                access.update((f"~u{signer}", f"~u{head}"))
            if status != "draft":
                access.add(f"~u{deputy}")
            signer_name = self.names.get(signer, "") if approved else ""
            date = self._date(day) if issued else created[:10]
            parts = (notation, dtype.name, subject, unit.name, signer_name, title * approved)
            content, body = "\n".join(p for p in parts if p), join_fold(parts, sfold)
            if self.pool is not None:
                text, folded = self._attachment(
                    rng,
                    "outgoing.outgoingdocument",
                    doc_id,
                    (notation, subject, unit.name)
                    + (signer_name, dtype.name, year, secrecy, drafter, created),
                )
                content, body = f"{content}\n{text}", f"{body} {folded}"
            search.append(
                (self._take("search_searchdocument"), "outgoing", doc_id, unit.pk, secrecy)
                + (urgency, date, dtype.pk, reg, status, notation, subject, unit.name)
                + (sfold(unit.name)[:255], content)
                + (body, issued_at or created, " ".join(sorted(access)))
                + ranked(notation, subject, unit.name, signer_name)
            )
        self._copy("outgoing_outgoingdocument", OUTGOING_COLUMNS, docs)
        self._copy("registry_issuednumber", NUMBER_COLUMNS, numbers)
        self._copy("outgoing_reviewstep", STEP_COLUMNS, steps)
        self._copy("search_searchdocument", SEARCH_COLUMNS, search)
        self._copy_files()

    # --- attachments (bench.legaltext) --------------------------------------------------
    def _attachment(self, rng, owner_type: str, doc_id: int, fields: tuple) -> tuple[str, str]:
        """One attachment's text as a StoredFile row (as text extraction leaves it)."""
        number, subject, issuer, signer, type_name, year, secrecy, uploader, at = fields
        chars = int(self.attachment_chars * rng.uniform(0.5, 1.5))
        text, folded = self.pool.document(
            rng,
            number=number or "…",
            subject=subject,
            issuer=issuer,
            signer=signer,
            type_name=type_name,
            year=year,
            chars=chars,
        )
        file_id = self._take("files_storedfile")
        size = len(text.encode())
        self._files.append(
            (file_id, owner_type, str(doc_id), "attachment", 1, f"van-ban-{doc_id}.docx")
            + ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", size)
            + (f"{file_id:064x}", f"bench/{owner_type}/{file_id}.docx", text, "done", secrecy)
            + (uploader, at)
            # A DOCX carries no PAdES signature: what the check after upload would store.
            + ("not_pdf", "[]")
        )
        return text, folded

    def _copy_files(self) -> None:
        self._copy("files_storedfile", FILE_COLUMNS, self._files)
        self._files = []

    # --- dossiers ----------------------------------------------------------------------
    def _dossiers(self) -> None:
        """Dossiers over the procedures in the database (the national sample), until yesterday.

        Codes follow ``{mã định danh}-{yymmdd}-{nnnn}`` per unit and day; they
        end yesterday so that today's live counters never meet them.
        """
        from bench.dossiers import copy_dossiers
        from congvu.onestop.codes import format_code
        from congvu.procedures.models import ProcedureVersion

        if not self.n_dossiers:
            return
        self._catalogue()
        versions = sorted(
            {
                v.procedure_id: (v.procedure_id, v.pk)
                for v in ProcedureVersion.objects.order_by("number")
            }.values()
        )
        codes = {u.pk: u.code for u in self.units if u.code}
        if not versions or not codes:
            raise RuntimeError("no procedures or no units with a mã định danh for dossiers")
        sequence: dict[tuple, int] = {}

        def code(i, unit_id, submitted):
            day = submitted.date()
            n = sequence[unit_id, day] = sequence.get((unit_id, day), 0) + 1
            return format_code(codes[unit_id], day, n)

        rng = random.Random(f"{self.seed}:dossiers")
        yesterday = self.today - datetime.timedelta(days=1)
        rows = copy_dossiers(
            rng, self.n_dossiers, sorted(codes), versions, yesterday, out=self.out, code=code
        )
        self.stats.add("onestop_dossier", rows)  # with the pause intervals

    def _catalogue(self) -> None:
        """The national sample catalogue, imported when the database has no procedure yet."""
        from django.core.management import call_command

        from congvu.procedures.models import Procedure

        if not Procedure.objects.exists():
            sample = (
                Path(__file__).resolve().parents[1] / "src/congvu/procedures/data/tthc-sample.jsonl"
            )
            call_command("import_procedures", str(sample), stdout=io.StringIO())

    # --- text indexes ------------------------------------------------------------------
    def _drop_text_indexes(self) -> None:
        """Drop the GIN indexes for the load; their definitions wait in ``bench_pending_index``
        until rebuilt, so a load that was interrupted still rebuilds them on the next run."""
        with self._conn().cursor() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS bench_pending_index (name text, ddl text)")
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
                "'search_searchdocument' AND indexdef ILIKE '%USING gin%'"
            )
            for name, ddl in cur.fetchall():
                cur.execute("INSERT INTO bench_pending_index VALUES (%s, %s)", [name, ddl])
                cur.execute(f'DROP INDEX IF EXISTS "{name}"')
            cur.execute("SELECT DISTINCT name, ddl FROM bench_pending_index")
            self._gin = cur.fetchall()

    def _create_text_indexes(self) -> None:
        started = time.perf_counter()
        with self._conn().cursor() as cur:
            cur.execute("SET maintenance_work_mem = '1GB'")
            for name, ddl in self._gin:
                cur.execute(f'DROP INDEX IF EXISTS "{name}"')
                cur.execute(ddl)
            cur.execute("DROP TABLE bench_pending_index")
            # The typo fallback's vocabulary, which the indexer fills as it writes rows.
            from congvu.search.backends import VOCABULARY_BACKFILL_SQL

            cur.execute(VOCABULARY_BACKFILL_SQL)
        self.out(f"bench-data: text indexes rebuilt in {time.perf_counter() - started:.1f} s")

    def _vacuum(self) -> None:
        """VACUUM ANALYZE: the state autovacuum keeps a production database in.

        Freshly COPYed tables have no planner statistics and no visibility map, so
        PostgreSQL would plan against empty tables and could not answer counts
        from an index alone. Autovacuum fixes both within minutes in production,
        but it may be off on a benchmark server (it is on these machines).
        """
        started = time.perf_counter()
        conn = self._conn()
        # VACUUM cannot run in a transaction block (the tests run the generator in one).
        command = "ANALYZE" if conn.in_atomic_block else "VACUUM (ANALYZE)"
        with conn.cursor() as cur:
            cur.execute(command)
        self.out(f"bench-data: {command} in {time.perf_counter() - started:.1f} s")


DOCUMENT_TABLES = (
    "search_searchdocument",
    "incoming_processingentry",
    "incoming_assignment",
    "incoming_incomingdocument",
    "outgoing_reviewstep",
    "outgoing_recipient",
    "outgoing_outgoingdocument",
    "registry_issuednumber",
    "registry_register",
)
ROLE_TITLES = {
    "clerk": "Văn thư",
    "leader_head": "Chủ tịch Ủy ban nhân dân",
    "leader_deputy": "Phó Chủ tịch Ủy ban nhân dân",
    "unit_admin": "Công chức Văn phòng - Thống kê (quản trị)",
    "onestop_officer": "Công chức Bộ phận Một cửa",
    "specialist": "Chuyên viên",
}
OPEN_MIX = ("pending", "registered", "presented", "directed", "in_progress", "completed")
OPEN_CUM = (5, 15, 25, 40, 70, 100)
OUT_MIX = ("draft", "in_review", "returned", "approved", "signing", "issued")
OUT_CUM = (15, 35, 45, 50, 60, 100)
TYPE_MIX = (
    "cong-van",
    "quyet-dinh",
    "ke-hoach",
    "bao-cao",
    "thong-bao",
    "giay-moi",
    "to-trinh",
)
TYPE_CUM = (45, 60, 70, 80, 90, 96, 100)
DOSSIER_TABLES = (
    "onestop_clockpause",
    "onestop_duechange",
    "onestop_dossier",
    "onestop_dossiercounter",
)
TABLES_WITH_IDS = (
    "accounts_user",
    "accounts_position",
    "registry_register",
    "registry_issuednumber",
    "incoming_incomingdocument",
    "incoming_assignment",
    "incoming_processingentry",
    "outgoing_outgoingdocument",
    "outgoing_reviewstep",
    "search_searchdocument",
    "files_storedfile",
)
FILE_COLUMNS = [
    "id",
    "owner_type",
    "owner_id",
    "purpose",
    "version",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "storage_name",
    "text",
    "text_status",
    "secrecy",
    "uploaded_by_id",
    "uploaded_at",
    "signature_status",
    "signature_reports",
]
USER_COLUMNS = [
    "id",
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "kind",
    "full_name",
    "phone",
    "email_verified",
    "applicant_type",
    "id_number",
    "tax_code",
    "address",
    "ldap_dn",
]
POSITION_COLUMNS = [
    "id",
    "title",
    "role",
    "clearance",
    "is_primary",
    "valid_from",
    "valid_to",
    "unit_id",
    "user_id",
]
REGISTER_COLUMNS = [
    "id",
    "direction",
    "year",
    "secrecy",
    "sequence_key",
    "name",
    "last_number",
    "closed_at",
    "document_type_id",
    "unit_id",
]
NUMBER_COLUMNS = [
    "id",
    "number",
    "status",
    "issued_at",
    "object_type",
    "object_id",
    "void_reason",
    "voided_at",
    "issued_by_id",
    "voided_by_id",
    "register_id",
]
INCOMING_COLUMNS = [
    "id",
    "arrival_number",
    "arrival_date",
    "registered_at",
    "source",
    "issuer_name",
    "number_notation",
    "document_date",
    "subject",
    "signer_name",
    "urgency",
    "secrecy",
    "page_count",
    "deadline",
    "status",
    "presented_at",
    "origin_type",
    "origin_id",
    "origin_label",
    "reply_type",
    "reply_id",
    "reply_label",
    "return_reason",
    "completed_at",
    "search_text",
    "created_at",
    "updated_at",
    "created_by_id",
    "document_type_id",
    "issuer_external_id",
    "issuer_unit_id",
    "presented_to_id",
    "register_id",
    "unit_id",
    "recall_reason",
    "recalled_at",
]
ASSIGNMENT_COLUMNS = [
    "id",
    "role",
    "deadline",
    "instruction",
    "status",
    "created_at",
    "updated_at",
    "assigned_by_id",
    "parent_id",
    "unit_id",
    "user_id",
    "document_id",
]
ENTRY_COLUMNS = ["id", "action", "note", "created_at", "actor_id", "assignment_id", "document_id"]
OUTGOING_COLUMNS = [
    "id",
    "subject",
    "body",
    "urgency",
    "secrecy",
    "status",
    "signer_title",
    "authority_prefix",
    "approved_at",
    "number",
    "number_notation",
    "issued_at",
    "issued_sha256",
    "signed_with",
    "reply_to_type",
    "reply_to_id",
    "recalled_at",
    "recall_reason",
    "search_text",
    "created_at",
    "updated_at",
    "corrects_id",
    "document_type_id",
    "drafted_by_id",
    "drafting_unit_id",
    "issued_by_id",
    "issued_file_id",
    "issued_number_id",
    "register_id",
    "replaces_id",
    "signer_id",
    "unit_id",
    "approved_content_sha256",
]
STEP_COLUMNS = [
    "id",
    "round",
    "order",
    "decision",
    "comment",
    "decided_at",
    "document_id",
    "reviewer_id",
]
SEARCH_COLUMNS = [
    "id",
    "kind",
    "object_id",
    "unit_id",
    "secrecy",
    "urgency",
    "date",
    "document_type_id",
    "register_id",
    "status",
    "number_notation",
    "subject",
    "issuer",
    "issuer_folded",
    "content",
    "body",
    "updated_at",
    "access",
    "number_folded",
    "subject_folded",
    "signer_folded",
    "head_exact",
]


NUMBERING_CHECKS = {
    "numbers not exactly 1..N per register": """
        SELECT count(*) FROM (
          SELECT r.id FROM registry_register r
          LEFT JOIN registry_issuednumber n ON n.register_id = r.id
          GROUP BY r.id, r.last_number
          HAVING count(n.id) <> r.last_number OR count(DISTINCT n.number) <> count(n.id)
              OR min(n.number) <> 1 OR max(n.number) <> r.last_number) x""",
    "incoming numbers duplicated in a register": """
        SELECT count(*) FROM (SELECT register_id, arrival_number
          FROM incoming_incomingdocument WHERE register_id IS NOT NULL
          GROUP BY 1, 2 HAVING count(*) > 1) x""",
    "incoming documents without their IssuedNumber": """
        SELECT count(*) FROM incoming_incomingdocument d
        WHERE d.register_id IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM registry_issuednumber n WHERE n.register_id = d.register_id
          AND n.number = d.arrival_number AND n.object_id = d.id::text)""",
    "outgoing documents without their IssuedNumber": """
        SELECT count(*) FROM outgoing_outgoingdocument d
        WHERE d.register_id IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM registry_issuednumber n WHERE n.id = d.issued_number_id
          AND n.register_id = d.register_id AND n.number = d.number
          AND n.object_id = d.id::text)""",
}


def check_numbering() -> dict[str, int]:
    """Numbering anomalies over every register of the database (all zero when consistent)."""
    from django.db import connection

    out = {}
    with connection.cursor() as cur:
        for label, sql in NUMBERING_CHECKS.items():
            cur.execute(sql)
            out[label] = cur.fetchone()[0]
    return out


def ensure_database() -> None:
    """Create the database named in DATABASE_URL if the server does not have it yet."""
    from django.db import connection

    import psycopg

    params = connection.get_connection_params()
    name = params.get("dbname")
    try:
        psycopg.connect(**{k: v for k, v in params.items() if k != "context"}).close()
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        admin = {k: v for k, v in params.items() if k != "context"} | {"dbname": "postgres"}
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", help="tiny, small, full or a number")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--units", type=int, default=52)
    parser.add_argument("--officials", type=int, default=2000)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
    parser.add_argument(
        "--dossiers", type=int, default=None, help="one-stop dossiers (default: size / 5)"
    )
    parser.add_argument("--if-absent", action="store_true", help="do nothing if data is there")
    parser.add_argument(
        "--attachment-chars",
        type=int,
        default=0,
        help="average characters of attachment text per document (bench.legaltext; 0: none)",
    )
    args = parser.parse_args(argv)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print(PG_ONLY.format(vendor=connection.vendor), file=sys.stderr)
        return 2
    ensure_database()
    call_command("migrate", interactive=False, verbosity=0)
    gen = Generator(
        documents=parse_size(args.size),
        seed=args.seed,
        units=args.units,
        officials=args.officials,
        today=args.today,
        dossiers=args.dossiers,
        attachment_chars=args.attachment_chars,
    )
    if args.if_absent and gen.present():
        print("bench-data: the benchmark organisation is already loaded; nothing to do.")
        return 0
    gen.run()
    anomalies = check_numbering()
    print(f"bench-data: numbering checks {anomalies}")
    return 1 if any(anomalies.values()) else 0


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings.demo")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/congvu_bench")
    import django

    django.setup()


if __name__ == "__main__":
    sys.exit(main())
