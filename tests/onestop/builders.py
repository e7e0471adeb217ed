"""Builders of one-stop rows for tests that need many dossiers at fixed moments.

``dossier_row`` writes a dossier as the services would have left it without
running them (fast, any date): the status, times and due moment given, plus
the ``ClockPause`` intervals the transitions would have opened. Tests of the
transitions themselves go through ``congvu.onestop.services``.
"""

from congvu.onestop.constants import DossierStatus, PauseReason
from congvu.onestop.models import ClockPause, Dossier, Rating
from tests.factories import DossierFactory

PAUSE_REASON = {
    DossierStatus.SUPPLEMENT: PauseReason.SUPPLEMENT,
    DossierStatus.AWAITING_PAYMENT: PauseReason.PAYMENT,
    DossierStatus.STOPPED: PauseReason.STOPPED,
}


def dossier_row(*, pauses=(), **kwargs):
    """A dossier with its pauses: ``pauses`` is a list of ``(started_at, ended_at)``.

    An open pause (``ended_at`` None) takes its reason from the status; a
    closed one is a supplement unless given as ``(start, end, reason)``.
    """
    dossier = DossierFactory(**kwargs)
    for pause in pauses:
        started_at, ended_at, *reason = pause
        if not reason:
            reason = [PAUSE_REASON.get(dossier.status, PauseReason.SUPPLEMENT)]
        due = dossier.extended_due_at or dossier.due_at
        ClockPause.objects.create(
            dossier=dossier,
            reason=reason[0],
            started_at=started_at,
            ended_at=ended_at,
            due_at_start=due if ended_at is None else None,
        )
        if ended_at is None:  # as open_pause keeps them
            Dossier.objects.filter(pk=dossier.pk).update(paused_at=started_at, paused_due=due)
            dossier.paused_at, dossier.paused_due = started_at, due
    return dossier


def rating_row(dossier, *, score: int, rated_at):
    """A rating (Rating) as ``dossier_rate`` writes it: the row and its copy on the dossier."""
    rating = Rating.objects.create(dossier=dossier, score=score, rated_at=rated_at)
    Dossier.objects.filter(pk=dossier.pk).update(rating_score=score, rated_at=rated_at)
    return rating


def process_to_done(dossier, *, officer, leader, when=None):
    """Walk a received dossier of the default process to "done" through the transitions.

    The desk hands the reception step over, the leader the appraisal, then
    finishes (đã xử lý xong, status 9).
    """
    from congvu.onestop import services

    dossier = services.dossier_step_complete(actor=officer, dossier=dossier, when=when)
    dossier = services.dossier_step_complete(actor=leader, dossier=dossier, when=when)
    return services.dossier_finish(actor=leader, dossier=dossier, when=when)
