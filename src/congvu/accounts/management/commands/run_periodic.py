"""Run every periodic job once, synchronously (embedded mode, no broker)."""

import importlib
import traceback

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


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

    def handle(self, *args, only, **options):
        schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {}
        entries = [
            (name, entry)
            for name, entry in schedule.items()
            if not only or name in only or entry.get("task") in only
        ]
        if only and not entries:
            raise CommandError(f"Không có mục lịch nào khớp: {', '.join(only)}")
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
        if failed:
            raise CommandError(f"{len(failed)} tác vụ định kỳ lỗi: {', '.join(failed)}")

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
