"""The production path of background jobs: a real worker consuming from a real Redis.

Everywhere else tasks run eagerly (no CELERY_BROKER_URL in the tests and the
demo). Here a `celery worker` subprocess takes them from Redis, runs them with
the test settings and sends results back through the Redis result backend.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.db import connection, transaction

import pytest

from congvu import celery_app
from congvu.accounts.tasks import expire_delegations
from congvu.audit.models import AuditRecord
from congvu.audit.services import log_action
from congvu.audit.tasks import verify_chain_task
from congvu.core.tasks import ping
from tests.factories import DelegationFactory

from .conftest import Worker

pytestmark = pytest.mark.slow

TIMEOUT = 60


def _drop_connections(app) -> None:
    # The app caches its broker pool and result backend; both must follow
    # the configuration swapped in and out below.
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


@contextmanager
def sending_to(worker: Worker):
    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(
        broker_url=worker.broker_url, result_backend=worker.broker_url, task_always_eager=False
    )
    _drop_connections(celery_app)
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _drop_connections(celery_app)


def result_of(async_result, worker: Worker):
    """Wait, within TIMEOUT, for the worker to answer; fail early if it died."""
    deadline = time.monotonic() + TIMEOUT
    while not async_result.ready():
        exit_code = worker.process.poll()
        assert exit_code is None, f"worker exited ({exit_code}):\n{worker.output()}"
        assert time.monotonic() < deadline, f"no answer in {TIMEOUT} s:\n{worker.output()}"
        time.sleep(0.1)
    try:
        return async_result.get(timeout=5)
    finally:
        async_result.forget()


def test_a_real_worker_runs_tasks_from_redis(celery_worker):
    with sending_to(celery_worker):
        answer = ping.apply_async(args=["xin chào"], queue=celery_worker.queue)
        assert result_of(answer, celery_worker) == "xin chào"
        assert "congvu.core.tasks.ping" in celery_worker.output()

        if connection.vendor != "postgresql":
            # The SQLite test database lives in this process's memory, so the
            # worker cannot share it; the round trip above is what SQLite proves.
            return

        # The worker writes to the test database: it logs the delegations
        # (ủy quyền) that have ended, committing audit records we then read.
        DelegationFactory(expired=True)
        DelegationFactory()
        logged = expire_delegations.apply_async(queue=celery_worker.queue)
        assert result_of(logged, celery_worker) == 1
        assert list(AuditRecord.objects.values_list("action", flat=True)) == [
            "congvu.accounts.delegation.expired"
        ]

        # And reads it: the chain it walks includes a record written here.
        with transaction.atomic():
            log_action(actor=None, action="congvu.test.worker.check")
        report = verify_chain_task.apply_async(queue=celery_worker.queue)
        assert result_of(report, celery_worker) == {
            "ok": True,
            "count": 2,
            "head_seq": 2,
            "problem": None,
        }
