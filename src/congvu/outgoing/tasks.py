"""Periodic jobs of văn bản đi (Celery beat, or ``congvu run_periodic`` without a broker)."""

from celery import shared_task


@shared_task(name="congvu.outgoing.tasks.poll_remote_signatures")
def poll_remote_signatures() -> int:
    """Ask the remote-signing services about documents waiting in "Chờ ký số"; issue approved ones."""
    from .services import remote_signatures_poll

    return remote_signatures_poll()
