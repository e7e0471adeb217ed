"""`congvu audit_anchor`: write a signed anchor of the audit chain's head outside the database."""

from django.core.management.base import BaseCommand, CommandError

from congvu.audit.anchor import (
    AnchorFileError,
    AnchorRefused,
    anchor_path,
    fallback_warning,
    write_anchor,
)


class Command(BaseCommand):
    help = (
        "Ghi mốc neo (HMAC-SHA256 của đầu chuỗi nhật ký) vào tệp JSON-lines ngoài cơ sở dữ liệu "
        "(AUDIT_ANCHOR_DIR). Tác vụ định kỳ audit-anchor làm việc này; lệnh này chạy ngay một lần."
    )

    def handle(self, *args, **options):
        warning = fallback_warning()
        if warning:
            self.stderr.write(self.style.WARNING(warning))
        try:
            anchor = write_anchor()
        except (AnchorFileError, AnchorRefused) as exc:
            raise CommandError(f"Không ghi mốc neo: {exc}") from exc
        if anchor is None:
            self.stdout.write("Nhật ký trống: chưa có gì để neo.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Đã neo #{anchor.seq}:{anchor.hash} lúc {anchor.at}")
            + f" → {anchor_path()}"
        )
