"""Periodic jobs of files (run by Celery beat, or `congvu run_periodic` without a broker)."""

from celery import shared_task


@shared_task(name="congvu.files.tasks.sweep_orphan_blobs")
def sweep_orphan_blobs() -> int:
    """Delete stored blobs that no file row names (left by a crash), after a grace period."""
    from .maintenance import orphan_blobs_sweep

    return orphan_blobs_sweep()
