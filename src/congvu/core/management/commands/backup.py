"""`congvu backup DIR`: write the database rows, the files and a checksummed manifest."""

from django.core.management.base import BaseCommand, CommandError

from congvu.core.backup import backup
from congvu.core.errors import ServiceError


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu và tệp vào thư mục DIR (mới hoặc trống), kèm manifest mã băm."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, directory, **options):
        try:
            report = backup(directory)
        except ServiceError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu {report.row_total} bản ghi và {report.files} tệp "
                f"({report.bytes} byte) vào {directory}"
            )
        )
