"""Statistics of the one-stop shop by Decision 766/QĐ-TTg (regulations §2.5).

For a period [from, to] (whole days, local time) and a set of receiving
units, each dossier received before the period ends and not closed before it
begins is counted once:

- **received** = carried over (received before the period) + new (received in
  it), new split by channel (online, direct, postal);
- **processed** = closed in the period as done, returned or withdrawn
  (766 counts a withdrawal as processed), split early / on time / late by the
  dossier's ``outcome`` (a dossier without one — a withdrawal — is late if it
  closed after its due moment, else on time);
- the rest is open at the end of the period (or now, for a period still
  running): **paused** if its status stops the clock (supplement, payment,
  stopped), else **in progress**; both split on time / overdue against the
  (extended) due moment.

Paused is taken from the current status: for a period in the past a dossier
paused then but running now counts as in progress (ClockPause intervals would
tell, at the price of a sub-query per row; see docs/onestop.md).

Also: the share of new dossiers filed online, the share of payments made
online, and satisfaction (ratings in the period). Everything is one
aggregate query per table (conditional COUNT … FILTER, GROUP BY), so it runs
over a million dossiers on PostgreSQL in well under a second.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import LEADER_ROLES
from congvu.core.authz import as_actor
from congvu.onestop.constants import FINISHED_STATUSES, PAUSED_STATUSES, DossierStatus
from congvu.onestop.models import Dossier, Rating
from congvu.org.models import Unit
from congvu.procedures.constants import Channel
from congvu.procedures.models import Procedure, ProcedureField

GROUPS = {
    "unit": "receiving_unit_id",
    "field": "procedure__field_id",
    "procedure": "procedure_id",
}
GROUP_LABELS = {
    "unit": _("Đơn vị"),
    "field": _("Lĩnh vực"),
    "procedure": _("Thủ tục"),
}

# (key, label) of every count, in table order.
COUNT_COLUMNS = [
    ("carried_over", _("Kỳ trước chuyển sang")),
    ("new_online", _("Mới tiếp nhận trực tuyến")),
    ("new_direct", _("Mới tiếp nhận trực tiếp")),
    ("new_postal", _("Mới tiếp nhận qua BCCI")),
    ("received", _("Tổng số tiếp nhận")),
    ("processed_early", _("Đã xử lý trước hạn")),
    ("processed_on_time", _("Đã xử lý đúng hạn")),
    ("processed_late", _("Đã xử lý quá hạn")),
    ("processed", _("Tổng số đã xử lý")),
    ("in_progress_on_time", _("Đang xử lý trong hạn")),
    ("in_progress_overdue", _("Đang xử lý quá hạn")),
    ("in_progress", _("Tổng số đang xử lý")),
    ("paused_on_time", _("Tạm dừng trong hạn")),
    ("paused_overdue", _("Tạm dừng quá hạn")),
    ("paused", _("Tổng số tạm dừng")),
]
EXTRA_COLUMNS = [
    ("online_share", _("Tỷ lệ nộp trực tuyến (%)")),
    ("paid_online_share", _("Tỷ lệ thanh toán trực tuyến (%)")),
    ("rating_average", _("Mức độ hài lòng (điểm trung bình)")),
    ("rating_count", _("Số lượt đánh giá")),
]
COLUMNS = COUNT_COLUMNS + EXTRA_COLUMNS
COUNT_KEYS = [key for key, _label in COUNT_COLUMNS]
# Counts the aggregate query computes; the totals are sums of these.
_BASE_KEYS = [
    "carried_over",
    "new_online",
    "new_direct",
    "new_postal",
    "processed_early",
    "processed_on_time",
    "processed_late",
    "in_progress_on_time",
    "in_progress_overdue",
    "paused_on_time",
    "paused_overdue",
    "payments",
    "payments_online",
]


@dataclass
class Period:
    """Whole local days, ``start`` and ``end`` inclusive."""

    start: datetime.date
    end: datetime.date

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_current_timezone()
        begin = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        stop = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        return begin, stop

    @classmethod
    def this_year(cls, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(datetime.date(today.year, 1, 1), today)


@dataclass
class Row:
    key: int | None
    label: str
    values: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.values.get(name)


@dataclass
class Table:
    group_by: str
    period: Period
    rows: list[Row]
    total: Row

    @property
    def columns(self):
        return COLUMNS


def stats_unit_ids(actor) -> set[int] | None:
    """Receiving units whose statistics ``actor`` may read; None means every unit.

    Leaders see the units they lead, unit administrators their subtrees, the
    system administrator everything; other officials nothing.
    """
    actor = as_actor(actor)
    if not actor.is_official:
        return set()
    if actor.is_system_admin:
        return None
    led = {unit_id for unit_id, roles in actor.roles.items() if roles & LEADER_ROLES}
    return led | set(actor.admin_unit_ids)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _finish(values: dict) -> dict:
    v = {key: int(values.get(key) or 0) for key in _BASE_KEYS}
    v["received"] = v["carried_over"] + v["new_online"] + v["new_direct"] + v["new_postal"]
    v["processed"] = v["processed_early"] + v["processed_on_time"] + v["processed_late"]
    v["in_progress"] = v["in_progress_on_time"] + v["in_progress_overdue"]
    v["paused"] = v["paused_on_time"] + v["paused_overdue"]
    new = v["new_online"] + v["new_direct"] + v["new_postal"]
    v["online_share"] = _share(v["new_online"], new)
    v["paid_online_share"] = _share(v["payments_online"], v["payments"])
    v["rating_count"] = int(values.get("rating_count") or 0)
    average = values.get("rating_average")
    v["rating_average"] = round(float(average), 2) if average is not None else None
    return v


def _filtered(queryset, prefix: str, unit_ids, field_id, procedure_id):
    if unit_ids is not None:
        queryset = queryset.filter(**{f"{prefix}receiving_unit_id__in": unit_ids})
    if field_id:
        queryset = queryset.filter(**{f"{prefix}procedure__field_id": field_id})
    if procedure_id:
        queryset = queryset.filter(**{f"{prefix}procedure_id": procedure_id})
    return queryset


def _dossier_counts(group: str, begin, stop, ref, unit_ids, field_id, procedure_id) -> dict:
    base = Dossier.objects.filter(received_at__lt=stop).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=begin)
    )
    base = base.exclude(status__in=[DossierStatus.SUBMITTED, DossierStatus.REFUSED])
    base = _filtered(base, "", unit_ids, field_id, procedure_id)
    base = base.annotate(due=Coalesce("extended_due_at", "due_at"))
    new = Q(received_at__gte=begin)
    processed = Q(status__in=FINISHED_STATUSES, closed_at__lt=stop)
    no_outcome = Q(outcome="") | Q(outcome__isnull=True)
    closed_late = Q(closed_at__gt=F("due"))
    running = ~Q(status__in=FINISHED_STATUSES) | Q(closed_at__gte=stop) | Q(closed_at__isnull=True)
    paused = Q(status__in=PAUSED_STATUSES) & running
    in_progress = ~Q(status__in=PAUSED_STATUSES) & running
    on_time = Q(due__gte=ref) | Q(due__isnull=True)
    overdue = Q(due__lt=ref)
    aggregates = {
        "carried_over": Count("pk", filter=Q(received_at__lt=begin)),
        "new_online": Count("pk", filter=new & Q(channel=Channel.ONLINE)),
        "new_direct": Count("pk", filter=new & Q(channel=Channel.DIRECT)),
        "new_postal": Count("pk", filter=new & Q(channel=Channel.POSTAL)),
        "processed_early": Count("pk", filter=processed & Q(outcome="early")),
        "processed_on_time": Count(
            "pk",
            filter=processed & (Q(outcome="on_time") | (no_outcome & ~closed_late)),
        ),
        "processed_late": Count(
            "pk", filter=processed & (Q(outcome="late") | (no_outcome & closed_late))
        ),
        "in_progress_on_time": Count("pk", filter=in_progress & on_time),
        "in_progress_overdue": Count("pk", filter=in_progress & overdue),
        "paused_on_time": Count("pk", filter=paused & on_time),
        "paused_overdue": Count("pk", filter=paused & overdue),
    }
    rows = base.values(GROUPS[group]).annotate(**aggregates).order_by()
    return {row.pop(GROUPS[group]): row for row in rows}


def _payment_counts(group: str, begin, stop, unit_ids, field_id, procedure_id) -> dict:
    from congvu.payments.constants import CASH, PaymentStatus
    from congvu.payments.models import Payment

    key = "dossier__" + GROUPS[group]
    payments = Payment.objects.filter(
        status=PaymentStatus.SUCCEEDED, paid_at__gte=begin, paid_at__lt=stop
    )
    payments = _filtered(payments, "dossier__", unit_ids, field_id, procedure_id)
    rows = (
        payments.values(key)
        .annotate(payments=Count("pk"), payments_online=Count("pk", filter=~Q(provider=CASH)))
        .order_by()
    )
    return {row.pop(key): row for row in rows}


def _rating_counts(group: str, begin, stop, unit_ids, field_id, procedure_id) -> dict:
    key = "dossier__" + GROUPS[group]
    ratings = Rating.objects.filter(rated_at__gte=begin, rated_at__lt=stop)
    ratings = _filtered(ratings, "dossier__", unit_ids, field_id, procedure_id)
    rows = (
        ratings.values(key)
        .annotate(rating_count=Count("pk"), rating_average=Avg("score"))
        .order_by()
    )
    return {row.pop(key): row for row in rows}


def _labels(group: str, keys) -> dict:
    model = {"unit": Unit, "field": ProcedureField, "procedure": Procedure}[group]
    return dict(model.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))


def dossier_statistics(
    *,
    unit_ids: set[int] | None,
    period: Period,
    group_by: str = "unit",
    field_id: int | None = None,
    procedure_id: int | None = None,
    now: datetime.datetime | None = None,
) -> Table:
    """The 766 table for ``unit_ids`` (None: all units), one row per ``group_by`` value."""
    if group_by not in GROUPS:
        raise ValueError(group_by)
    begin, stop = period.bounds()
    ref = min(stop, now or timezone.now())
    if unit_ids is not None and not unit_ids:
        return Table(group_by, period, [], Row(None, str(_("Tổng cộng")), _finish({})))
    args = (group_by, begin, stop)
    filters = (unit_ids, field_id, procedure_id)
    merged: dict = {}
    for part in (
        _dossier_counts(*args, ref, *filters),
        _payment_counts(*args, *filters),
        _rating_counts(*args, *filters),
    ):
        for key, values in part.items():
            merged.setdefault(key, {}).update(values)
    labels = _labels(group_by, merged)
    rows = [Row(key, labels.get(key, "—"), _finish(values)) for key, values in merged.items()]
    rows.sort(key=lambda r: (-r.values["received"], r.label))
    totals = {key: sum(r.values[key] for r in rows) for key in _BASE_KEYS}
    rated = sum(r.values["rating_count"] for r in rows)
    totals["rating_count"] = rated
    totals["rating_average"] = (
        sum((r.values["rating_average"] or 0) * r.values["rating_count"] for r in rows) / rated
        if rated
        else None
    )
    return Table(group_by, period, rows, Row(None, str(_("Tổng cộng")), _finish(totals)))
