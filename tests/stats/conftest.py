"""A hand-built month of dossiers covering every Decision 766 category (March 2026, UTC+7).

Unit ``commune`` (fields A and B) holds 14 dossiers, 10 of them counted;
``other`` holds one. Expected numbers for the commune, period 01–31/03/2026:

====================  ==========================================
carried over 2        #1 (done early), #6 (processing, overdue)
new online 3          #2 (returned on time), #4 (withdrawn), #7 (supplement)
new direct 3          #3 (done late), #8 (awaiting payment), #13 (done in April)
new postal 2          #5 (processing), #14 (stopped)
processed 4           early 1, on time 2 (#2, #4 withdrawn), late 1
in progress 3         on time 2 (#5, #13), overdue 1 (#6)
paused 3              on time 1 (#7), overdue 2 (#8, #14: due before
                      their pause started)
====================  ==========================================

Not counted: #9 closed in February, #10 received in April, #11 only
submitted, #12 refused.
"""

import datetime

from django.utils import timezone

import pytest

from congvu.payments.models import Payment
from tests.factories import (
    ProcedureFieldFactory,
    ProcedureVersionFactory,
    UnitFactory,
)
from tests.onestop.builders import dossier_row, rating_row

TZ = timezone.get_fixed_timezone(7 * 60)


def at(month, day, hour=9):
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=TZ)


# (number, unit, version, channel, received, status, due, closed, extra); the
# paused ones carry the ClockPause intervals their transitions would open.
# fmt: off
WORLD = [
    (1, "commune", "va", "direct", at(2, 20), "done", at(3, 10), at(3, 5), {"outcome": "early"}),
    (2, "commune", "va", "online", at(3, 2), "returned", at(3, 10, 18), at(3, 10),
     {"outcome": "on_time"}),
    (3, "commune", "va", "direct", at(3, 3), "done", at(3, 15), at(3, 20), {"outcome": "late"}),
    (4, "commune", "va", "online", at(3, 4), "withdrawn", at(3, 20), at(3, 6), {}),
    (5, "commune", "va", "postal", at(3, 25), "processing", at(4, 10), None, {}),
    (6, "commune", "va", "online", at(2, 1), "processing", at(3, 20), None, {}),
    # Paused before its due moment: on time.
    (7, "commune", "va", "online", at(3, 5), "supplement", at(4, 5), None,
     {"pauses": [(at(3, 20), None)]}),
    # Paused after its due moment had passed: overdue.
    (8, "commune", "va", "direct", at(3, 6), "awaiting_payment", at(3, 28), None,
     {"pauses": [(at(3, 29), None)]}),
    (9, "commune", "va", "online", at(1, 5), "done", at(2, 15), at(2, 10), {"outcome": "on_time"}),
    (10, "commune", "va", "online", at(4, 3), "received", at(4, 20), None, {}),
    (11, "commune", "va", "online", None, "submitted", None, None, {"submitted_at": at(3, 7)}),
    (12, "commune", "va", "online", None, "refused", None, at(3, 8), {"submitted_at": at(3, 8)}),
    (13, "commune", "vb", "direct", at(3, 10), "done", at(4, 8), at(4, 5), {"outcome": "on_time"}),
    (14, "commune", "vb", "postal", at(3, 12), "stopped", at(3, 30), None,
     {"pauses": [(at(3, 31), None)]}),
    (15, "other", "va", "online", at(3, 9), "processing", at(4, 30), None, {}),
]
# fmt: on


@pytest.fixture
def world(db):
    commune = UnitFactory(commune=True, name="Ủy ban nhân dân xã An Thạnh")
    other = UnitFactory(commune=True, name="Ủy ban nhân dân xã Bình Thạnh")
    field_a = ProcedureFieldFactory(name="Hộ tịch")
    field_b = ProcedureFieldFactory(name="Chứng thực")
    va = ProcedureVersionFactory(procedure__field=field_a, procedure__name="Đăng ký khai sinh")
    vb = ProcedureVersionFactory(procedure__field=field_b, procedure__name="Chứng thực bản sao")
    units = {"commune": commune, "other": other}
    versions = {"va": va, "vb": vb}
    d = {}
    for i, unit, version, channel, received, status, due, closed, extra in WORLD:
        extra = dict(extra)
        finished = extra.pop("finished_at", closed if status in ("done", "returned") else None)
        d[i] = dossier_row(
            receiving_unit=units[unit],
            procedure_version=versions[version],
            code=f"DS-{i:04d}",
            applicant_name=f"Nguyễn Văn Riêngtư{i}",
            applicant_phone=f"0912{i:06d}",
            channel=channel,
            submitted_at=extra.pop("submitted_at", received),
            received_at=received,
            status=status,
            due_at=due,
            closed_at=closed,
            finished_at=finished,
            **extra,
        )
    for number, provider, status, paid in [
        (2, "sandbox", "succeeded", at(3, 5)),
        (3, "cash", "succeeded", at(3, 6)),
        (8, "sandbox", "failed", None),
        (15, "sandbox", "succeeded", at(3, 9)),
    ]:
        Payment.objects.create(
            dossier=d[number],
            unit=d[number].receiving_unit,
            procedure=d[number].procedure,
            amount=50_000,
            provider=provider,
            status=status,
            created_at=at(3, 5),
            paid_at=paid,
        )
    rating_row(d[2], score=5, rated_at=at(3, 12))
    rating_row(d[3], score=2, rated_at=at(3, 21))
    rating_row(d[1], score=1, rated_at=at(4, 2))  # after the period
    return {
        "commune": commune,
        "other": other,
        "field_a": field_a,
        "field_b": field_b,
        "va": va,
        "vb": vb,
        "d": d,
    }


EXPECTED_COMMUNE = {
    "carried_over": 2,
    "new_online": 3,
    "new_direct": 3,
    "new_postal": 2,
    "received": 10,
    "processed_early": 1,
    "processed_on_time": 2,
    "processed_late": 1,
    "processed": 4,
    "in_progress_on_time": 2,
    "in_progress_overdue": 1,
    "in_progress": 3,
    "paused_on_time": 1,
    "paused_overdue": 2,
    "paused": 3,
    "online_share": 37.5,
    "paid_online_share": 50.0,
    "rating_average": 3.5,
    "rating_count": 2,
}
