"""``congvu load_demo``: the Thạnh Phú demo data, idempotent; prints the demo accounts."""

from django.core.management.base import BaseCommand

from congvu.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu Thạnh Phú (huyện cũ, tỉnh Vĩnh Long và 6 xã mới, cán bộ, công dân). "
        "Chạy lại không tạo trùng. Lệnh chạy với tư cách hệ thống."
    )

    def handle(self, *args, **options):
        result = load_demo()
        self.stdout.write(
            f"Dữ liệu mẫu: tạo mới {result.units_created} đơn vị, {result.users_created} tài khoản, "
            f"{result.documents_created} văn bản, {result.dossiers_created} hồ sơ một cửa."
        )
        headers = ("Tên đăng nhập", "Vai trò", "Đơn vị", "Thời gian", "Mật khẩu")
        rows = [(a.username, a.role, a.unit, a.period, a.password) for a in result.accounts]
        widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
        line = "  ".join("-" * w for w in widths)
        self.stdout.write("")
        self.stdout.write("Tài khoản mẫu:")
        self.stdout.write(
            "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
        )
        self.stdout.write(line)
        for row in rows:
            self.stdout.write(
                "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            )
