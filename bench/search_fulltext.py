"""``make bench-fulltext``: search over long attachment texts, beside tantivy, in one run (issue 12).

The database is one made by ``make bench-data-fulltext`` (``bench.generate
--attachment-chars``): every document has an attachment text of about 20,000
characters (``bench.legaltext``). Rows, all measured in this one run:

- search p50/p95 for a leader, a specialist and a clerk of the busiest unit (and a
  system administrator, the whole table in scope, when the database has one), the
  count and the first page, in-process (``congvu.search.selectors.search``) and
  over HTTP (gunicorn, ``/app/tim-kiem/``, a logged-in session);
- relevance: for title-derived queries (typed with and without diacritics) of
  documents the leader sees, the share whose source document is in the top 10;
- indexing throughput through congvu's own path (``search_index_update``, which
  reads the attachment text and writes the index row, one by one;
  ``search_index_update_many`` in batches of 100; and the after-commit indexer of
  ``congvu.search.indexer``, embedded and with a worker) for a sample of documents;
- the same queries, scope and relevance check on a tantivy index built from the
  same documents and attachment texts, with its indexing rate and size on disk.

Only public entry points of ``congvu.search`` are used (the selector, the index
service, the page), so the engine behind them may change; tantivy is built from
the documents' own tables, not from congvu's index table.

With ``--engine-dir DIR`` congvu's rows go through the node's tantivy index
(ADR 0006, ``SEARCH_INDEX_DIR``): the same selector and page, another engine behind.

Usage: ``python -m bench.search_fulltext [--relevance 100] [--no-http] [--engine-dir DIR]``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.fulltext_tantivy import TantivyMixin, fold
from bench.stats import percentile

ROOT = Path(__file__).resolve().parents[1]
ROLES = ("leader", "specialist", "clerk")
#: Also measured when the database has one: the whole table in scope (the candidate tiers).
ADMIN = "system administrator"
#: Everyday queries (common words of every document; with and without marks).
COMMON = (
    "quyết định ủy ban nhân dân",
    "ke hoach phong chong dich",
    "chuyển đổi số",
    "bao cao ket qua thuc hien",
    "ngân sách xã",
    "thu tuc hanh chinh",
)
TARGET_MS, TARGET_RELEVANCE, TARGET_INDEXING = 100.0, 95.0, 200.0


class FullTextBench(TantivyMixin):
    def __init__(self, *, seconds: float, relevance: int, index_sample: int, seed: int):
        self.seconds = seconds
        self.relevance_n = relevance
        self.index_sample = index_sample
        self.seed = seed
        self.rows: list[dict] = []
        self.facts: dict = {}

    # --- set-up ------------------------------------------------------------------------
    def pick_actors(self) -> None:
        from django.db import connection

        from bench.generate import USER_PREFIX
        from congvu.accounts.models import User

        with connection.cursor() as cur:
            cur.execute(
                "SELECT unit_id FROM incoming_incomingdocument GROUP BY unit_id "
                "ORDER BY count(*) DESC LIMIT 1"
            )
            unit_id = cur.fetchone()[0]
            cur.execute(
                "SELECT a.user_id FROM incoming_assignment a JOIN accounts_position p "
                "ON p.user_id = a.user_id AND p.unit_id = %s AND p.role = 'specialist' "
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

        self.actors = {
            "leader": holder("leader_head"),
            "specialist": User.objects.get(pk=specialist),
            "clerk": holder("clerk"),
        }
        admin = (
            User.objects.filter(kind="official", is_superuser=True, is_active=True)
            .order_by("pk")
            .first()
        )
        if admin is not None:
            self.actors[ADMIN] = admin
        self.roles = [r for r in (*ROLES, ADMIN) if r in self.actors]

    def pick_relevance(self) -> None:
        """Documents the leader sees, and a title-derived query of each (marks and folded)."""
        from bench.legaltext import TitleIndex, title_query, title_windows
        from congvu.core.authz import as_actor
        from congvu.search.models import SearchDocument

        actor = as_actor(self.actors["leader"])
        rows = list(
            SearchDocument.objects.restrict(actor, "view")
            .order_by("pk")
            .values_list("kind", "object_id", "subject")
        )
        rng = random.Random(f"{self.seed}:relevance")
        picked = rng.sample(rows, min(self.relevance_n, len(rows)))
        self.relevance = []
        titles = TitleIndex([subject for _, _, subject in rows])
        self.ambiguous = set()
        for kind, object_id, subject in picked:
            # Titles repeat (the yearly plan, the quarterly report): when more than ten
            # visible titles contain the query, no engine can be sure to rank its source.
            # A user shown a page of identical titles types other words of the title:
            # up to five windows are drawn, then every window from the shortest, and the
            # first one that few titles share is kept.
            # Drawn one at a time, as before the fallback was added: the same seed gives
            # the same queries (and the same latency mix) for the titles it resolves.
            for _ in range(5):
                marks = title_query(rng, subject, marks=True)
                if titles.shared_by(marks) <= 10:
                    break
            else:
                drawn = marks
                for marks in title_windows(subject, marks=True):
                    if titles.shared_by(marks) <= 10:
                        break
                else:
                    marks = drawn
                    self.ambiguous.add((kind, object_id))
            self.relevance.append(((kind, object_id), marks, fold(marks)))
        # The latency mix: the everyday queries and a few title-derived ones.
        self.queries = list(COMMON) + [q for _, q, _ in self.relevance[:3]]
        self.queries += [f for _, _, f in self.relevance[3:6]]

    def machine(self) -> None:
        import platform

        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            pg = cur.fetchone()[0]
            cur.execute(
                "SELECT count(*), COALESCE(avg(length(text)), 0) FROM files_storedfile "
                "WHERE text <> ''"
            )
            files, avg_chars = cur.fetchone()
            cur.execute("SELECT count(*) FROM incoming_incomingdocument")
            incoming = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM outgoing_outgoingdocument")
            outgoing = cur.fetchone()[0]
            cur.execute(
                "SELECT pg_total_relation_size('search_searchdocument'), "
                "pg_indexes_size('search_searchdocument'), "
                "pg_total_relation_size('files_storedfile')"
            )
            index_table, index_indexes, files_size = cur.fetchone()
            cur.execute(
                "SELECT indexname, pg_relation_size(quote_ident(indexname)::regclass), indexdef "
                "FROM pg_indexes WHERE tablename = 'search_searchdocument' ORDER BY 1"
            )
            indexes = cur.fetchall()
        if not any("USING gin" in ddl for _, _, ddl in indexes):
            # An interrupted bench-data leaves the text indexes dropped: nothing to measure.
            raise SystemExit("search_searchdocument has no GIN index: run make bench-data-fulltext")
        self.facts.update(
            date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            load_start=os.getloadavg(),
            cpus=os.cpu_count(),
            postgres=pg,
            python=platform.python_version(),
            documents=incoming + outgoing,
            attachments=files,
            avg_chars=float(avg_chars),
            pg_index_table=index_table,
            pg_index_indexes=index_indexes,
            pg_files=files_size,
            pg_indexes=[(name, size) for name, size, _ in indexes],
        )

    # --- congvu ------------------------------------------------------------------------
    def use_node_index(self, path: str) -> None:
        """congvu's rows through the node's tantivy index (ADR 0006, ``SEARCH_INDEX_DIR``):
        built here (``congvu search_reindex --engine tantivy``, timed) unless ``path``
        already holds one; the HTTP server gets the same setting."""
        from django.conf import settings

        from congvu.search.engines import sync

        settings.SEARCH_INDEX_DIR = os.environ["SEARCH_INDEX_DIR"] = path
        self.facts["congvu_engine"] = "the node's tantivy index (SEARCH_INDEX_DIR)"
        if sync.current() is None:
            from congvu.search.models import SearchDocument

            n = SearchDocument.objects.count()
            started = time.perf_counter()
            built = sync.rebuild()
            wall = time.perf_counter() - started
            self.rows.append(
                {
                    "name": f"node index rebuild ({built} documents, read from the index table)",
                    "where": "python",
                    "engine": "congvu",
                    "rate": n / wall,
                }
            )
            print(f"congvu   node index rebuild: {n / wall:.1f} documents/s", flush=True)
        else:
            sync.sync(wait=True)

    def pg_search(self, user, query: str, limit: int = 20):
        from congvu.search.selectors import search

        hits, total = search(actor=user, query=query, limit=limit)
        return [(h.kind, h.object_id) for h in hits], total

    def timed_rounds(self, call, queries) -> tuple[list[float], dict]:
        """Round-robin over ``queries`` (one warm-up each) until the time budget is spent."""
        totals = {}
        for q in queries:
            totals[q] = call(q)
        samples: list[float] = []
        started = time.perf_counter()
        while time.perf_counter() - started < self.seconds:
            for q in queries:
                t = time.perf_counter()
                call(q)
                samples.append((time.perf_counter() - t) * 1000)
        return samples, totals

    def add(self, name: str, where: str, engine: str, samples, totals=None, note="") -> None:
        counts = sorted(v for v in (totals or {}).values() if isinstance(v, int))
        row = {
            "name": name,
            "where": where,
            "engine": engine,
            "n": len(samples),
            "p50": percentile(samples, 50),
            "p95": percentile(samples, 95),
            "counts": (counts[0], counts[len(counts) // 2], counts[-1]) if counts else None,
            "note": note,
        }
        self.rows.append(row)
        print(
            f"{engine:8} {where:7} {name:40} p50 {row['p50']:8.1f}  p95 {row['p95']:8.1f} ms"
            f"  n={row['n']}  counts {row['counts']}",
            flush=True,
        )

    def run_pg(self) -> None:
        from congvu.core.authz import as_actor

        for role in self.roles:
            actor = as_actor(self.actors[role])

            def call(q, actor=actor):
                return self.pg_search(actor, q)[1]

            samples, totals = self.timed_rounds(call, self.queries)
            self.add(f"search ({role}), count + first page", "python", "congvu", samples, totals)

    def run_http(self) -> None:
        from bench.server import Server

        with Server(ROOT) as server:
            for role in self.roles:
                cookie = server.login(self.actors[role])

                def call(q, cookie=cookie):
                    status, body = server.get("/app/tim-kiem/?" + urlencode({"q": q}), cookie)
                    if status != 200:
                        raise RuntimeError(f"search page: HTTP {status} {body[:200]!r}")
                    return None

                samples, _ = self.timed_rounds(call, self.queries)
                self.add(f"search page ({role})", "http", "congvu", samples)

    def pg_relevance(self) -> None:
        from congvu.core.authz import as_actor

        actor = as_actor(self.actors["leader"])
        self.relevance_result("congvu", lambda q: self.pg_search(actor, q, limit=10)[0])

    def relevance_result(self, engine: str, top10) -> None:
        found = {"marks": 0, "folded": 0, "clear": 0}
        samples = []
        misses = []
        for key, marks, folded in self.relevance:
            for form, q in (("marks", marks), ("folded", folded)):
                t = time.perf_counter()
                keys = top10(q)
                samples.append((time.perf_counter() - t) * 1000)
                if key in keys:
                    found[form] += 1
                    found["clear"] += key not in self.ambiguous
                elif len(misses) < 5:
                    misses.append(q)
        n = len(self.relevance)
        clear = n - len(self.ambiguous)
        pct = {form: 100.0 * found[form] / n for form in ("marks", "folded")}
        pct["all"] = 100.0 * (found["marks"] + found["folded"]) / (2 * n)
        pct["clear"] = 100.0 * found["clear"] / (2 * clear) if clear else float("nan")
        pct["ambiguous"] = len(self.ambiguous)
        self.rows.append(
            {
                "name": f"relevance: source in top 10 ({n} titles × 2 forms)",
                "where": "python",
                "engine": engine,
                "relevance": pct,
                "n": len(samples),
                "p50": percentile(samples, 50),
                "p95": percentile(samples, 95),
                "misses": misses,
            }
        )
        print(f"{engine:8} relevance {pct} p95 {percentile(samples, 95):.1f} ms", flush=True)

    def pg_indexing(self) -> None:
        """congvu's indexing path for a sample: one by one (``search_index_update``, what an
        after-commit reindex of one document does) and in batches of 100
        (``search_index_update_many``, what ``search_reindex`` and bulk work do)."""
        from congvu.search.models import SearchDocument
        from congvu.search.services import search_index_update, search_index_update_many

        rng = random.Random(f"{self.seed}:indexing")
        keys = list(SearchDocument.objects.order_by("pk").values_list("kind", "object_id"))
        sample = rng.sample(keys, min(2 * self.index_sample, len(keys)))
        one, batched = sample[: len(sample) // 2], sample[len(sample) // 2 :]
        started = time.perf_counter()
        for kind, pk in one:
            search_index_update(kind, pk)
        wall = time.perf_counter() - started
        self.add_rate(f"indexing with attachments ({len(one)} documents, one by one)", one, wall)
        by_kind: dict[str, list] = {}
        for kind, pk in batched:
            by_kind.setdefault(kind, []).append(pk)
        started = time.perf_counter()
        for kind, pks in by_kind.items():
            for i in range(0, len(pks), 100):
                search_index_update_many(kind, pks[i : i + 100])
        wall = time.perf_counter() - started
        self.add_rate(
            f"indexing with attachments ({len(batched)} documents, batches of 100)", batched, wall
        )
        self.pg_indexing_after_commit(rng, keys)

    def pg_indexing_after_commit(self, rng, keys) -> None:
        """The path a change takes (``congvu.search.indexer``): the change records its
        document as pending in its transaction; after the commit the indexer indexes the
        pending documents. Embedded mode (no broker): each commit drains at once, so one
        document per batch. With a broker: the commits only record, and the Celery task
        drains what accumulated, in batches (measured here as one drain of the sample;
        the producers' cost per change is reported beside it)."""
        from django.db import transaction

        from congvu.search import indexer
        from congvu.search.services import search_index_update_on_commit

        sample = rng.sample(keys, min(2 * self.index_sample, len(keys)))
        eager, batched = sample[: len(sample) // 2], sample[len(sample) // 2 :]
        started = time.perf_counter()
        for kind, pk in eager:
            with transaction.atomic():
                search_index_update_on_commit(kind, pk)
        wall = time.perf_counter() - started
        self.add_rate(
            f"indexing after commit, embedded ({len(eager)} changes, each drained at its commit)",
            eager,
            wall,
        )
        if self.facts.get("congvu_engine"):
            from congvu.search.engines import sync

            sync.sync(wait=True)  # the rows above: the node's row below times this sample only
        wake, indexer._wake = indexer._wake, lambda: None  # the worker is "busy"
        try:
            started = time.perf_counter()
            for kind, pk in batched:
                with transaction.atomic():
                    search_index_update_on_commit(kind, pk)
            produced = time.perf_counter() - started
        finally:
            indexer._wake = wake
        started = time.perf_counter()
        indexer.search_index_drain()
        wall = time.perf_counter() - started
        self.add_rate(
            f"indexing after commit, worker ({len(batched)} changes, drained in batches of "
            f"{indexer.BATCH_SIZE}; recording cost {1000 * produced / len(batched):.2f} ms a "
            "change, its commit included)",
            batched,
            wall,
        )
        if self.facts.get("congvu_engine"):
            from congvu.search.engines import sync

            started = time.perf_counter()
            sync.sync(wait=True)
            node = time.perf_counter() - started
            self.add_rate(
                f"node index sync after the worker ({len(batched)} changes)", batched, node
            )
            self.add_rate(
                f"indexing after commit, worker + node index ({len(batched)} changes)",
                batched,
                wall + node,
            )

    def add_rate(self, name: str, sample, wall: float) -> None:
        self.rows.append(
            {"name": name, "where": "python", "engine": "congvu", "rate": len(sample) / wall}
        )
        print(f"congvu   {name}: {len(sample) / wall:.1f} documents/s", flush=True)

    # --- tantivy -----------------------------------------------------------------------
    def run_tantivy(self, keep: str = "") -> None:
        """``keep``: a directory to build the index in and leave, or to reuse it from (the
        1,000,000 run's index takes a quarter of an hour to build)."""
        path = keep or tempfile.mkdtemp(prefix="congvu-tantivy-")
        try:
            if not (keep and self.tantivy_open(keep)):
                if keep:
                    shutil.rmtree(keep, ignore_errors=True)
                    Path(keep).mkdir(parents=True)
                self.tantivy_build(path)
            for role in self.roles:
                tokens = self.tantivy_tokens(self.actors[role])

                def call(q, tokens=tokens):
                    return self.tantivy_search(tokens, q)[1]

                samples, totals = self.timed_rounds(call, self.queries)
                self.add(
                    f"search ({role}), count + first page", "python", "tantivy", samples, totals
                )
            tokens = self.tantivy_tokens(self.actors["leader"])
            self.relevance_result("tantivy", lambda q: self.tantivy_search(tokens, q, 10)[0])
        finally:
            self.index = None
            if not keep:
                shutil.rmtree(path, ignore_errors=True)

    # --- registration ------------------------------------------------------------------
    def pg_registration(self, clerks: int = 16, per_clerk: int = 60) -> None:
        """Registration with 16 concurrent clerks on this database (``bench.run``'s row):
        the index table's long texts must not slow the write path (ADR 0005)."""
        from bench.run import Bench

        bench = Bench(iterations=1, warmup=0, clerks=clerks, per_clerk=per_clerk)
        bench.run_registration()
        result = bench.results[-1]
        anomalies = sum(bench.anomalies.values())
        self.rows.append(
            {
                "name": f"registration ({clerks} concurrent clerks, {result.ops} documents)",
                "where": "python",
                "engine": "congvu",
                "registration": result.ops / result.wall,
                "p95": result.p(95),
                "anomalies": anomalies,
                "errors": bench.registration_errors,
            }
        )

    def run(
        self,
        *,
        http: bool,
        tantivy: bool,
        indexing_only: bool = False,
        tantivy_dir: str = "",
        registration: bool = True,
        engine_dir: str = "",
    ) -> None:
        self.machine()
        if engine_dir:
            self.use_node_index(engine_dir)
        if indexing_only:
            self.pg_indexing()
            self.facts["load_end"] = os.getloadavg()
            return
        self.pick_actors()
        self.pick_relevance()
        self.run_pg()
        if http:
            self.run_http()
        self.pg_relevance()
        if tantivy:
            self.run_tantivy(tantivy_dir)
        self.pg_indexing()
        # Last: it adds documents (and index rows) to the database measured above.
        if registration:
            self.pg_registration()
        self.facts["load_end"] = os.getloadavg()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="time per latency row")
    parser.add_argument("--relevance", type=int, default=100, help="title-derived queries")
    parser.add_argument("--index-sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-tantivy", action="store_true")
    parser.add_argument(
        "--tantivy-dir",
        default="",
        help="build the tantivy index there and keep it; a later run reuses it",
    )
    parser.add_argument(
        "--engine-dir",
        default="",
        help="measure congvu through the node's tantivy index there (SEARCH_INDEX_DIR), "
        "built first unless it exists",
    )
    parser.add_argument("--no-registration", action="store_true")
    parser.add_argument(
        "--indexing-only", action="store_true", help="only the indexing rows (with --report '')"
    )
    parser.add_argument(
        "--report",
        default=str(ROOT / "docs" / "benchmarks-fulltext.md"),
        help="where to write the report; an empty value writes none",
    )
    parser.add_argument(
        "--summary",
        default=str(ROOT / "docs" / "benchmarks.md"),
        help="where to splice the headline rows; an empty value writes none",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/congvu_bench_fulltext"
    )
    from bench.generate import setup_django

    setup_django()
    if not args.no_http:
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    bench = FullTextBench(
        seconds=args.seconds,
        relevance=args.relevance,
        index_sample=args.index_sample,
        seed=args.seed,
    )
    bench.run(
        http=not args.no_http,
        tantivy=not args.no_tantivy,
        indexing_only=args.indexing_only,
        tantivy_dir=args.tantivy_dir,
        registration=not args.no_registration,
        engine_dir=args.engine_dir,
    )
    if args.report:
        from bench.fulltext_report import write_report

        summary = Path(args.summary) if args.summary else None
        write_report(bench, Path(args.report), summary)
        print(f"bench: wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
