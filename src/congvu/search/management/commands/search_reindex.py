"""Rebuild the search index of every document."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Xây dựng lại toàn bộ chỉ mục tìm kiếm văn bản đến và văn bản đi. "
        "Rebuild the search index of every incoming and outgoing document."
    )

    def handle(self, *args, **options):
        from congvu.search.services import search_reindex

        count = search_reindex()
        self.stdout.write(f"Đã lập chỉ mục {count} văn bản.")
