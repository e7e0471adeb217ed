"""Decision 766 numbers of a past period stay as they were when the dossier moves on.

The dossiers go through the real transitions (pause intervals, due moments
pushed at resume); the statistics are read before and after the later moves.
"""

import datetime

import pytest

from congvu.onestop import services
from congvu.stats.selectors import Period, dossier_statistics

from .builders import process_to_done
from .conftest import at, pdf

pytestmark = pytest.mark.django_db

CELLS = ["in_progress_on_time", "in_progress_overdue", "paused_on_time", "paused_overdue"]


def cells(unit, first, last, now):
    period = Period(datetime.date(2026, 3, first), datetime.date(2026, 3, last))
    values = dossier_statistics(unit_ids={unit.pk}, period=period, now=now).total.values
    return {key: values[key] for key in CELLS if values[key]}


def test_paused_at_the_end_of_a_past_period_stays_paused_after_it_resumes(
    received, officer, citizen, commune
):
    # Accepted Mon 2/3 09:30, due Thu 5/3 09:30; asked for a supplement on Tue 3/3.
    services.dossier_request_supplement(
        actor=officer, dossier=received, items=["Bản sao CCCD"], when=at(3, 3, 9, 30)
    )
    before = cells(commune, 1, 3, now=at(3, 9))
    assert before == {"paused_on_time": 1}
    dossier = services.dossier_supplement_answer(
        actor=citizen, dossier=received, uploads=[("CCCD", pdf())], when=at(3, 10, 9, 30)
    )
    assert dossier.status == "received"
    assert cells(commune, 1, 3, now=at(3, 11)) == before
    # In a period ending after the answer it is running again, its due moment pushed.
    assert cells(commune, 1, 11, now=at(3, 12)) == {"in_progress_on_time": 1}


def test_paused_after_the_due_moment_is_overdue_before_and_after_resume(received, officer, commune):
    # Due Thu 5/3 09:30; stopped on Mon 9/3, after that moment.
    services.dossier_stop(actor=officer, dossier=received, reason="Chờ xác minh", when=at(3, 9))
    before = cells(commune, 1, 10, now=at(3, 16))
    assert before == {"paused_overdue": 1}
    services.dossier_resume(actor=officer, dossier=received, when=at(3, 16, 9))
    received.refresh_from_db()
    assert received.due_at > at(3, 10)  # pushed by the stop's office time
    assert cells(commune, 1, 10, now=at(3, 17)) == before
    assert cells(commune, 1, 17, now=at(3, 18)) == {"in_progress_overdue": 1}


def test_a_period_before_the_pause_counts_the_dossier_in_progress(received, officer, commune):
    services.dossier_stop(actor=officer, dossier=received, reason="Chờ xác minh", when=at(3, 4))
    assert cells(commune, 1, 3, now=at(3, 9)) == {"in_progress_on_time": 1}


def test_refused_after_the_period_was_in_progress_in_it(received, officer, commune):
    assert cells(commune, 1, 3, now=at(3, 4)) == {"in_progress_on_time": 1}
    services.dossier_refuse(actor=officer, dossier=received, reason="Sai thẩm quyền", when=at(3, 4))
    # The period before the refusal still counts it; the period of the refusal does not.
    assert cells(commune, 1, 3, now=at(3, 9)) == {"in_progress_on_time": 1}
    period = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 4))
    table = dossier_statistics(unit_ids={commune.pk}, period=period, now=at(3, 9))
    assert table.total.values["received"] == 0


def test_finished_after_the_period_was_open_in_it(received, officer, leader, commune):
    dossier = process_to_done(received, officer=officer, leader=leader, when=at(3, 20))
    assert dossier.status == "done"
    # Due 5/3: at the end of 1–10/3 it was open and overdue, whatever it is now.
    assert cells(commune, 1, 10, now=at(3, 21)) == {"in_progress_overdue": 1}
    values = dossier_statistics(
        unit_ids={commune.pk},
        period=Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
        now=at(4, 1),
    ).total.values
    assert values["processed_late"] == 1


def test_overdue_at_the_end_of_a_period_stays_overdue_after_a_later_delay_notice(
    received, officer, commune
):
    """Mẫu 04 after the period moves the due moment later; that period still read overdue."""
    # Due Thu 5/3 09:30: overdue at the end of 1–6/3.
    before = cells(commune, 1, 6, now=at(3, 9))
    assert before == {"in_progress_overdue": 1}
    services.dossier_delay_notice(
        actor=officer,
        dossier=received,
        reason="Chờ ý kiến liên ngành",
        new_due_at=at(3, 20, 9),
        when=at(3, 9, 10),
    )
    assert cells(commune, 1, 6, now=at(3, 10)) == before
    # A period ending after the notice is judged against the new appointment.
    assert cells(commune, 1, 10, now=at(3, 11)) == {"in_progress_on_time": 1}


def test_overdue_at_the_end_of_a_period_stays_overdue_after_a_later_pause(
    received, officer, commune
):
    """A pause after the period pushes the due moment at its end; the period is unchanged."""
    before = cells(commune, 1, 6, now=at(3, 9))
    assert before == {"in_progress_overdue": 1}
    services.dossier_stop(actor=officer, dossier=received, reason="Chờ xác minh", when=at(3, 9))
    services.dossier_resume(actor=officer, dossier=received, when=at(3, 30, 9))
    received.refresh_from_db()
    assert received.due_at > at(3, 20)  # pushed by three weeks of office time
    assert cells(commune, 1, 6, now=at(3, 31)) == before


def test_paused_after_the_due_moment_stays_overdue_after_a_delay_notice_in_the_pause(
    received, officer, commune
):
    """Mẫu 04 while the clock is stopped does not make the stop "on time"."""
    services.dossier_stop(actor=officer, dossier=received, reason="Chờ xác minh", when=at(3, 9))
    assert cells(commune, 1, 10, now=at(3, 11)) == {"paused_overdue": 1}
    services.dossier_delay_notice(
        actor=officer,
        dossier=received,
        reason="Chờ xác minh",
        new_due_at=at(3, 27, 9),
        when=at(3, 12, 9),
    )
    assert cells(commune, 1, 10, now=at(3, 13)) == {"paused_overdue": 1}
    assert cells(commune, 1, 13, now=at(3, 13, 10)) == {"paused_overdue": 1}
