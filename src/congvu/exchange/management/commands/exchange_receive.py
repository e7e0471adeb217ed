"""``congvu exchange_receive FILE…``: keep and read edXML packages saved as files.

Until the axis/LGSP transport exists, an operator can hand over packages
downloaded by other means. Each file goes through ``package_receive``
(kept first, then read), as the system; the outcome is printed per file.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congvu.core.errors import ServiceError
from congvu.exchange.channels import EDXML_AXIS, all_channels
from congvu.exchange.constants import PackageState
from congvu.exchange.services import package_receive


class Command(BaseCommand):
    help = (
        "Nhận các gói tin edXML đã lưu thành tệp: lưu nguyên gói tin rồi đọc; "
        "in kết quả từng tệp. Lệnh chạy với tư cách hệ thống."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Đường dẫn các tệp gói tin.")
        parser.add_argument(
            "--source",
            default=EDXML_AXIS,
            choices=[c.code for c in all_channels()],
            help="Kênh đã nhận gói tin (mặc định edxml_axis).",
        )

    def handle(self, *args, files, source, **options):
        refused = 0
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"Không có tệp {name}")
            try:
                package = package_receive(raw=path.read_bytes(), source=source)
            except ServiceError as exc:
                refused += 1
                self.stdout.write(f"{name}: {exc.code} {exc.message}")
                continue
            line = f"{name}: {package.get_state_display()} (#{package.pk})"
            if package.state == PackageState.REFUSED:
                refused += 1
                line += f" {package.refusal_code} {package.refusal_reason}"
            self.stdout.write(line)
        if refused:
            raise CommandError(f"{refused}/{len(files)} gói tin bị từ chối (đã lưu nguyên gói).")
