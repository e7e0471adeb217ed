"""Celery side of the search indexer: woken after a commit and run every minute."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="congvu.search.tasks.drain_index")
def drain_index() -> dict:
    """Index the pending documents (``indexer.search_index_drain``), then bring this
    node's full-text index up to date and prune the changes every node has applied
    (``engines.sync``).

    Woken after each commit that recorded a pending document; the periodic entry
    ``search-index-pending`` (every minute with Celery beat, ``congvu run_periodic``
    in embedded mode) picks up what a lost wake-up or a failed run left.
    """
    from .engines import sync
    from .indexer import search_index_drain

    result = search_index_drain().as_dict()
    result["node"] = sync.sync(wait=True).applied
    result["pruned"] = sync.prune()
    return result
