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
paused 3              on time 1 (#7), overdue 2 (#8, #14)
====================  ==========================================

Not counted: #9 closed in February, #10 received in April, #11 only
submitted, #12 refused.
"""

import datetime

from django.utils import timezone

import pytest

from congvu.onestop.models import Rating
from congvu.payments.models import Payment
from tests.factories import (
    DossierFactory,
    ProcedureFieldFactory,
    ProcedureVersionFactory,
    UnitFactory,
)

TZ = timezone.get_fixed_timezone(7 * 60)


def at(month, day, hour=9):
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=TZ)


@pytest.fixture
def world(db):
    commune = UnitFactory(commune=True, name="Ủy ban nhân dân xã An Thạnh")
    other = UnitFactory(commune=True, name="Ủy ban nhân dân xã Bình Thạnh")
    field_a = ProcedureFieldFactory(name="Hộ tịch")
    field_b = ProcedureFieldFactory(name="Chứng thực")
    va = ProcedureVersionFactory(procedure__field=field_a, procedure__name="Đăng ký khai sinh")
    vb = ProcedureVersionFactory(procedure__field=field_b, procedure__name="Chứng thực bản sao")
    n = iter(range(1, 100))

    def dossier(unit=commune, version=va, **kw):
        i = next(n)
        kw.setdefault("submitted_at", kw.get("received_at") or at(3, 1))
        return DossierFactory(
            receiving_unit=unit,
            procedure_version=version,
            code=f"DS-{i:04d}",
            applicant_name=f"Nguyễn Văn Riêngtư{i}",
            applicant_phone=f"0912{i:06d}",
            **kw,
        )

    d = {}
    d[1] = dossier(
        channel="direct",
        received_at=at(2, 20),
        status="done",
        outcome="early",
        due_at=at(3, 10),
        finished_at=at(3, 5),
        closed_at=at(3, 5),
    )
    d[2] = dossier(
        channel="online",
        received_at=at(3, 2),
        status="returned",
        outcome="on_time",
        due_at=at(3, 10, 18),
        finished_at=at(3, 10),
        closed_at=at(3, 10),
    )
    d[3] = dossier(
        channel="direct",
        received_at=at(3, 3),
        status="done",
        outcome="late",
        due_at=at(3, 15),
        finished_at=at(3, 20),
        closed_at=at(3, 20),
    )
    d[4] = dossier(
        channel="online",
        received_at=at(3, 4),
        status="withdrawn",
        due_at=at(3, 20),
        closed_at=at(3, 6),
    )
    d[5] = dossier(channel="postal", received_at=at(3, 25), status="processing", due_at=at(4, 10))
    d[6] = dossier(channel="online", received_at=at(2, 1), status="processing", due_at=at(3, 20))
    d[7] = dossier(channel="online", received_at=at(3, 5), status="supplement", due_at=at(4, 5))
    d[8] = dossier(
        channel="direct", received_at=at(3, 6), status="awaiting_payment", due_at=at(3, 28)
    )
    d[9] = dossier(
        channel="online",
        received_at=at(1, 5),
        status="done",
        outcome="on_time",
        due_at=at(2, 15),
        finished_at=at(2, 10),
        closed_at=at(2, 10),
    )
    d[10] = dossier(channel="online", received_at=at(4, 3), status="received", due_at=at(4, 20))
    d[11] = dossier(channel="online", received_at=None, submitted_at=at(3, 7), status="submitted")
    d[12] = dossier(
        channel="online",
        received_at=None,
        submitted_at=at(3, 8),
        status="refused",
        closed_at=at(3, 8),
    )
    d[13] = dossier(
        version=vb,
        channel="direct",
        received_at=at(3, 10),
        status="done",
        outcome="on_time",
        due_at=at(4, 8),
        finished_at=at(4, 5),
        closed_at=at(4, 5),
    )
    d[14] = dossier(
        version=vb,
        channel="postal",
        received_at=at(3, 12),
        status="stopped",
        due_at=at(3, 30),
        closed_at=at(3, 15),
    )
    d[15] = dossier(
        unit=other, channel="online", received_at=at(3, 9), status="processing", due_at=at(4, 30)
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
    Rating.objects.create(dossier=d[2], score=5, rated_at=at(3, 12))
    Rating.objects.create(dossier=d[3], score=2, rated_at=at(3, 21))
    Rating.objects.create(dossier=d[1], score=1, rated_at=at(4, 2))  # after the period
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
