"""Background jobs of files: text extraction after an upload, the orphan-blob sweep.

With a broker the extraction is a Celery task enqueued when the upload commits.
Without one (demo, tests) Celery runs tasks eagerly, in the caller's thread:
run at the commit, a slow extraction would hold up the response, so inside a
request it waits until the response has been sent (``request_finished``);
outside a request (a command, a test) it runs at the commit.
"""

from __future__ import annotations

import functools
import logging
import threading

from django.db import transaction

from celery import shared_task

logger = logging.getLogger(__name__)

_request = threading.local()


@shared_task(name="congvu.files.tasks.sweep_orphan_blobs")
def sweep_orphan_blobs() -> int:
    """Delete stored blobs that no file row names (left by a crash), after a grace period."""
    from .maintenance import orphan_blobs_sweep

    return orphan_blobs_sweep()


@shared_task(name="congvu.files.tasks.extract_text")
def extract_text(file_id: int) -> str | None:
    """Extract and save the text of a stored file (``services.file_text_extract``)."""
    from .services import file_text_extract

    return file_text_extract(file_id)


@shared_task(name="congvu.files.tasks.extract_pending_texts")
def extract_pending_texts() -> int:
    """Read the texts still pending after a grace period (a job lost with its process)."""
    from .services import pending_texts_extract

    return pending_texts_extract()


def _run(job) -> None:
    try:
        job()
    except Exception:  # background work never breaks the request that scheduled it
        logger.exception("Background job %r failed", job)


def after_response(job) -> None:
    """Run ``job`` once the current request's response has been sent, or now outside a request."""
    jobs = getattr(_request, "jobs", None)
    if jobs is None:
        _run(job)
    else:
        jobs.append(job)


def request_started_receiver(**kwargs) -> None:
    leftover = getattr(_request, "jobs", None)  # a request that never announced its end
    _request.jobs = []
    for job in leftover or ():
        _run(job)


def request_finished_receiver(**kwargs) -> None:
    jobs = getattr(_request, "jobs", None)
    _request.jobs = None
    for job in jobs or ():
        _run(job)


def _dispatch(file_id: int) -> None:
    if extract_text.app.conf.task_always_eager:
        after_response(functools.partial(extract_text.delay, file_id))
    else:
        extract_text.delay(file_id)


def extract_text_after_commit(file_id: int) -> None:
    """Schedule the text extraction of ``file_id`` for when the current transaction commits."""
    transaction.on_commit(functools.partial(_dispatch, file_id), robust=True)
