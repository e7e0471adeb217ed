"""Background jobs of files: text extraction and signature check after an upload, the orphan-blob sweep.

With a broker the extraction is a Celery task enqueued when the upload commits.
Without one (demo, tests) Celery runs tasks eagerly, in the caller's thread. Run
there, a slow extraction would hold up the response and, the thread being busy,
the next request on the same keep-alive connection (the page the upload
redirects to). So inside a request an eager task is handed to one background
thread of the process once the upload has committed; outside a request (a
command, a test) it runs at the commit. A job lost with its process is picked
up by the periodic ``extract_pending_texts``.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connections, transaction

from celery import shared_task

logger = logging.getLogger(__name__)

#: True while a view runs (``middleware.py``), where eager jobs go to the thread.
in_request: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "congvu_files_in_request", default=False
)
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


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


@shared_task(name="congvu.files.tasks.check_signatures")
def check_signatures(file_id: int) -> str | None:
    """Check and store the digital signatures of a stored PDF (``verification.py``)."""
    from .verification import file_signatures_check

    return file_signatures_check(file_id)


@shared_task(name="congvu.files.tasks.check_pending_signatures")
def check_pending_signatures() -> int:
    """Check the signatures still pending after a grace period (a job lost with its process)."""
    from .verification import pending_signatures_check

    return pending_signatures_check()


def _run(job) -> None:
    try:
        job()
    except Exception:  # background work never breaks the request that scheduled it
        logger.exception("Background job %r failed", job)


def _run_in_background(job) -> None:
    try:
        _run(job)
    finally:
        connections.close_all()  # this thread's connections only


def _background() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            # One thread: jobs run one after another, never crowding the requests.
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="congvu-files")
        return _executor


def in_background(job) -> None:
    """Run ``job`` in the process's background thread inside a request; at once outside one."""
    if in_request.get():
        _background().submit(_run_in_background, job)
    else:
        _run(job)


def background_idle() -> None:
    """Wait until the background thread has run every job handed to it so far."""
    done: Future = _background().submit(lambda: None)
    done.result()


def _dispatch(file_id: int) -> None:
    if extract_text.app.conf.task_always_eager:
        in_background(functools.partial(extract_text.delay, file_id))
    else:
        extract_text.delay(file_id)


def extract_text_after_commit(file_id: int) -> None:
    """Schedule the text extraction of ``file_id`` for when the current transaction commits."""
    transaction.on_commit(functools.partial(_dispatch, file_id), robust=True)


def _dispatch_signatures(file_id: int) -> None:
    if check_signatures.app.conf.task_always_eager:
        in_background(functools.partial(check_signatures.delay, file_id))
    else:
        check_signatures.delay(file_id)


def check_signatures_after_commit(file_id: int) -> None:
    """Schedule the signature check of ``file_id`` for when the current transaction commits."""
    transaction.on_commit(functools.partial(_dispatch_signatures, file_id), robust=True)
