"""The operations of issue 5 §2 beyond inbox, search and registration, for ``bench.run``.

Issuing an outgoing document (ban hành), submitting a dossier online (the
portal, with uploads; and 100 citizens at once against gunicorn), receiving
a dossier at the desk (tiếp nhận, Mẫu 01) and the statistics of Decision 766.
Each runs through the services the pages call, in-process and over HTTP,
beside its floor measured in the same run.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import itertools
import random
import threading
import time
import uuid

from bench.generate import USER_PREFIX
from bench.stats import Result
from bench.vocab import person

PORTAL_PROCEDURE = "1.001193"  # Đăng ký khai sinh, online at the demo's desk of xã Thạnh Phú
CITIZENS = 100
CONCURRENT_PER_CITIZEN = 3


def quiet(fn):
    """``fn`` without the console e-mail/SMS the demo settings print for every notification."""

    def op():
        with contextlib.redirect_stdout(io.StringIO()):
            return fn()

    return op


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, ctype) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class OneStopOps:
    """Mixed into ``bench.run.Bench`` (uses its ``measure_*``, ``results`` and ``facts``)."""

    # --- setup ---------------------------------------------------------------------------
    def onestop_setup(self) -> None:
        if hasattr(self, "place"):
            return
        from congvu.accounts.models import User
        from congvu.demo.dossiers import _place
        from congvu.procedures.models import Procedure
        from congvu.procedures.selectors import current_version

        self.place = _place()
        self.procedure = Procedure.objects.get(code=PORTAL_PROCEDURE)
        self.version = current_version(self.procedure)
        self.papers = list(self.version.papers.order_by("order", "pk"))
        rng = random.Random("citizens")
        self.citizens = []
        for i in range(CITIZENS):
            user, _ = User.objects.get_or_create(
                username=f"{USER_PREFIX}cd{i:03d}",
                defaults={
                    "kind": "citizen",
                    "full_name": person(rng),
                    "phone": f"09{rng.randrange(10**8):08d}",
                    "email": f"congdan{i:03d}@example.vn",
                    "email_verified": True,
                    "password": "!",
                },
            )
            self.citizens.append(user)
        self.counter = itertools.count()

    def applicant(self, i: int) -> dict:
        rng = random.Random(i)
        return {
            "name": person(rng),
            "id_number": f"083{rng.randrange(10**9):09d}",
            "address": f"Ấp An Thuận, {self.place.commune.name}",
            "phone": f"09{rng.randrange(10**8):08d}",
            "email": "",
            "type": "person",
        }

    def upload_files(self, i: int) -> dict:
        from congvu.demo.dossiers import _png

        return {
            f"paper_{p.pk}": (f"giay-to-{p.pk}.png", _png(i + p.pk), "image/png")
            for p in self.papers
            if p.required
        }

    def submit_once(self, citizen=None):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from congvu.onestop.services import dossier_submit_online

        i = next(self.counter)
        files = self.upload_files(i)
        papers = [
            (p, SimpleUploadedFile(*files[f"paper_{p.pk}"]) if p.required else None)
            for p in self.papers
            if p.required
        ]
        return dossier_submit_online(
            actor=citizen or self.citizens[i % len(self.citizens)],
            procedure=self.procedure,
            receiving_unit=self.place.desk,
            applicant=self.applicant(i),
            papers=papers,
            subject="Đăng ký khai sinh cho con",
        )

    def pending(self, n: int) -> list[int]:
        """``n`` dossiers waiting at the desk (status 1), submitted now if there are fewer."""
        from congvu.onestop.models import Dossier

        ids = list(
            Dossier.objects.filter(receiving_unit=self.place.desk, status="submitted")
            .order_by("pk")
            .values_list("pk", flat=True)[:n]
        )
        with contextlib.redirect_stdout(io.StringIO()):
            while len(ids) < n:
                ids.append(self.submit_once().pk)
        return ids

    # --- in-process writes -----------------------------------------------------------------
    def measure_write(self, name: str, op, captured) -> Result:
        """Like ``measure_inprocess`` for a write: its floor replays ``captured``'s SQL, rolled back."""
        from django.db import transaction

        from bench.stats import repeat

        def once():
            with transaction.atomic():
                captured()
                transaction.set_rollback(True)

        statements = self.capture(once)
        floor = self.sql_floor(statements, rollback=True)
        result = repeat(op, warmup=min(self.warmup, 2), iterations=self.iterations)
        result.name, result.where, result.floor = name, "python", floor
        result.note = f"{len(statements)} queries"
        self.results.append(result)
        print(result.line(), flush=True)
        return result

    def http_floor(self, server, cookie: str, body=b"", ctype="application/x-www-form-urlencoded"):
        floor = server.time_calls(
            lambda i: server.post("/bench/floor/", cookie, body, ctype),
            self.warmup,
            self.iterations,
        )
        floor.name, floor.where = "minimal Django view (POST)", "floor"
        return floor

    def http_result(self, result: Result, name: str, floor: Result) -> None:
        result.name, result.where, result.floor = name, "http", floor
        self.results.append(result)
        print(result.line(), flush=True)

    # --- issuing (ban hành) ------------------------------------------------------------------
    def approved_drafts(self) -> list[tuple]:
        """(clerk, document) pairs: every approved draft with a generated văn thư of its unit."""
        from congvu.accounts.models import Position
        from congvu.outgoing.models import OutgoingDocument

        clerks = {}
        for p in Position.objects.filter(
            user__username__startswith=USER_PREFIX, role="clerk"
        ).select_related("user"):
            clerks.setdefault(p.unit_id, p.user)
        docs = OutgoingDocument.objects.filter(
            status="approved", secrecy=0, unit_id__in=clerks
        ).order_by("pk")
        return [(clerks[d.unit_id], d) for d in docs]

    def run_issue(self, http: bool) -> None:
        from django.db import connection

        from congvu.outgoing.services import document_issue

        pool = self.approved_drafts()
        self.facts["approved_drafts"] = len(pool)
        need = 2 * (self.iterations + self.warmup) + 1
        if len(pool) < need:
            print(f"issue: only {len(pool)} approved drafts (want {need}); regenerate the data")
        if len(pool) < 4:
            return
        half = len(pool) // 2
        mine, theirs = iter(pool[:half]), iter(pool[half:])
        clerk, doc = pool[-1]

        def op():
            user, document = next(mine)
            return document_issue(actor=user, document=document)

        self.measure_write(
            "issue an outgoing document", op, lambda: document_issue(actor=clerk, document=doc)
        )  # fmt: skip
        if not http:
            return
        from bench.server import Server

        connection.close()
        with Server(self.root) as server:
            cookies = {}

            def call(i):
                user, document = next(theirs)
                if user.pk not in cookies:
                    cookies[user.pk] = server.login(user)
                path = f"/app/van-ban-di/{document.pk}/phat-hanh/"
                # The page's confirmation field: without it the POST only shows the confirmation.
                status, body = server.post(
                    path, cookies[user.pk], b"xac_nhan=1", "application/x-www-form-urlencoded"
                )
                if status not in (200, 302):
                    raise RuntimeError(f"POST {path}: HTTP {status} {body[:200]!r}")
                self.issued_over_http.append(document.pk)

            self.issued_over_http = []
            floor = self.http_floor(server, server.login(clerk))
            result = server.time_calls(call, self.warmup, self.iterations)
            self.http_result(result, "issue (văn thư, POST phát hành)", floor)
        from congvu.outgoing.models import OutgoingDocument

        done = OutgoingDocument.objects.filter(pk__in=self.issued_over_http, status="issued")
        result.note = f"{done.count()}/{len(self.issued_over_http)} issued"

    # --- online submission (nộp trực tuyến) ------------------------------------------------------
    def portal_form(self, i: int) -> tuple[bytes, str]:
        a = self.applicant(i)
        fields = {
            "receiving_unit": self.place.desk.pk,
            "type": a["type"],
            "name": a["name"],
            "id_number": a["id_number"],
            "address": a["address"],
            "phone": a["phone"],
            "email": "",
            "subject": "Đăng ký khai sinh cho con",
            "result_delivery": "office",
        }
        return multipart(fields, self.upload_files(i))

    def portal_post(self, server, cookie: str, i: int) -> None:
        path = f"/dich-vu-cong/nop/{self.procedure.code}/"
        body, ctype = self.portal_form(i)
        status, text = server.post(path, cookie, body, ctype)
        if status != 302:
            raise RuntimeError(f"POST {path}: HTTP {status} {text[:300]!r}")

    def run_submit(self, http: bool) -> None:
        from django.db import connection

        self.onestop_setup()
        citizen = self.citizens[0]
        self.measure_write(
            "submit a dossier online (citizen)", quiet(self.submit_once),
            quiet(lambda: self.submit_once(citizen)),
        )  # fmt: skip
        if not http:
            return
        from bench.server import Server

        connection.close()
        with Server(self.root) as server:
            cookie = server.login(citizen)
            body, ctype = self.portal_form(0)
            floor = self.http_floor(server, cookie, body, ctype)
            result = server.time_calls(
                lambda i: self.portal_post(server, cookie, 10_000 + i), self.warmup, self.iterations
            )
            self.http_result(result, "submit page (portal, with uploads)", floor)

    def run_portal(self) -> None:
        """Issue 4: 100 citizens submitting at once; latency from POST to the answer with the code.

        Two runs: *paced*, each citizen thinks a random 0–``think`` s before each
        submission (100 open sessions, the target's case), and *burst*, all
        released together by a barrier (the worst case: a queue on the workers).
        """
        from django.db import connection

        from bench.server import Server

        self.onestop_setup()
        connection.close()
        workers = 4
        self.portal_errors = []
        with Server(self.root, workers=workers) as server:
            cookies = [server.login(c) for c in self.citizens]
            connection.close()
            for w in range(2 * workers):
                self.portal_post(server, cookies[w], 99_000 + w)  # warm the workers' imports
            for mode, think in (("paced", self.think), ("burst", 0.0)):
                result = self.citizens_at_once(server, cookies, think, mode == "paced")
                result.name = (
                    f"submit page, {len(cookies)} concurrent citizens, {mode}"
                    + (f" (think 0–{think:.0f} s)" if think else "")
                    + f", {workers} workers"
                )
                self.results.append(result)
                print(result.line(), result.note, flush=True)
        self.code_anomalies = check_dossier_codes()
        print(f"dossier codes: {self.code_anomalies}", flush=True)

    def citizens_at_once(self, server, cookies, think: float, paced: bool) -> Result:
        start = threading.Barrier(len(cookies) + 1)
        samples, errors, lock = [], [], threading.Lock()
        base = 30_000 if paced else 40_000

        def citizen(k: int) -> None:
            rng = random.Random(k)
            start.wait()
            for j in range(CONCURRENT_PER_CITIZEN):
                if think:
                    time.sleep(rng.uniform(0, think))
                t = time.perf_counter()
                try:
                    self.portal_post(server, cookies[k], base + k * 10 + j)
                except Exception as exc:  # reported, never hidden
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}"[:300])
                    continue
                with lock:
                    samples.append((time.perf_counter() - t) * 1000)

        threads = [threading.Thread(target=citizen, args=(k,)) for k in range(len(cookies))]
        for t in threads:
            t.start()
        start.wait()
        started = time.perf_counter()
        for t in threads:
            t.join(timeout=900)
        wall = time.perf_counter() - started
        self.portal_errors += errors[:5]
        return Result(
            name="", where="http", samples=samples, wall=wall, note=f"errors: {len(errors)}"
        )

    # --- reception at the desk (tiếp nhận) ---------------------------------------------------
    def run_accept(self, http: bool) -> None:
        from django.db import connection

        from congvu.onestop.models import Dossier
        from congvu.onestop.services import dossier_accept

        self.onestop_setup()
        officer = self.place.officer
        ids = self.pending(2 * (self.iterations + self.warmup) + 1)
        probe, ids = ids[0], ids[1:]
        half = len(ids) // 2
        mine, theirs = iter(ids[:half]), iter(ids[half:])

        def op():
            return dossier_accept(actor=officer, dossier=Dossier.objects.get(pk=next(mine)))

        self.measure_write(
            "receive a dossier at the desk (Mẫu 01)", quiet(op),
            quiet(lambda: dossier_accept(actor=officer, dossier=Dossier.objects.get(pk=probe))),
        )  # fmt: skip
        if not http:
            return
        from bench.server import Server

        connection.close()
        accepted = []
        with Server(self.root) as server:
            cookie = server.login(officer)

            def call(i):
                pk = next(theirs)
                path = f"/app/mot-cua/{pk}/accept/"
                status, body = server.post(
                    path, cookie, b"note=", "application/x-www-form-urlencoded"
                )
                if status != 302:
                    raise RuntimeError(f"POST {path}: HTTP {status} {body[:200]!r}")
                accepted.append(pk)

            floor = self.http_floor(server, cookie, b"note=")
            result = server.time_calls(call, self.warmup, self.iterations)
            self.http_result(result, "accept at the desk (POST tiếp nhận)", floor)
        done = Dossier.objects.filter(pk__in=accepted, status="received").count()
        result.note = f"{done}/{len(accepted)} received"

    # --- statistics (Decision 766) -------------------------------------------------------------
    def run_stats(self, http: bool) -> None:
        from django.db import connection
        from django.utils import timezone

        from congvu.accounts.models import User
        from congvu.stats.selectors import Period, dossier_statistics, stats_unit_ids

        with connection.cursor() as cur:
            cur.execute(
                "SELECT receiving_unit_id FROM onestop_dossier GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
            )
            row = cur.fetchone()
        if row is None:
            print("stats: no dossiers; run make bench-data")
            return
        unit_id = row[0]
        admin = User.objects.filter(is_superuser=True, kind="official").order_by("pk").first()
        leader = (
            User.objects.filter(positions__unit_id=unit_id, positions__role="leader_head")
            .order_by("pk")
            .first()
        )
        today = timezone.localdate()
        year = Period(datetime.date(today.year, 1, 1), today)
        for label, actor in (("province", admin), ("one unit", leader)):
            scope = stats_unit_ids(actor)

            def op(scope=scope):
                return dossier_statistics(unit_ids=scope, period=year, group_by="unit")

            self.measure_inprocess(
                "stats", f"statistics ({label}, this year, by unit)", op, self.targets["stats"]
            )
        if not http:
            return
        from bench.server import Server

        connection.close()
        with Server(self.root) as server:
            for label, actor in (("province", admin), ("one unit", leader)):
                cookie = server.login(actor)
                floor = server.time("/bench/floor/", cookie, self.warmup, self.iterations)
                floor.name, floor.where = "minimal Django view", "floor"
                result = server.time("/app/thong-ke/", cookie, self.warmup, self.iterations)
                self.http_result(result, f"statistics page ({label})", floor)


