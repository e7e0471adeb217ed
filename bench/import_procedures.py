"""Measure ``import_procedures`` on PostgreSQL: 3,000 procedures must import in ≤ 30 s.

    .venv/bin/python -m bench.import_procedures [--count 3000] [--source FILE.jsonl]

Builds a file of ``--count`` records mutated from the real sample (codes,
names, processing times and fees varied; about 1 % broken lines), then
times three runs on an emptied catalogue: the first import (all created),
the same file again (all unchanged) and a re-mutated file (all updated).
DATABASE_URL selects the database (default: a database of its own,
congvu_bench_procedures, created and migrated when absent).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / "tests" / "procedures" / "data" / "tthc-sample.jsonl"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/congvu_bench_procedures"


def mutated_lines(source: Path, count: int, seed: int, generation: int) -> list[str]:
    """``count`` JSON lines: sample records with new codes and varied times, fees and names."""
    rng = random.Random(seed * 1000 + generation)
    base = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
    lines = []
    for i in range(count):
        record = dict(base[i % len(base)])
        record["ma_thu_tuc"] = f"{record['ma_thu_tuc']}.{i:05d}"
        record["ten_thu_tuc"] = f"{record['ten_thu_tuc']} (mẫu {i}, lần {generation})"
        raw = record.get("cach_thuc_thuc_hien_raw", "")
        days = rng.choice(["1", "3", "5 Ngày làm việc", "7 Ngày", "Không có thông tin", "4 Giờ"])
        for old in ("5 Ngày làm việc", "1 Ngày làm việc", "20 Ngày"):
            raw = raw.replace(old, days)
        if rng.random() < 0.3:
            raw = raw.replace("Miễn phí", f"Lệ phí : {rng.randrange(1, 200)}.000 Đồng")
        record["cach_thuc_thuc_hien_raw"] = raw
        if i % 100 == 42:
            lines.append('{"ma_thu_tuc": "broken' + str(i))  # invalid JSON
            continue
        if i % 100 == 77:
            record.pop("ma_thu_tuc")  # rejected: code missing
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings.demo")
    if url.startswith("postgres"):
        ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from congvu.procedures.importer import import_lines
    from congvu.procedures.models import Procedure, ProcedureField

    call_command("migrate", verbosity=0)
    if Procedure.objects.filter(dossiers__isnull=False).exists():
        print("refusing to empty a catalogue that has dossiers", file=sys.stderr)
        return 2
    Procedure.objects.all().delete()
    ProcedureField.objects.all().delete()

    runs = [("first import", 1), ("same file again", 1), ("changed file", 2)]
    print(f"{args.count} records on {connection.vendor}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for label, generation in runs:
            path = Path(tmp) / f"gen{generation}.jsonl"
            if not path.exists():
                path.write_text(
                    "\n".join(mutated_lines(args.source, args.count, args.seed, generation)) + "\n",
                    encoding="utf-8",
                )
            started = time.perf_counter()
            with path.open(encoding="utf-8") as handle:
                report = import_lines(handle)
            elapsed = time.perf_counter() - started
            worst = max(worst, elapsed)
            print(
                f"{label:>16}: {elapsed:6.2f} s  created {len(report.created)}, "
                f"updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
                f"flagged {report.flagged}, rejected {len(report.rejected)}"
            )
    target = 30.0
    print(f"worst {worst:.2f} s (target ≤ {target:.0f} s): {'OK' if worst <= target else 'SLOW'}")
    return 0 if worst <= target else 1


if __name__ == "__main__":
    sys.exit(main())
