"""Index the documents whose index update is pending."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Cập nhật chỉ mục tìm kiếm của các văn bản đang chờ. "
        "Index the documents whose search index update is pending (after a crash, "
        "or to check the queue): what the periodic job search-index-pending does."
    )

    def handle(self, *args, **options):
        from congvu.search.indexer import search_index_drain
        from congvu.search.models import PendingIndex

        result = search_index_drain()
        left = PendingIndex.objects.count()
        self.stdout.write(
            f"Đã lập chỉ mục {result.indexed} văn bản; lỗi {result.failed}; còn chờ {left}."
        )
        if result.busy:
            self.stdout.write("Một tiến trình lập chỉ mục khác đang chạy.")