def check_dossier_codes() -> dict[str, int]:
    """Dossier codes of every unit and day: numbers exactly 1..N, none repeated (0 = none)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT count(*) FILTER (WHERE n <> d) AS duplicated, count(*) FILTER (WHERE hi <> n) AS skipped
            FROM (
              SELECT prefix, count(*) n, count(DISTINCT seq) d, max(seq) hi FROM (
                SELECT receiving_unit_id, left(code, length(code) - 5) prefix,
                       right(code, 4)::int seq
                FROM onestop_dossier WHERE code ~ '-[0-9]{6}-[0-9]{4}$') c
              GROUP BY receiving_unit_id, prefix) g
            """
        )
        duplicated, skipped = cur.fetchone()
        cur.execute(
            """
            SELECT count(*) FROM onestop_dossiercounter k JOIN org_unit u ON u.id = k.unit_id
            WHERE k.key LIKE 'code:%%' AND k.last <> (
              SELECT count(*) FROM onestop_dossier d WHERE d.receiving_unit_id = k.unit_id
              AND d.code LIKE u.code || '-' || substr(k.key, 6) || '-%%')
            """
        )
        counters = cur.fetchone()[0]
    return {
        "unit-days with a duplicated dossier code": duplicated,
        "unit-days with a skipped dossier code": skipped,
        "daily counters that disagree with their dossiers": counters,
    }
