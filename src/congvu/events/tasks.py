"""Celery side of the outbox: the dispatch task, woken after a commit and run every minute."""

from __future__ import annotations

import functools

from celery import shared_task


@shared_task(name="congvu.events.tasks.dispatch_outbox")
def dispatch_outbox(prune: bool = False) -> dict:
    """Deliver every due delivery (``dispatch.dispatch``); the periodic run also prunes.

    The periodic entry ``outbox-dispatch`` (every minute with Celery beat,
    with ``congvu run_periodic`` in embedded mode) is what picks up a
    delivery whose wake-up was lost, whose retry is due, or whose lease
    expired with a killed worker.
    """
    from .dispatch import dispatch
    from .dispatch import prune as prune_done

    result = dispatch().as_dict()
    if prune:
        result["pruned"] = prune_done()
    return result


def dispatch_soon(message_pk: int | None = None) -> None:
    """After a commit: wake a dispatcher (eager: in the request's background thread).

    ``message_pk`` only names what woke it (logs); the dispatcher takes every
    due delivery, so the events queued behind this one's key follow.
    """
    if dispatch_outbox.app.conf.task_always_eager:
        from congvu.files.tasks import in_background

        in_background(functools.partial(dispatch_outbox.delay))
    else:
        dispatch_outbox.delay()
