"""Celery side of the search indexer: woken after a commit and run every minute."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="congvu.search.tasks.drain_index")
def drain_index() -> dict:
    """Index the pending documents (``indexer.search_index_drain``).

    Woken after each commit that recorded a pending document; the periodic entry
    ``search-index-pending`` (every minute with Celery beat, ``congvu run_periodic``
    in embedded mode) picks up what a lost wake-up or a failed run left.
    """
    from .indexer import search_index_drain

    return search_index_drain().as_dict()
