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
  running): **paused** if a ``ClockPause`` interval (supplement, payment,
  stopped) covers that moment, else **in progress**; both split on time /
  overdue against the (extended) due moment.

Every category is judged as of the end of the period, not from the current
status: a dossier paused then but running now is paused in that period, one
finished or refused after it was open then. A pause still open is read from
the dossier's row (``paused_at``); one that covered that moment and has ended
since comes from the pauses (none for a period still running).

Also: the share of new dossiers filed online, the share of payments made
online, and satisfaction (ratings given in the period, read from the dossier
row). One pass over the dossiers (GROUP BY), one over the pauses covering the
period's end, one over the payments (docs/onestop.md, "Statistics").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import LEADER_ROLES
from congvu.core.authz import as_actor
from congvu.onestop.constants import FINISHED_STATUSES, DossierStatus
from congvu.onestop.models import ClockPause, Dossier, DueChange
from congvu.org.models import Unit
from congvu.org.selectors import descendant_ids
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
    """One line of the 766 table: a unit, field or procedure (``key``) and its cells.

    Deliberately no ``__getitem__``: the template language tries ``row["label"]``
    before ``row.label``, so a mapping interface answering None for unknown keys
    hid every attribute and the page showed "None –" in every cell.
    """

    key: int | None
    label: str
    values: dict = field(default_factory=dict)


@dataclass
class Table:
    """The 766 table of a period: one :class:`Row` per group, and the total."""

    group_by: str
    period: Period
    rows: list[Row]
    total: Row

    @property
    def columns(self):
        return COLUMNS


def subtree_ids(unit_ids) -> set[int]:
    """``unit_ids`` and every unit below them: the receiving units a unit's statistics cover.

    A commune's dossiers are received by its one-stop centre, a child unit, so
    a unit alone would show its leader nothing. The subtree is the ``path``
    tree, closed units included (a past period still counts a desk closed
    since); predecessors are not followed (docs/onestop.md, "Statistics").
    One indexed ``path`` prefix query; the statistics then filter the
    dossiers on the resulting ids, as the covering index wants.
    """
    return descendant_ids(unit_ids) if unit_ids else set()


def stats_unit_ids(actor) -> set[int] | None:
    """Receiving units whose statistics ``actor`` may read; None means every unit.

    Leaders see the subtrees of the units they lead, unit administrators the
    subtrees they administer, the system administrator everything; other
    officials nothing.
    """
    actor = as_actor(actor)
    if not actor.is_official:
        return set()
    if actor.is_system_admin:
        return None
    led = {unit_id for unit_id, roles in actor.roles.items() if roles & LEADER_ROLES}
    return subtree_ids(led) | set(actor.admin_unit_ids)


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


# The cells a dossier falls in, coded as small integers for the GROUP BY.
STATE_CELLS = [
    "processed_early",
    "processed_on_time",
    "processed_late",
    "in_progress_on_time",
    "in_progress_overdue",
    "paused_on_time",
    "paused_overdue",
]
ARRIVAL_CELLS = ["carried_over", "new_online", "new_direct", "new_postal"]


def _code(name: str) -> Value:
    cells = STATE_CELLS if name in STATE_CELLS else ARRIVAL_CELLS
    return Value(cells.index(name))


def _paused_state(due, mark) -> Case:
    """Paused overdue: the due moment ``due`` had already passed at ``mark``, when the clock
    stopped (the services keep the due moment of that start: ``Dossier.paused_due``,
    ``ClockPause.due_at_start``)."""
    return Case(
        When(LessThan(due, mark), then=_code("paused_overdue")),
        default=_code("paused_on_time"),
        output_field=IntegerField(),
    )


