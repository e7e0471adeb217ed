"""The load test's section of docs/benchmarks.md (``make load`` writes it, ``make bench`` keeps it).

The section sits between two markers, so either command can rewrite its own part
of the file without losing the other's.
"""

from __future__ import annotations

from pathlib import Path

START = "<!-- load:start -->"
END = "<!-- load:end -->"


def render(result: dict, target_rps: int, target_p95_ms: int) -> str:
    t = result["total"]
    m = dict(result.get("machine") or {})
    loadavg, machine = m.pop("loadavg", None), m.pop("machine", None)
    cpu = ", ".join(f"{name} {value:g} %" for name, value in sorted(m.items())) or "–"
    lines = [
        START,
        "## Load (`make load`, docs/load.md)",
        "",
        f"Run `{result['label']}`: {result['users']} users × {result['user_rps']:g} requests/s "
        f"(offered {result['offered_rps']:g}/s) for {result['duration_s']} s against "
        f"{result['gunicorn_workers']} gunicorn workers × {result['gunicorn_threads']} threads"
        f"{', a Celery worker' if result.get('celery_worker') else ''}, "
        f"{result['documents']} documents, {result.get('cores')} cores. "
        f"Target: ≥ {target_rps} requests/s at p95 ≤ {target_p95_ms} ms with no errors: "
        f"**{'met' if result['target_met'] else 'not met'}**.",
        "",
        "| requests | failed | served req/s | p50 ms | p95 ms | p99 ms |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {t['requests']:,} | {t['failures']} | {t['rps']} | {t['p50_ms']:.0f} "
        f"| {t['p95_ms']:.0f} | {t['p99_ms']:.0f} |",
        "",
        f"Averages sampled each second during the run: CPU by process group (100 % = one "
        f"core) {cpu}; whole machine {machine if machine is not None else '–'} % of all "
        f"cores; load average {loadavg if loadavg is not None else '–'}.",
        "",
        "| endpoint | requests | p50 ms | p95 ms | p99 ms | failed |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in sorted(result["endpoints"].items()):
        lines.append(
            f"| {name} | {r['requests']:,} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} "
            f"| {r['p99_ms']:.0f} | {r['failures']} |"
        )
    lines.append(END)
    return "\n".join(lines)


def existing(path: Path) -> str:
    """The load section already in ``path`` (markers included), or ``""``."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        return ""
    return text[start : end + len(END)]


def splice(path: Path, section: str) -> None:
    """Put ``section`` in ``path``: in place of the old one, else before the analysis."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    old = existing(path)
    if old:
        text = text.replace(old, section)
    else:
        anchor = text.find("\n## Where a target was missed")
        if anchor < 0:
            text = text.rstrip() + "\n\n" + section + "\n"
        else:
            text = text[:anchor] + "\n\n" + section + "\n" + text[anchor:]
    path.write_text(text, encoding="utf-8")
