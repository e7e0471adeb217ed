"""Periodic job of the exchange (Celery beat, or ``congvu run_periodic`` without a broker)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="congvu.exchange.tasks.poll_exchange")
def poll_exchange() -> dict:
    """``exchange-poll``: take in the packages waiting at the transport for our agencies."""
    from django.conf import settings

    from .services.sending import exchange_poll

    return exchange_poll(limit=int(getattr(settings, "CONGVU_EXCHANGE_POLL_LIMIT", 20)))


@shared_task(name="congvu.exchange.tasks.maintain_blobs")
def maintain_blobs() -> dict:
    """``exchange-blobs``: delete orphan blobs under ``exchange/`` and purge old sent bytes."""
    from .maintenance import exchange_orphan_blobs_sweep, sent_packages_purge

    return {"orphans": exchange_orphan_blobs_sweep(), "purged": sent_packages_purge()}
