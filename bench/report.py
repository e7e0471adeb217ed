"""Write ``docs/benchmarks.md`` from one run of ``bench.run``."""

from __future__ import annotations

from pathlib import Path

HEADER = """# Benchmarks

Written by `make bench` (`bench/run.py`) from the run below; do not edit by hand.
Issue 3 §9 sets the targets: the inbox p95 ≤ 50 ms, search p95 ≤ 100 ms, registration
≥ 200 documents/s with 16 concurrent clerks and zero numbering anomalies.

## How to reproduce

```sh
make bench-data SIZE=full SEED=1   # 1,000,000 documents, COPY, ~3–5 min on 2 cores
make bench                         # generates the data first if it is absent
.venv/bin/python -m bench.run --only search --report ""   # a subset, no report written
```

An existing benchmark database needs `congvu migrate` after an upgrade (the search
migration computes the access tokens and the stored vector of every row: a few minutes
for 1,000,000 rows). Run on an otherwise idle machine: the report records the load
average, and the floors show how much other work slowed the run.

`DATABASE_URL` selects the database (default
`postgres://postgres@127.0.0.1:5432/congvu_bench`). `make bench-data SIZE=small` (50,000
documents) is a quick check. The generator replaces the documents, registers and search
index of that database with the generated ones (seeded, so the same seed and the same
`--today` give the same data).

What is measured:

- **python**: the selector or service called directly after `django.setup()`
  (`congvu.settings.demo` on PostgreSQL): warm-up, then N iterations. The inbox is
  `as_actor(user)` + `inbox_counts` + the first page of the first non-empty tab, as the
  page does; search is `congvu.search.selectors.search` (count + first 20 hits with
  highlights). Peak memory is the tracemalloc peak of one call.
- **http**: gunicorn, 2 sync workers, `bench.settings` (the demo settings, DEBUG off) on
  a free loopback port; a session made with `force_login`; sequential GETs from
  `http.client` (one request at a time, so latency, not load).
- **floor**, measured in the same run: for python rows, the SQL the operation sent
  (captured with `CaptureQueriesContext`) replayed over one psycopg connection; for http
  rows, `/bench/floor/`, a view that returns "ok" through the same middleware on the same
  server. *Ratio* = p50 of the operation / p50 of its floor.
- **registration**: `incoming_register` in 16 threads, each a văn thư of a different unit
  with its own database connection, every call the real path (duplicate check, số đến
  under the register's row lock, audit record, processing log, search index on commit).
  Afterwards every register of the database is checked: numbers exactly 1..N with no
  duplicates, and every registered document has its `IssuedNumber` row. Its floor is the
  SQL of one registration replayed in a transaction that is rolled back (single thread).
"""


def _fmt(v, digits=1):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def _load(values) -> str:
    return " / ".join(f"{v:.2f}" for v in values) if values else "–"


def write_report(bench, path: Path) -> None:
    f = bench.facts
    c = f.get("counts", {})
    lines = [HEADER, "## Machine and data", ""]
    lines += [
        f"- Date: {f.get('date')}",
        f"- CPU: {f.get('cpus')} × {f.get('cpu')} (`nproc` = {f.get('cpus')})",
        f"- Memory: {f.get('memory')}",
        f"- PostgreSQL {f.get('postgres')}, Python {f.get('python')}",
        f"- Data: {c.get('incoming_incomingdocument', 0):,} incoming + "
        f"{c.get('outgoing_outgoingdocument', 0):,} outgoing documents "
        f"({c.get('search_searchdocument', 0):,} search rows, "
        f"{c.get('incoming_assignment', 0):,} assignments, "
        f"{c.get('registry_issuednumber', 0):,} issued numbers) across {c.get('units')} units "
        f"and {c.get('officials'):,} generated officials",
        f"- Peak RSS of the benchmark process: {_fmt(f.get('max_rss_mib'))} MiB",
        f"- Load average (1, 5, 15 min) at the start: {_load(f.get('load_start'))}; at the end: "
        f"{_load(f.get('load_end'))} (the machine is shared: above {f.get('cpus')} means "
        "other work competed for the CPUs during the run)",
        "",
        "## Results",
        "",
        "| where | operation | p50 ms | p95 ms | p99 ms | ops/s | peak KiB | floor p50 ms "
        "| ratio | target | held |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    verdicts = {}
    for r in bench.results:
        key = (
            "registration"
            if r.name.startswith("registration")
            else "inbox"
            if "inbox" in r.name
            else "search"
        )
        if key == "registration":
            target = f"≥ {bench_target(key):.0f}/s"
            held = r.throughput >= bench_target(key) and not any(bench.anomalies.values())
        else:
            target = f"p95 ≤ {bench_target(key):.0f} ms"
            held = r.p(95) <= bench_target(key)
        verdicts.setdefault(f"{key} ({r.where})", []).append(held)
        lines.append(
            f"| {r.where} | {r.name} | {_fmt(r.p(50))} | {_fmt(r.p(95))} | {_fmt(r.p(99))} "
            f"| {_fmt(r.throughput)} | {_fmt(r.peak_kib, 0)} "
            f"| {_fmt(r.floor.p(50) if r.floor else None)} | {_fmt(r.ratio)} | {target} "
            f"| {'yes' if held else '**no**'} |"
        )
    lines += ["", "## Targets", ""]
    for key, held in verdicts.items():
        lines.append(f"- {key}: {'held' if all(held) else 'missed'} ({sum(held)}/{len(held)})")
    if hasattr(bench, "anomalies"):
        lines += ["", "Numbering checks after the registration run (0 = no anomaly):", ""]
        lines += [f"- {k}: {v}" for k, v in bench.anomalies.items()]
        if bench.registration_errors:
            lines += ["", "Registration errors:", ""]
            lines += [f"- `{e}`" for e in bench.registration_errors]
    if bench.explains:
        lines += ["", "## Where a target was missed: EXPLAIN ANALYZE of the slowest query", ""]
        for key, text in bench.explains.items():
            lines += [f"### {key}", "", "```", text, "```", ""]
    analysis = Path(__file__).with_name("analysis.md")
    if analysis.exists():
        lines += ["", analysis.read_text(encoding="utf-8")]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def bench_target(key: str) -> float:
    from bench.run import TARGETS

    return TARGETS[key]
