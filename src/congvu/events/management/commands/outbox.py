"""``congvu outbox``: the event queue from the server's shell (list, retry, dispatch)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from congvu.core.errors import ServiceError

from ...dispatch import dispatch
from ...models import Delivery, DeliveryStatus
from ...selectors import STATUS_FILTERS
from ...services import delivery_retry


class Command(BaseCommand):
    help = (
        "Hàng đợi sự kiện (outbox). `congvu outbox` shows the counts per status; "
        "`congvu outbox list [--status dead]` lists deliveries; "
        "`congvu outbox retry ID… | --all-dead` puts dead letters back in the queue (audited, "
        "as the system); `congvu outbox dispatch` delivers what is due now."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action")
        listing = sub.add_parser("list", help="Liệt kê các lượt chuyển.")
        listing.add_argument("--status", default="open", choices=sorted(STATUS_FILTERS))
        listing.add_argument("--limit", type=int, default=50)
        retry = sub.add_parser("retry", help="Thử lại các lượt chuyển đã dừng.")
        retry.add_argument("ids", nargs="*", type=int)
        retry.add_argument("--all-dead", action="store_true")
        sub.add_parser("dispatch", help="Chuyển ngay các sự kiện đến hạn.")

    def handle(self, *args, action=None, **options):
        if action == "list":
            return self._list(options["status"], options["limit"])
        if action == "retry":
            return self._retry(options["ids"], options["all_dead"])
        if action == "dispatch":
            result = dispatch()
            self.stdout.write(
                "delivered={delivered} retrying={retrying} dead={dead} lost={lost}".format(
                    **result.as_dict()
                )
            )
            return None
        for status, label in DeliveryStatus.choices:
            count = Delivery.objects.filter(status=status).count()
            self.stdout.write(f"{status:<9} {count:>7}  {label}")
        return None

    def _list(self, status: str, limit: int) -> None:
        rows = Delivery.objects.select_related("message").order_by("message_id", "pk")
        statuses = STATUS_FILTERS[status]
        if statuses is not None:
            rows = rows.filter(status__in=statuses)
        for d in rows[:limit]:
            error = d.history[-1].get("error", "") if d.history else ""
            self.stdout.write(
                f"{d.pk}\t{d.status}\t{d.attempts}\t{d.subscriber}\t{d.message.event_type}\t"
                f"{d.key}\t{d.next_attempt_at:%Y-%m-%d %H:%M:%S}\t{error}"
            )

    def _retry(self, ids: list[int], all_dead: bool) -> None:
        if not ids and not all_dead:
            raise CommandError("Cho biết mã lượt chuyển (ID…) hoặc --all-dead.")
        rows = Delivery.objects.filter(status=DeliveryStatus.DEAD) if all_dead else None
        targets = list(rows) if rows is not None else list(Delivery.objects.filter(pk__in=ids))
        missing = set(ids) - {d.pk for d in targets}
        if missing:
            raise CommandError(f"Không có lượt chuyển: {', '.join(map(str, sorted(missing)))}")
        failed = []
        for delivery in targets:
            try:
                delivery_retry(actor=None, delivery=delivery)
            except ServiceError as exc:
                failed.append(f"{delivery.pk}: {exc.message}")
                continue
            self.stdout.write(f"{delivery.pk}: retry queued")
        if failed:
            raise CommandError("; ".join(failed))