def _state(stop, ref):
    """Where the dossier stands at the end of the period, as one CASE on its own row.

    Processed (closed in the period as done, returned or withdrawn) first; then
    paused if its open pause (``paused_at``, kept by the services) had started
    by then; the rest in progress, overdue if past its due moment. What happened
    after that moment is not on the row: :func:`_resumed_moves` adds the pauses
    that covered it and have ended since, :func:`_due_moves` the due moments
    moved since.
    """
    processed = Q(status__in=FINISHED_STATUSES, closed_at__lt=stop)
    return Case(
        When(
            processed,
            then=Case(
                When(outcome="early", then=_code("processed_early")),
                When(outcome="on_time", then=_code("processed_on_time")),
                When(outcome="late", then=_code("processed_late")),
                # No outcome (a withdrawal): late if it closed after the due moment.
                When(closed_at__gt=F("due"), then=_code("processed_late")),
                default=_code("processed_on_time"),
            ),
        ),
        When(
            paused_at__lt=ref,
            then=_paused_state(Coalesce("paused_due", "due"), F("paused_at")),
        ),
        When(due__lt=ref, then=_code("in_progress_overdue")),
        default=_code("in_progress_on_time"),
        output_field=IntegerField(),
    )


#: The codes a resumed dossier may have on its row at a past moment it was paused.
_IN_PROGRESS = (STATE_CELLS.index("in_progress_on_time"), STATE_CELLS.index("in_progress_overdue"))


