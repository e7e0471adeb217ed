"""`congvu audit_verify`: check the hash chain of the audit trail (nhật ký)."""

from django.core.management.base import BaseCommand, CommandError

from congvu.audit.selectors import walk_chain


def _anchor(value: str) -> tuple[int, str]:
    seq, sep, digest = value.partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64:
        raise CommandError(f"--anchor expects SEQ:SHA256HEX, not {value!r}")
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi mã băm của nhật ký; thoát với mã khác 0 và nêu bản ghi hỏng đầu tiên "
        "nếu có bản ghi bị sửa hoặc xoá."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="Mốc đã ghi lại bên ngoài (dòng 'Đầu chuỗi' của lần chạy trước); lặp lại được.",
        )

    def handle(self, *args, **options):
        anchors = [_anchor(value) for value in options["anchor"]]
        result = walk_chain(anchors=anchors)
        if result.problem is not None:
            raise CommandError(f"Nhật ký KHÔNG toàn vẹn: {result.problem}")
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {result.count} bản ghi"))
        self.stdout.write(f"Đầu chuỗi: {result.head_seq}:{result.head_hash}")
