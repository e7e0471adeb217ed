"""`congvu audit_verify`: check the hash chain of the audit trail (nhật ký).

Besides the chain itself it checks the external anchors file
(``AUDIT_ANCHOR_DIR/anchors.jsonl``, or ``--anchors-file``): every line's
HMAC, and that every anchored record still has the anchored hash, which is
what exposes a chain rewritten from the start.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congvu.audit.anchor import AnchorFileError, anchor_path, fallback_warning, read_anchors
from congvu.audit.selectors import walk_chain


def _anchor(value: str) -> tuple[int, str]:
    seq, sep, digest = value.partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64:
        raise CommandError(f"--anchor expects SEQ:SHA256HEX, not {value!r}")
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi mã băm của nhật ký và các mốc neo ngoài cơ sở dữ liệu; thoát với mã "
        "khác 0 và nêu bản ghi hỏng đầu tiên nếu có bản ghi bị sửa hoặc xoá."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="Mốc đã ghi lại bên ngoài (dòng 'Đầu chuỗi' của lần chạy trước); lặp lại được.",
        )
        parser.add_argument(
            "--anchors-file",
            type=Path,
            default=None,
            metavar="PATH",
            help="Tệp mốc neo cần đối chiếu (mặc định AUDIT_ANCHOR_DIR/anchors.jsonl), "
            "ví dụ bản sao lưu ở nơi khác.",
        )
        parser.add_argument(
            "--require-anchors",
            action="store_true",
            help="Báo lỗi nếu không có tệp mốc neo hoặc tệp trống.",
        )

    def handle(self, *args, **options):
        anchors = [_anchor(value) for value in options["anchor"]]
        path = options["anchors_file"] or anchor_path()
        if options["anchors_file"] is not None and not path.exists():
            raise CommandError(f"Không có tệp mốc neo {path}")
        warning = fallback_warning()
        if warning:
            self.stderr.write(self.style.WARNING(warning))
        try:
            external = read_anchors(path)
        except AnchorFileError as exc:
            raise CommandError(f"Mốc neo KHÔNG hợp lệ: {exc}") from exc
        if not external and options["require_anchors"]:
            raise CommandError(f"Không có mốc neo nào trong {path}")
        anchors += [(a.seq, a.hash) for a in external]
        result = walk_chain(anchors=anchors)
        if result.problem is not None:
            raise CommandError(f"Nhật ký KHÔNG toàn vẹn: {result.problem}")
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {result.count} bản ghi"))
        self.stdout.write(f"Đầu chuỗi: {result.head_seq}:{result.head_hash}")
        if external:
            last = external[-1]
            self.stdout.write(
                f"Mốc neo ngoài: {len(external)} mốc khớp, mới nhất #{last.seq} lúc {last.at}"
            )
        else:
            self.stdout.write(f"Chưa có mốc neo ngoài ({path})")
