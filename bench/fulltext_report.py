"""The report of ``bench.search_fulltext``: congvu and tantivy side by side, from one run."""

from __future__ import annotations

from pathlib import Path

from bench.search_fulltext import TARGET_INDEXING, TARGET_MS, TARGET_RELEVANCE

#: The summary kept in docs/benchmarks.md between these markers (``bench.report`` keeps it).
START, END = "<!-- fulltext:start -->", "<!-- fulltext:end -->"


def _ms(v) -> str:
    return f"{v:,.1f}"


def _verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _mib(n) -> str:
    return f"{n / 2**20:,.0f} MiB"


def existing(path: Path) -> str:
    """The full-text section already in ``path`` (markers included), or ``""``."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(START), text.find(END)
    return text[start : end + len(END)] if 0 <= start < end else ""


def splice(path: Path, section: str) -> None:
    """Put ``section`` in ``path``: in place of the old one, else before the analysis."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    old = existing(path)
    if old:
        text = text.replace(old, section)
    else:
        anchor = text.find("\n## Analysis")
        if anchor < 0:
            text = text.rstrip() + "\n\n" + section + "\n"
        else:
            text = text[:anchor] + "\n\n" + section + "\n" + text[anchor:]
    path.write_text(text, encoding="utf-8")


def summary(bench, detail: Path) -> str:
    """The headline rows for docs/benchmarks.md (the full tables are in ``detail``)."""
    f = bench.facts
    lines = [
        START,
        "## Full-text search over attachment texts (issue 12)",
        "",
        f"`make bench-fulltext`, {f['date']}: **{f['documents']:,} documents** with attachment "
        f"texts of {f['avg_chars']:,.0f} characters on average, congvu beside tantivy in the "
        f"same run (load average {f['load_start'][0]:.1f} at the start: a shared machine). "
        f"congvu searched through {f.get('congvu_engine', 'the database match (PostgreSQL)')}. "
        f"Full tables: {detail.name}; the decision: docs/adr/0006-search-engine.md.",
        "",
        "| row | congvu | tantivy | target |",
        "|---|---|---|---|",
    ]
    by = {(r["engine"], r["name"], r["where"]): r for r in bench.rows}
    for (engine, name, where), r in by.items():
        if engine != "congvu":
            continue
        other = by.get(("tantivy", name, where))
        if "relevance" in r:
            t = other["relevance"]["all"] if other else None
            u = other["relevance"].get("clear", float("nan")) if other else None
            lines.append(
                f"| relevance, source in top 10 (unambiguous titles) | "
                f"{r['relevance']['all']:.0f} % ({r['relevance'].get('clear', float('nan')):.0f} %) | "
                f"{'–' if t is None else f'{t:.0f} % ({u:.0f} %)'} | ≥ {TARGET_RELEVANCE:.0f} % |"
            )
        elif "registration" in r:
            lines.append(
                f"| {name}, no numbering anomaly | {r['registration']:,.1f}/s, "
                f"{r['anomalies']} anomalies | – | ≥ 200/s, 0 |"
            )
        elif "rate" in r:
            t = next((x for x in bench.rows if x["engine"] == "tantivy" and "rate" in x), None)
            lines.append(
                f"| {name} | {r['rate']:,.1f}/s | "
                f"{'–' if t is None else f'{t["rate"]:,.1f}/s'} | ≥ {TARGET_INDEXING:.0f}/s |"
            )
        else:
            t = f"{_ms(other['p50'])} / {_ms(other['p95'])} ms" if other else "–"
            lines.append(
                f"| {name} ({where}), p50 / p95 | {_ms(r['p50'])} / {_ms(r['p95'])} ms | {t} "
                f"| p95 ≤ {TARGET_MS:.0f} ms |"
            )
    lines.append(END)
    return "\n".join(lines)


