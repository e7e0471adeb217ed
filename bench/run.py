"""``make bench``: measure the main operations of issue 5 §2 on the benchmark database.

Inbox, search, registration of incoming documents, issuing outgoing ones,
online submission of dossiers (also 100 citizens at once), reception at the
desk and statistics (``bench.ops``).

In-process (selectors and services called directly) and over HTTP (gunicorn,
2 workers, loopback), each beside its floor measured in the same run: the
same SQL replayed with psycopg, and a minimal Django view on the same server.
Writes ``docs/benchmarks.md`` (``--report``).
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

from bench.generate import USER_PREFIX, check_numbering, setup_django
from bench.ops import OneStopOps
from bench.stats import Result, max_rss_mib, peak_memory, repeat

ROOT = Path(__file__).resolve().parents[1]
SEARCHES = (
    "quyet dinh 12 ubnd",
    "ke hoach phong chong dich",
    "sot xuat huyet Thạnh Phú",
    "V/v chuyển đổi số",
)
# p95 in ms, or documents/s for registration (issue 3 §9, issue 4 §9: "portal" is the
# p95 from submission to the code with 100 concurrent citizens; statistics ≤ 1 s).
TARGETS = {"inbox": 50.0, "search": 100.0, "registration": 200.0, "portal": 200.0, "stats": 1000.0}
PARTS = ("inbox", "registration", "http", "search", "issue", "submit", "accept", "stats", "portal")


class Bench(OneStopOps):
    def __init__(
        self, *, iterations: int, warmup: int, clerks: int, per_clerk: int, think: float = 20.0
    ):
        self.think = think
        self.iterations = iterations
        self.warmup = warmup
        self.clerks = clerks
        self.per_clerk = per_clerk
        self.results: list[Result] = []
        self.run_tag = time.strftime("%H%M%S")  # số ký hiệu unique per run (no duplicate flag)
        self.explains: dict[str, str] = {}
        self.facts: dict[str, object] = {}
        self.root = ROOT
        self.targets = TARGETS

    # --- actors --------------------------------------------------------------------------
    def pick_actors(self) -> None:
        from django.db import connection

        from congvu.accounts.models import User

        with connection.cursor() as cur:
            cur.execute(
                "SELECT unit_id FROM incoming_incomingdocument GROUP BY unit_id "
                "ORDER BY count(*) DESC LIMIT 1"
            )
            unit_id = cur.fetchone()[0]
            cur.execute(
                "SELECT a.user_id FROM incoming_assignment a "
                "JOIN accounts_position p ON p.user_id = a.user_id AND p.unit_id = %s "
                "AND p.role = 'specialist' WHERE a.status = 'open' "
                "GROUP BY a.user_id ORDER BY count(*) DESC LIMIT 1",
                [unit_id],
            )
            specialist = cur.fetchone()[0]

        def holder(role):
            return (
                User.objects.filter(
                    username__startswith=USER_PREFIX,
                    positions__unit_id=unit_id,
                    positions__role=role,
                )
                .order_by("pk")
                .first()
            )

        self.unit_id = unit_id
        self.actors = {
            "clerk": holder("clerk"),
            "leader": holder("leader_head"),
            "specialist": User.objects.get(pk=specialist),
        }

    # --- floor: the same SQL, directly ---------------------------------------------------
    def capture(self, fn) -> list[str]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            fn()
        self.last_times = [float(q["time"]) for q in ctx.captured_queries]
        return [q["sql"] for q in ctx.captured_queries]

    def sql_floor(
        self, statements: list[str], *, rollback: bool = False, warmup: int | None = None
    ) -> Result:
        from django.db import connection

        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=not rollback) as conn:

            def run():
                with conn.cursor() as cur:
                    for sql in statements:
                        cur.execute(sql.encode(), prepare=False)
                        if cur.description is not None:
                            cur.fetchall()
                if rollback:
                    conn.rollback()

            result = repeat(
                run, warmup=self.warmup if warmup is None else warmup, iterations=self.iterations
            )
        result.name, result.where = "same SQL (psycopg)", "floor"
        return result

    def explain_slowest(self, key: str, statements: list[str]) -> None:
        from django.db import connection

        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        times = getattr(self, "last_times", [0.0] * len(statements))
        _, slowest = max(zip(times, statements, strict=False))
        with psycopg.connect(**params, autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(b"EXPLAIN (ANALYZE, BUFFERS) " + slowest.encode(), prepare=False)
            plan = "\n".join(r[0] for r in cur.fetchall())
        self.explains[key] = f"-- slowest statement\n{slowest}\n\n{plan}"

    # --- in-process ----------------------------------------------------------------------
    def inbox_op(self, user_pk: int):
        from congvu.accounts.models import User
        from congvu.core.authz import as_actor
        from congvu.inbox.selectors import categories_for, inbox_counts, inbox_list

        def op():
            actor = as_actor(User.objects.get(pk=user_pk))
            counts = inbox_counts(actor)
            keys = [c.key for c in categories_for(actor)]
            tab = next((k for k in keys if counts.get(k)), keys[0])
            return inbox_list(actor, tab, limit=20)

        return op

    def search_op(self, user_pk: int, query: str):
        from congvu.accounts.models import User
        from congvu.core.authz import as_actor
        from congvu.search.selectors import search

        def op():
            actor = as_actor(User.objects.get(pk=user_pk))
            return search(actor=actor, query=query, limit=20)

        return op

    def measure_inprocess(self, key: str, name: str, op, target: float | None) -> Result:
        statements = self.capture(op)
        times = list(self.last_times)
        warmup = self.warmup if sum(times) < 1 else 0
        result = repeat(op, warmup=warmup, iterations=self.iterations)
        result.name, result.where = name, "python"
        result.peak_kib = peak_memory(op) if sum(times) < 1 else None
        result.floor = self.sql_floor(statements, warmup=warmup)
        result.note = f"{len(statements)} queries"
        self.last_times = times
        if target is not None and result.p(95) > target:
            self.explain_slowest(f"{key}: {name}", statements)
        self.results.append(result)
        print(result.line(), flush=True)
        return result

    def run_inbox(self) -> None:
        for role, user in self.actors.items():
            self.measure_inprocess(
                "inbox", f"inbox ({role})", self.inbox_op(user.pk), TARGETS["inbox"]
            )
        # The rows above reuse the kept SQL (congvu.core.sqlcache), as every request after
        # a user's first of the day does; this one builds it every time.
        from congvu.inbox.selectors import COUNT_SQL, LIST_SQL

        warm = self.inbox_op(self.actors["leader"].pk)

        def cold():
            COUNT_SQL.clear()
            LIST_SQL.clear()
            return warm()

        self.measure_inprocess(
            "inbox", "inbox (leader, SQL built: first request of the day)", cold, TARGETS["inbox"]
        )

    def run_search(self) -> None:
        for role, queries in (("leader", SEARCHES), ("specialist", SEARCHES[:1])):
            for q in queries:
                self.measure_inprocess(
                    "search",
                    f'search ({role}) "{q}"',
                    self.search_op(self.actors[role].pk, q),
                    TARGETS["search"],
                )
        cap = self.search_op(self.actors["leader"].pk, self.person_query())
        self.measure_inprocess(
            "search", f'search (leader) "{self.person_query()}"', cap, TARGETS["search"]
        )

    def person_query(self) -> str:
        if not hasattr(self, "_person"):
            from django.db import connection

            with connection.cursor() as cur:
                cur.execute(
                    "SELECT signer_name FROM incoming_incomingdocument WHERE unit_id = %s "
                    "AND signer_name <> '' ORDER BY id LIMIT 1",
                    [self.unit_id],
                )
                self._person = cur.fetchone()[0]
        return self._person

    # --- registration --------------------------------------------------------------------
    def clerks_for_registration(self):
        from congvu.accounts.models import Position

        rows = (
            Position.objects.filter(user__username__startswith=USER_PREFIX, role="clerk")
            .select_related("unit", "user")
            .order_by("unit_id")
        )
        return [(p.user, p.unit) for p in rows[: self.clerks]]

    def register_once(self, user, unit, k: int, today, dtype):
        from congvu.incoming.services.registration import incoming_register

        return incoming_register(
            actor=user,
            unit=unit,
            number_notation=f"{k}/STC-NS{self.run_tag}",
            document_date=today,
            document_type=dtype,
            subject=f"V/v hướng dẫn quyết toán ngân sách xã năm {today.year} (lượt {k})",
            issuer_name="Sở Tài chính tỉnh Vĩnh Long",
            signer_name="Trần Văn Phúc",
        )

    def register_concurrently(self, clerks, today, dtype):
        """One process per clerk (own connection, no shared GIL), started together."""
        import multiprocessing as mp

        from django.db import connections

        connections.close_all()
        ctx = mp.get_context("fork")
        queue = ctx.Queue()
        start = ctx.Event()

        def worker(index, user, unit):
            from django.db import connection

            mine, errs = [], []
            start.wait()
            deadline = time.perf_counter() + 120
            try:
                for i in range(self.per_clerk):
                    if time.perf_counter() > deadline:
                        break
                    t = time.perf_counter()
                    self.register_once(user, unit, 1000 * (index + 1) + i, today, dtype)
                    mine.append((time.perf_counter() - t) * 1000)
            except Exception as exc:  # reported, never hidden
                errs.append(f"{type(exc).__name__}: {exc}")
            finally:
                connection.close()
                queue.put((mine, errs))

        procs = [ctx.Process(target=worker, args=(i, u, un)) for i, (u, un) in enumerate(clerks)]
        for p in procs:
            p.start()
        time.sleep(1)
        started = time.perf_counter()
        start.set()
        samples, errors = [], []
        for _ in procs:
            mine, errs = queue.get(timeout=300)
            samples.extend(mine)
            errors.extend(errs)
        wall = time.perf_counter() - started
        for p in procs:
            p.join(timeout=30)
        return samples, errors, wall

    def run_registration(self) -> None:
        from django.db import transaction

        from congvu.registry.models import DocumentType

        today = datetime.date.today()
        dtype = DocumentType.objects.get(code="cong-van")
        clerks = self.clerks_for_registration()
        # The floor: one registration's SQL, replayed in a transaction that is rolled back.
        user, unit = clerks[0]
        holder = {}

        def captured():
            with transaction.atomic():
                holder["doc"] = self.register_once(user, unit, 10**6, today, dtype)
                transaction.set_rollback(True)

        statements = self.capture(captured)
        floor = self.sql_floor(statements, rollback=True)
        samples, errors, wall = self.register_concurrently(clerks, today, dtype)
        result = Result(
            name=f"registration ({len(clerks)} concurrent clerks)",
            where="python",
            samples=samples,
            wall=wall,
            floor=floor,
            ops=len(samples),
            note=f"{len(statements)} queries; errors: {len(errors)}",
        )
        result.peak_kib = None
        self.results.append(result)
        self.registration_errors = errors[:5]
        self.anomalies = check_numbering()
        print(result.line(), f"anomalies: {self.anomalies}", flush=True)

    # --- HTTP ----------------------------------------------------------------------------
    def run_http(self) -> None:
        from bench.server import Server

        with Server(ROOT) as server:
            for role, user in self.actors.items():
                cookie = server.login(user)
                floor = server.time("/bench/floor/", cookie, self.warmup, self.iterations)
                floor.name, floor.where = "minimal Django view", "floor"
                result = server.time("/app/viec-cua-toi/", cookie, self.warmup, self.iterations)
                result.name, result.where, result.floor = f"inbox page ({role})", "http", floor
                self.results.append(result)
                print(result.line(), flush=True)
            cookie = server.login(self.actors["leader"])
            floor = server.time("/bench/floor/", cookie, self.warmup, self.iterations)
            floor.name, floor.where = "minimal Django view", "floor"
            for q in (SEARCHES[0], self.person_query()):
                from urllib.parse import urlencode

                path = "/app/tim-kiem/?" + urlencode({"q": q})
                result = server.time(path, cookie, self.warmup, self.iterations)
                result.name, result.where, result.floor = f'search page "{q}"', "http", floor
                self.results.append(result)
                print(result.line(), flush=True)

    # --- all -----------------------------------------------------------------------------
    def machine(self) -> None:
        import os
        import platform

        from django.db import connection
        from django.utils import timezone

        cpu = ""
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = ""
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            pg = cur.fetchone()[0]
            counts = {}
            for table in (
                "incoming_incomingdocument",
                "outgoing_outgoingdocument",
                "search_searchdocument",
                "incoming_assignment",
                "registry_issuednumber",
                "onestop_dossier",
                "onestop_clockpause",
            ):
                cur.execute(f"SELECT count(*) FROM {table}")
                counts[table] = cur.fetchone()[0]
            cur.execute(
                "SELECT count(DISTINCT unit_id) FROM accounts_position p JOIN accounts_user u "
                "ON u.id = p.user_id WHERE u.username LIKE %s",
                [USER_PREFIX + "%"],
            )
            counts["units"] = cur.fetchone()[0]
            cur.execute(
                "SELECT count(*) FROM accounts_user WHERE username LIKE %s", [USER_PREFIX + "%"]
            )
            counts["officials"] = cur.fetchone()[0]
        self.facts = {
            "load_start": os.getloadavg(),
            "date": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z"),
            "cpus": os.cpu_count(),
            "cpu": cpu,
            "memory": mem,
            "postgres": pg,
            "python": platform.python_version(),
            "counts": counts,
        }

    def run(self, *, http: bool, registration: bool, only: set[str] | None = None) -> None:
        import os

        self.machine()
        self.pick_actors()
        parts = only or set(PARTS)
        if "inbox" in parts:
            self.run_inbox()
        if registration and "registration" in parts:
            self.run_registration()
        if http and "http" in parts:
            self.run_http()
        if "search" in parts:
            self.run_search()
        if "issue" in parts:
            self.run_issue(http)
        if "submit" in parts:
            self.run_submit(http)
        if "accept" in parts:
            self.run_accept(http)
        if http and "portal" in parts:
            self.run_portal()
        if "stats" in parts:
            self.run_stats(http)
        self.facts["max_rss_mib"] = max_rss_mib()
        self.facts["load_end"] = os.getloadavg()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--clerks", type=int, default=16)
    parser.add_argument("--per-clerk", type=int, default=60)
    parser.add_argument(
        "--think", type=float, default=20.0, help="portal: a citizen's pause before each submission"
    )
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-registration", action="store_true")
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated subset of {','.join(PARTS)} (default: all)",
    )
    parser.add_argument(
        "--report",
        default=str(ROOT / "docs" / "benchmarks.md"),
        help="where to write the report; an empty value writes none",
    )
    args = parser.parse_args(argv)
    import os

    # Console SMS, e-mail and PDF logs of thousands of operations are noise (gunicorn inherits).
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    setup_django()
    from django.core.management import call_command

    only = {p.strip() for p in args.only.split(",") if p.strip()}
    unknown = only - set(PARTS)
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(sorted(unknown))}")
    if not args.no_http and (not only or only - {"inbox", "registration", "search"}):
        call_command("collectstatic", interactive=False, verbosity=0)  # the served pages
    bench = Bench(
        iterations=args.iterations,
        warmup=args.warmup,
        clerks=args.clerks,
        per_clerk=args.per_clerk,
        think=args.think,
    )
    bench.run(http=not args.no_http, registration=not args.no_registration, only=only or None)
    from bench.report import write_report

    if args.report:
        write_report(bench, Path(args.report))
        print(f"bench: wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
