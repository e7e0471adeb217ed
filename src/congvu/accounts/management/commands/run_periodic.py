"""Run the periodic jobs synchronously (embedded mode, no broker): once, or on their schedule."""

import datetime
import importlib
import time
import traceback

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Chạy một lần, đồng bộ, mọi tác vụ định kỳ trong settings.CELERY_BEAT_SCHEDULE. "
        "Run every entry of settings.CELERY_BEAT_SCHEDULE once, in this process. "
        "In embedded mode (no CELERY_BROKER_URL, e.g. `make demo`) there is no Celery beat: "
        "call this from cron or a systemd timer, e.g. every 15 minutes "
        "(`*/15 * * * * congvu run_periodic`). With a broker, Celery beat runs the same "
        "tasks on their own schedule and this command is not needed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="ENTRY",
            help="Chỉ chạy mục này của lịch (tên mục hoặc tên tác vụ); có thể lặp lại.",
        )
        parser.add_argument(
            "--loop",
            action="store_true",
            help=(
                "Chạy mãi, mỗi mục theo chu kỳ (giây) của nó trong lịch: thay Celery beat "
                "khi chạy nhúng (`make demo`)."
            ),
        )
        parser.add_argument(
            "--tick", type=float, default=10.0, help="Số giây giữa hai lần xem lịch (--loop)."
        )
        parser.add_argument("--cycles", type=int, default=0, help=argparse_suppress())

    def handle(self, *args, only, loop=False, tick=10.0, cycles=0, **options):
        schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {}
        entries = [
            (name, entry)
            for name, entry in schedule.items()
            if not only or name in only or entry.get("task") in only
        ]
        if only and not entries:
            raise CommandError(f"Không có mục lịch nào khớp: {', '.join(only)}")
        if loop:
            return self._loop(entries, tick=tick, cycles=cycles)
        failed = self._run(entries)
        if failed:
            raise CommandError(f"{len(failed)} tác vụ định kỳ lỗi: {', '.join(failed)}")

    def _loop(self, entries, *, tick: float, cycles: int) -> None:
        """Each entry when its interval has passed since its last run; all at the start.

        A failing job is reported and tried again at its next turn: one broken
        job must not stop the others (the demo's remote-signature poll, say).
        """
        last_run: dict[str, datetime.datetime] = {}
        done = 0
        while True:
            now = timezone.now()
            due = [
                (name, entry)
                for name, entry in entries
                if name not in last_run or _is_due(entry["schedule"], last_run[name], now)
            ]
            for name, _entry in due:
                last_run[name] = now
            self._run(due)
            done += 1
            if cycles and done >= cycles:
                return
            time.sleep(tick)

    def _run(self, entries) -> list[str]:
        failed = []
        for name, entry in entries:
            task_name = entry["task"]
            try:
                task = self._load(task_name)
                result = task.apply(
                    args=tuple(entry.get("args", ())), kwargs=dict(entry.get("kwargs", {}))
                )
                value = result.get(propagate=True)
            except Exception:
                failed.append(name)
                self.stderr.write(f"{name} ({task_name}): FAILED\n{traceback.format_exc()}")
                continue
            self.stdout.write(f"{name} ({task_name}): OK {value!r}")
        return failed

    @staticmethod
    def _load(task_name: str):
        # The project's Celery app (congvu/celery.py), set as current when congvu loads.
        from celery import current_app as app

        if task_name not in app.tasks:
            # Importing the module registers its @shared_task functions.
            importlib.import_module(task_name.rsplit(".", 1)[0])
        try:
            return app.tasks[task_name]
        except KeyError as exc:
            raise CommandError(f"Không tìm thấy tác vụ {task_name}") from exc


def _is_due(schedule, last_run: datetime.datetime, now: datetime.datetime) -> bool:
    """Whether a beat entry (seconds, a timedelta or a Celery schedule) is due again."""
    if isinstance(schedule, int | float):
        schedule = datetime.timedelta(seconds=schedule)
    if isinstance(schedule, datetime.timedelta):
        return now - last_run >= schedule
    return schedule.is_due(last_run).is_due


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
