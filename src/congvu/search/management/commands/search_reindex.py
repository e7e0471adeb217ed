"""Rebuild the search index of every document, or this node's full-text index."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Xây dựng lại toàn bộ chỉ mục tìm kiếm văn bản đến và văn bản đi. "
        "Rebuild the search index of every incoming and outgoing document; with "
        "--engine tantivy, rebuild this node's full-text index (SEARCH_INDEX_DIR) from it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=["database", "tantivy"], default="database")

    def handle(self, *args, **options):
        if options["engine"] == "tantivy":
            from congvu.search.engines import sync

            if sync.base_dir() is None:
                raise CommandError("Chưa đặt SEARCH_INDEX_DIR (SEARCH_INDEX_DIR is not set).")
            count = sync.rebuild()
            self.stdout.write(f"Đã xây dựng chỉ mục toàn văn của nút với {count} văn bản.")
            return
        from congvu.search.services import search_reindex

        count = search_reindex()
        self.stdout.write(f"Đã lập chỉ mục {count} văn bản.")
