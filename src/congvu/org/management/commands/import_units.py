"""``congvu import_units --province CODE [--legacy]``: units of a province from vietnam-provinces."""

from django.core.management.base import BaseCommand, CommandError

from congvu.org.constants import UnitKind
from congvu.org.importers import import_province


class Command(BaseCommand):
    help = (
        "Tạo hoặc cập nhật UBND tỉnh và các xã, phường, đặc khu của một tỉnh từ gói "
        "vietnam-provinces; với --legacy thêm các tỉnh, huyện, xã trước 01/07/2025 và liên kết "
        "đơn vị cũ với đơn vị mới. Lệnh chạy với tư cách hệ thống."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", type=int, required=True, help="Mã tỉnh, ví dụ 86.")
        parser.add_argument(
            "--legacy", action="store_true", help="Thêm đơn vị hành chính trước 01/07/2025."
        )

    def handle(self, *args, province, legacy, **options):
        try:
            result = import_province(actor=None, code=province, legacy=legacy)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.province.name}")
        labels = dict(UnitKind.choices)
        for kind, count in sorted(result.created.items()):
            self.stdout.write(f"  tạo mới {labels.get(kind, kind)}: {count}")
        self.stdout.write(
            f"  tạo mới: {result.created_total}, cập nhật: {result.updated}, "
            f"liên kết tiền thân mới: {result.linked}, tổng số đơn vị: {len(result.units)}"
        )
