"""``on_rollback(fn)``: run ``fn`` if the current transaction (or savepoint) does not commit.

Django has ``transaction.on_commit`` but no rollback hook. It does drop the
``on_commit`` callbacks of a transaction or savepoint that rolls back. So a
guard object is registered through ``on_commit`` and referenced only by that
callback: it is finalised exactly when the callback has run (commit) or has
been dropped (rollback), and its finaliser calls ``fn`` in the second case.
Used to delete stored blobs and to forget cached data written by a
transaction that did not commit. ``fn`` must not touch the database.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)


class _Guard:
    def __init__(self, fn: Callable[[], None]):
        self.state = {"committed": False}
        weakref.finalize(self, _run_unless_committed, fn, self.state)

    def committed(self) -> None:
        self.state["committed"] = True


def _run_unless_committed(fn: Callable[[], None], state: dict) -> None:
    if state["committed"]:
        return
    try:
        fn()
    except Exception:  # a finaliser must not raise
        logger.warning("on_rollback callback %r failed", fn, exc_info=True)


def on_rollback(fn: Callable[[], None], using: str | None = None) -> None:
    """Call ``fn`` once the current atomic block is rolled back (never if it commits).

    Outside an atomic block there is nothing to roll back and ``fn`` is never called.
    """
    if not transaction.get_connection(using).in_atomic_block:
        return
    transaction.on_commit(_Guard(fn).committed, using=using)