def _resumed_moves(coded, ref) -> list[tuple]:
    """(group, in-progress state, paused state, count) of the dossiers that a pause covered
    at ``ref`` and that have resumed (or closed) since.

    Pauses never overlap, so at most one covers ``ref``; an open one is on the
    dossier's row (:func:`_state`). The ended ones that cover ``ref`` exist only
    for a past moment (none for a period still running) and are few, so the
    query starts from them and reaches their dossiers by primary key.
    """
    covering = FilteredRelation(
        "pauses",
        condition=Q(
            pauses__started_at__lt=ref,
            pauses__ended_at__isnull=False,
            pauses__ended_at__gte=ref,
        ),
    )
    return list(
        coded.annotate(paused=covering)
        .filter(paused__started_at__isnull=False, state__in=_IN_PROGRESS)
        .annotate(
            paused_state=Case(
                When(
                    paused__due_at_start__isnull=False,
                    then=_paused_state(F("paused__due_at_start"), F("paused__started_at")),
                ),
                # Recorded before due_at_start was kept: the current due moment against
                # the pause's end (a resume pushes it by the pause's office time).
                default=_paused_state(F("due"), F("paused__ended_at")),
                output_field=IntegerField(),
            )
        )
        .values_list("group_key", "state", "paused_state")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _due_moves(coded, ref) -> list[tuple]:
    """(group, state on the row, state then, count) of the dossiers in progress at ``ref``
    whose due moment has moved since (a resume, a Mẫu 04).

    The due moment then is the one kept by the first change after ``ref``
    (``DueChange``); none exist after the end of a period still running. The
    dossiers a pause covered at ``ref`` are :func:`_resumed_moves`'.
    """
    later = DueChange.objects.filter(changed_at__gt=ref)
    due_then = Subquery(
        later.filter(dossier_id=OuterRef("pk"))
        .order_by("changed_at", "pk")
        .values("previous_due")[:1]
    )
    covered = ClockPause.objects.filter(
        dossier_id=OuterRef("pk"), started_at__lt=ref, ended_at__isnull=False, ended_at__gte=ref
    )
    rows = (
        coded.filter(state__in=_IN_PROGRESS, pk__in=later.values("dossier_id"))
        .exclude(Exists(covered))
        .annotate(due_then=due_then)
        .annotate(
            state_then=Case(
                When(due_then__lt=ref, then=_code("in_progress_overdue")),
                default=_code("in_progress_on_time"),
                output_field=IntegerField(),
            )
        )
        .values_list("group_key", "state", "state_then")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [row for row in rows if row[1] != row[2]]


def _dossier_counts(group: str, begin, stop, ref, unit_ids, field_id, procedure_id) -> dict:
    """The 766 cells and the ratings, per group: one pass over the dossiers.

    The pass (built by the ORM, so filters stay portable) codes each row's
    state and arrival as small integers with one CASE each, from the row alone:
    the rating and the open pause are copied onto the dossier by the services
    (``rating_score``/``rated_at``, ``paused_at``), so on PostgreSQL it is an
    index-only scan of the covering index with no join. Joining the pauses and
    the ratings cost about as much as reading the dossiers (docs/onestop.md).
    The outer query counts per (group, state, arrival), at most a few thousand
    rows, and Python pivots them; :func:`_resumed_moves` then moves the few
    dossiers paused at a past period's end that have resumed since. The
    ``OFFSET 0`` fence keeps PostgreSQL from planning the CASE expressions as
    grouping keys it cannot estimate (which made it sort half a million rows
    instead of hashing them).
    """
    base = Dossier.objects.filter(received_at__lt=stop).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=begin)
    )
    # Refused before the period ended: never counted as received (766). Refused
    # later (after reception): it was open at the end of this period.
    base = base.exclude(status=DossierStatus.SUBMITTED).exclude(
        status=DossierStatus.REFUSED, closed_at__lt=stop
    )
    base = _filtered(base, "", unit_ids, field_id, procedure_id)
    arrival = Case(
        When(received_at__lt=begin, then=_code("carried_over")),
        When(channel=Channel.ONLINE, then=_code("new_online")),
        When(channel=Channel.POSTAL, then=_code("new_postal")),
        default=_code("new_direct"),
        output_field=IntegerField(),
    )
    coded = base.annotate(due=Coalesce("extended_due_at", "due_at")).annotate(
        group_key=F(GROUPS[group]), state=_state(stop, ref)
    )
    score = Case(
        When(rated_at__gte=begin, rated_at__lt=stop, then=F("rating_score")),
        default=None,
        output_field=IntegerField(),
    )
    inner = (
        coded.annotate(arrival=arrival, score=score)
        .values("group_key", "state", "arrival", "score")
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    fence = "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"
    outer = (
        "SELECT t.group_key, t.state, t.arrival, COUNT(*), COUNT(t.score), SUM(t.score) "
        f"FROM ({sql} {fence}) t GROUP BY t.group_key, t.state, t.arrival"
    )
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        rows = cursor.fetchall()
    result: dict = {}
    for key, state, arrival, n, rated, score_sum in rows:
        values = result.setdefault(key, {"rating_count": 0, "rating_sum": 0})
        for name in (STATE_CELLS[state], ARRIVAL_CELLS[arrival]):
            values[name] = values.get(name, 0) + n
        values["rating_count"] += rated
        values["rating_sum"] += score_sum or 0
    for key, state, paused_state, n in _resumed_moves(coded, ref) + _due_moves(coded, ref):
        values = result[key]
        values[STATE_CELLS[state]] -= n
        values[STATE_CELLS[paused_state]] = values.get(STATE_CELLS[paused_state], 0) + n
    for values in result.values():
        count = values["rating_count"]
        values["rating_average"] = values.pop("rating_sum") / count if count else None
        for name in STATE_CELLS:
            if values.get(name) == 0:
                del values[name]  # as if the pass had never seen the cell
    return result


def _payment_counts(group: str, begin, stop, unit_ids, field_id, procedure_id) -> dict:
    from congvu.payments.constants import CASH, PaymentStatus
    from congvu.payments.models import Payment

    # Payments carry their unit and procedure: no join with the dossiers.
    key = {"unit": "unit_id", "field": "procedure__field_id", "procedure": "procedure_id"}[group]
    payments = Payment.objects.filter(
        status=PaymentStatus.SUCCEEDED, paid_at__gte=begin, paid_at__lt=stop
    )
    if unit_ids is not None:
        payments = payments.filter(unit_id__in=unit_ids)
    if field_id:
        payments = payments.filter(procedure__field_id=field_id)
    if procedure_id:
        payments = payments.filter(procedure_id=procedure_id)
    rows = (
        payments.values(key)
        .annotate(payments=Count("pk"), payments_online=Count("pk", filter=~Q(provider=CASH)))
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
