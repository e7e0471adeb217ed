"""Bring this node's full-text index up to date; forget a retired node."""

import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Cập nhật chỉ mục toàn văn của nút này theo các thay đổi đã ghi. "
        "Apply the committed search changes to this node's full-text index "
        "(SEARCH_INDEX_DIR), prune the changes every node has applied; "
        "--forget NAME stops keeping changes for a retired node; --every SECONDS "
        "repeats until stopped (on a host that runs no worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--forget", metavar="NAME")
        parser.add_argument("--every", type=int, metavar="SECONDS")

    def handle(self, *args, **options):
        from congvu.search.engines import sync

        if options["forget"]:
            if not sync.forget(options["forget"]):
                raise CommandError(f"Không có nút chỉ mục {options['forget']!r}.")
            self.stdout.write(f"Đã bỏ nút chỉ mục {options['forget']}.")
            return
        if sync.current() is None:
            raise CommandError(
                "Nút này chưa có chỉ mục toàn văn: chạy search_reindex --engine tantivy "
                "(this node has no full-text index yet)."
            )
        every = options["every"]
        if every is not None and every < 1:
            raise CommandError("--every: ít nhất 1 giây (at least 1 second).")
        try:
            while True:
                result = sync.sync(wait=True)
                pruned = sync.prune()
                self.stdout.write(
                    f"Đã áp dụng {result.applied} thay đổi; vị trí {result.position}; "
                    f"đã dọn {pruned} thay đổi cũ."
                )
                if every is None:
                    return
                time.sleep(every)
        except KeyboardInterrupt:
            return
