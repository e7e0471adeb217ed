"""``congvu import_procedures FILE.jsonl``: import the national procedure database."""

from __future__ import annotations

import datetime
import json
import time

from django.core.management.base import BaseCommand, CommandError

from congvu.procedures.importer import DEFAULT_BATCH, import_file


class Command(BaseCommand):
    help = "Import procedures (thủ tục hành chính) from a JSON-lines file of the national database."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--effective-date",
            type=datetime.date.fromisoformat,
            default=None,
            help="First day of new or changed versions (YYYY-MM-DD; default today).",
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            report = import_file(
                options["file"],
                effective_date=options["effective_date"],
                batch_size=max(1, options["batch_size"]),
            )
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        elapsed = time.monotonic() - started
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {**report.as_dict(), "seconds": round(elapsed, 2)}, ensure_ascii=False, indent=2
                )
            )
            return
        out = self.stdout.write
        out(f"Records: {report.records} in {elapsed:.1f} s")
        out(f"  created:      {len(report.created)}")
        out(f"  updated:      {len(report.updated)}")
        out(f"  unchanged:    {len(report.unchanged)}")
        out(f"  parsed fully: {report.parsed_fully}")
        out(f"  flagged:      {report.flagged}")
        for flag, count in sorted(report.flag_counts.items()):
            out(f"    {flag}: {count}")
        out(f"  rejected:     {len(report.rejected)}")
        for r in report.rejected:
            detail = f" ({r.detail})" if r.detail else ""
            out(f"    line {r.line} {r.code or '-'}: {r.reason}{detail}")