def write_report(bench, path: Path, summary_path: Path | None = None) -> None:
    f = bench.facts
    load = ", ".join(f"{x:.1f}" for x in f["load_start"])
    load_end = ", ".join(f"{x:.1f}" for x in f.get("load_end", ()))
    lines = [
        "# Full-text search benchmark (issue 12)",
        "",
        "Written by `make bench-fulltext` (`bench/search_fulltext.py`) from the run below; "
        "do not edit by hand. The decision it feeds is docs/adr/0006-search-engine.md.",
        "",
        "## How to reproduce",
        "",
        "```sh",
        "make bench-data-fulltext SIZE=10000   # documents with ~20,000-character attachments",
        "make bench-fulltext                   # congvu and tantivy, same data, same run",
        "make bench-data-fulltext SIZE=full && make bench-fulltext   # the 1,000,000 run",
        "```",
        "",
        "`DATABASE_URL` selects the database (default "
        "`postgres://postgres@127.0.0.1:5432/congvu_bench_fulltext`). The attachment texts "
        "are synthetic (`bench/legaltext.py`: a syllable bigram model of text the project "
        "ships, the relevance corpus `tests/search/corpus/documents.json` and the national "
        "procedure sample `tthc-sample.jsonl`, laid out as căn cứ, Điều, khoản, with the "
        "document's title repeated in its body).",
        "",
        "## The run",
        "",
        f"- {f['date']}; {f['cpus']} CPUs; PostgreSQL {f['postgres']}; Python {f['python']}.",
        f"- Load average at the start {load}; at the end {load_end}. The machine was shared: "
        "absolute times are pessimistic, the comparison within the run is what counts.",
        f"- **{f['documents']:,} documents**, {f['attachments']:,} attachment texts of "
        f"{f['avg_chars']:,.0f} characters on average.",
        f"- congvu index table {_mib(f['pg_index_table'])} (of which indexes "
        f"{_mib(f['pg_index_indexes'])}); attachment texts (`files_storedfile`) "
        f"{_mib(f['pg_files'])}; tantivy index {_mib(f.get('tantivy_size', 0))} on disk.",
        "- congvu's indexes on the index table: "
        + ", ".join(f"`{name}` {_mib(size)}" for name, size in f.get("pg_indexes", []))
        + ".",
        "",
        "## Latency (count and first page of 20)",
        "",
        f"Target: p95 ≤ {TARGET_MS:.0f} ms. Each row cycles over the same "
        f"{len(bench.queries)} queries for {bench.seconds:.0f} s: "
        + ", ".join(f"`{q}`" for q in bench.queries)
        + ". Counts: fewest / median / most matches of those queries for that user.",
        "",
        "| operation | where | engine | p50 ms | p95 ms | n | counts | p95 ≤ target |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for r in bench.rows:
        if "p50" in r and "relevance" not in r and "registration" not in r:
            counts = " / ".join(f"{c:,}" for c in r["counts"]) if r.get("counts") else "–"
            lines.append(
                f"| {r['name']} | {r['where']} | {r['engine']} | {_ms(r['p50'])} | "
                f"{_ms(r['p95'])} | {r['n']} | {counts} | {_verdict(r['p95'] <= TARGET_MS)} |"
            )
    lines += [
        "",
        "## Relevance",
        "",
        f"Target: the source document in the top 10 for ≥ {TARGET_RELEVANCE:.0f} % of "
        "title-derived queries (4–7 words of the trích yếu, as typed with marks and folded), "
        "searched by the leader among the documents they see. Titles repeat (the yearly plan, "
        "the quarterly report), so a query contained in more than ten of the titles the "
        "leader sees cannot be resolved by any engine: up to five windows of each title are "
        "drawn, then every window from the shortest, and the first one shared by at most ten "
        "titles is kept (as a user shown a page of identical titles types other words of the "
        "same title). *Ambiguous* counts the titles with no such window (all but identical "
        "titles); *unambiguous* is the share over the others.",
        "",
        "| engine | with marks | without marks | all | unambiguous | ambiguous queries "
        "| p95 ms | meets target | first misses |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in bench.rows:
        if "relevance" in r:
            p = r["relevance"]
            misses = "; ".join(f"`{m}`" for m in r["misses"][:3]) or "–"
            lines.append(
                f"| {r['engine']} | {p['marks']:.0f} % | {p['folded']:.0f} % | {p['all']:.0f} % "
                f"| {p.get('clear', float('nan')):.0f} % | {p.get('ambiguous', '?')} of "
                f"{len(bench.relevance)} "
                f"| {_ms(r['p95'])} | {_verdict(p['all'] >= TARGET_RELEVANCE)} | {misses} |"
            )
    lines += [
        "",
        "## Indexing",
        "",
        f"Target: ≥ {TARGET_INDEXING:.0f} documents/s with attachments. congvu: "
        "`search_index_update` one document at a time (reads the attachment text, folds it, "
        "writes the row and its vector and GIN entries, commits), and "
        "`search_index_update_many` in batches of 100 (one query per table read, one "
        "upsert, one commit per batch). tantivy: fold, add and "
        "one commit for the whole corpus, one writer thread (reading the rows from "
        f"PostgreSQL, {f.get('tantivy_read_seconds', 0):.1f} s, not counted).",
        "",
        "| engine | operation | documents/s | meets target |",
        "|---|---|---:|---|",
    ]
    for r in bench.rows:
        if "rate" in r:
            lines.append(
                f"| {r['engine']} | {r['name']} | {r['rate']:,.1f} | "
                f"{_verdict(r['rate'] >= TARGET_INDEXING)} |"
            )
    registration = [r for r in bench.rows if "registration" in r]
    if registration:
        lines += [
            "",
            "## Registration on the same database",
            "",
            "Target: ≥ 200 registrations/s with 16 concurrent clerks (one process each) and no "
            "numbering anomaly, as in docs/benchmarks.md, here with the index table of long "
            "texts beside it. Run last: it adds its documents to the database.",
            "",
            "| operation | documents/s | p95 ms | numbering anomalies | errors | meets target |",
            "|---|---:|---:|---:|---|---|",
        ]
        for r in registration:
            ok = r["registration"] >= 200 and not r["anomalies"] and not r["errors"]
            errors = "; ".join(r["errors"]) or "none"
            lines.append(
                f"| {r['name']} | {r['registration']:,.1f} | {_ms(r['p95'])} | "
                f"{r['anomalies']} | {errors} | {_verdict(ok)} |"
            )
    lines += [
        "",
        "## How the two differ",
        "",
        "- Scope: congvu applies its exact visibility rule (`restrict()`); tantivy filters on "
        "the same access tokens (own unit, named people, recipient units) without the "
        "secrecy and status checks, so it may count a few documents more.",
        "- Page: congvu's rows include the highlighted snippet of each hit (HTML page over "
        "HTTP); tantivy's return the page's keys only, which the application would then "
        "read from PostgreSQL by primary key (a few ms).",
        "- Ranking: congvu orders by its field score (`congvu.search.ranking`); tantivy by "
        "BM25 with the same field weights (số ký hiệu 3, trích yếu 2, people 1, body 1), "
        "the phrase in the trích yếu ×5 and words typed with marks ×1.5.",
    ]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    if summary_path is not None:
        splice(summary_path, summary(bench, path))
