"""`congvu restore DIR`: restore a backup into an empty installation, verifying every checksum."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from congvu.core.backup import restore
from congvu.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Phục hồi bản sao lưu trong DIR vào bản cài đặt trống (đã migrate); kiểm tra mọi mã băm "
        "trước khi ghi, rồi kiểm tra chuỗi nhật ký."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, directory, **options):
        try:
            report = restore(directory)
        except ServiceError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã phục hồi {report.row_total} bản ghi và {report.files} tệp từ {directory}"
            )
        )
        call_command("audit_verify", stdout=self.stdout, stderr=self.stderr)
