"""Keeping a node's tantivy index in step with ``SearchChange`` (ADR 0006, plan steps 2 and 4).

A node applies the changes after its position, in id order, by reading the
``SearchDocument`` rows they name (a row that is gone is removed). Ids are handed
out when a change is written, not when it commits: a transaction that took id 10
may commit after the one that took id 11. So the position is two things
(``congvu-position.json``):

- ``applied``: the highest id applied;
- ``missing``: the ids below it not seen yet, each with the time it was first
  missed. Each sync reads them again; an id still missing after
  ``SEARCH_CHANGE_GRACE_SECONDS`` (longer than any transaction may run) belonged to
  a transaction that rolled back and is dropped.

The node's position for pruning (``SearchIndexNode.position``) is the lowest id it
may still need. Applying a change twice changes nothing (the document is deleted
and added again from its row), so a crash between tantivy's commit and the
position file only costs applying a batch again.

One writer per index: a file lock (``sync.lock``) beside the index. A sync that finds
it taken returns at once; the holder re-reads the changes before releasing it.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import logging
import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Max, Min, Q
from django.utils import timezone

from ..models import SearchChange, SearchDocument, SearchIndexNode
from .tantivy import CURRENT, POSITION, SCHEMA_VERSION, TantivyIndex

logger = logging.getLogger(__name__)

#: Changes read and applied per tantivy commit.
BATCH_SIZE = 500
#: A rebuild reads the index rows in batches of this many.
REBUILD_BATCH = 2000

#: Columns of the index row the node's index never reads (the raw text is for snippets).
UNREAD = ("content", "head_exact")

_open: dict[str, TantivyIndex] = {}


def base_dir() -> Path | None:
    value = getattr(settings, "SEARCH_INDEX_DIR", "")
    return Path(value) if value else None


def grace() -> float:
    return float(getattr(settings, "SEARCH_CHANGE_GRACE_SECONDS", 600))


def node_name() -> str:
    return getattr(settings, "SEARCH_NODE_NAME", "") or socket.gethostname()


def current() -> TantivyIndex | None:
    """This process's handle on the node's live index; None when there is none (no
    ``SEARCH_INDEX_DIR``, or never built): searches then use the database match."""
    base = base_dir()
    if base is None:
        return None
    try:
        target = os.readlink(base / CURRENT)
    except OSError:
        return None
    path = str((base / target).resolve())
    index = _open.get(path)
    if index is None:
        if not built_with_this_schema(Path(path)):
            logger.warning("The search index %s was built by another version: rebuild it", path)
            return None
        for stale in [p for p in _open if p.startswith(str(base.resolve()))]:
            del _open[stale]
        index = _open[path] = TantivyIndex(Path(path))
    return index


def built_with_this_schema(path: Path) -> bool:
    """Whether the index at ``path`` has this version's fields (``SCHEMA_VERSION``)."""
    try:
        data = json.loads((path / POSITION).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return data.get("schema") == SCHEMA_VERSION


@contextlib.contextmanager
def _writer_lock(base: Path, *, wait: bool):
    base.mkdir(parents=True, exist_ok=True)
    with open(base / "sync.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lowest_needed(state: dict) -> int:
    """Every change up to this id is in the index (for pruning)."""
    missing = state.get("missing") or {}
    return min(missing) - 1 if missing else state["applied"]


def _rows(keys) -> list[SearchDocument]:
    by_kind: dict[str, list[int]] = {}
    for kind, object_id in keys:
        by_kind.setdefault(kind, []).append(object_id)
    q = Q(pk__in=[])
    for kind, ids in by_kind.items():
        q |= Q(kind=kind, object_id__in=ids)
    return list(SearchDocument.objects.filter(q).defer(*UNREAD))


@dataclass
class SyncResult:
    """What one sync of a node did."""

    applied: int = 0  #: changes applied
    busy: bool = False  #: another process held the writer lock
    position: int = 0  #: the node's position afterwards


def _step(index: TantivyIndex, state: dict, now: float) -> int:
    """Apply the next batch; returns how many changes it applied."""
    missing = state["missing"]
    cond = Q(pk__gt=state["applied"])
    if missing:
        cond |= Q(pk__in=list(missing))
    changes = list(
        SearchChange.objects.filter(cond)
        .order_by("pk")
        .values_list("pk", "kind", "object_id")[:BATCH_SIZE]
    )
    stale = [i for i, first in missing.items() if now - first > grace()]
    for i in stale:
        del missing[i]  # rolled back: its transaction cannot still be running
    if not changes:
        if stale:
            index.write_position(state)
        return 0
    keys = list(dict.fromkeys((kind, object_id) for _pk, kind, object_id in changes))
    index.apply(keys, _rows(keys))
    seen = {pk for pk, _k, _o in changes}
    for pk in seen:
        missing.pop(pk, None)
    top = max(seen)
    if top > state["applied"]:
        for gap in range(state["applied"] + 1, top):
            if gap not in seen:
                missing.setdefault(gap, now)
        state["applied"] = top
    index.write_position(state)
    return len(changes)


def sync(*, wait: bool = False) -> SyncResult:
    """Bring the node's index up to the last committed change; returns a SyncResult.

    ``wait``: wait for the writer lock (the command, the periodic job) rather than
    return when another process of this node is syncing (a search).
    """
    result = SyncResult()
    index, base = current(), base_dir()
    if index is None:
        return result
    with _writer_lock(base, wait=wait) as got:
        if not got:
            result.busy = True
            return result
        index = current()  # a rebuild may have switched it while we waited
        state = index.read_position()
        while True:
            done = _step(index, state, time.time())
            result.applied += done
            if done < BATCH_SIZE:
                break
        result.position = lowest_needed(state)
    SearchIndexNode.objects.update_or_create(
        name=node_name(), defaults={"position": result.position}
    )
    return result


_LAST_SQL = f"SELECT max(id) FROM {SearchChange._meta.db_table}"
_SEEN_SQL = f"SELECT max(id) FROM {SearchChange._meta.db_table} WHERE id IN"


def behind() -> bool:
    """Whether the node's index lacks a committed change (one indexed query).

    An id still missing (a transaction not committed yet, or rolled back) counts only
    once it has appeared: a rolled-back one would otherwise send every search of the
    next ``SEARCH_CHANGE_GRACE_SECONDS`` through a sync; the worker's periodic sync
    gives it up.
    """
    index = current()
    if index is None:
        return False
    state = index.read_position()
    missing = sorted(state["missing"])
    # Asked before every search: plain SQL (the ORM's compilation cost more than the
    # primary key's index lookups).
    with connection.cursor() as cursor:
        if missing:
            marks = ", ".join(["%s"] * len(missing))
            cursor.execute(f"SELECT ({_LAST_SQL}), ({_SEEN_SQL} ({marks}))", missing)
            last, seen = cursor.fetchone()
            if seen is not None:
                return True
        else:
            cursor.execute(_LAST_SQL)
            last = cursor.fetchone()[0]
    return (last or 0) > state["applied"]


def record(keys) -> None:
    """Announce the index rows of ``keys`` (``(kind, object_id)``) as changed, in the
    current transaction (``services._write_rows``, ``services.search_index_remove``).

    Nothing else happens at the change: the nodes apply it when they next search
    (``selectors._engine``), in the worker after its drain, or with
    ``congvu search_index_sync --every``; a change never waits for a tantivy commit.
    """
    SearchChange.objects.bulk_create([SearchChange(kind=k, object_id=o) for k, o in keys])


def prune() -> int:
    """Delete the changes every registered node has applied (and older than the grace, so a
    rebuild that starts now still finds what it replays), but the newest of those;
    returns how many."""
    old = timezone.now() - datetime.timedelta(seconds=grace())
    floor = SearchIndexNode.objects.aggregate(m=Min("position"))["m"]
    qs = SearchChange.objects.filter(created_at__lt=old)
    # The newest old change stays: where the next rebuild starts (``_start_position``).
    anchor = qs.aggregate(m=Max("pk"))["m"]
    qs = qs.exclude(pk=anchor)
    if floor is not None:
        qs = qs.filter(pk__lte=floor)
    return qs.delete()[0]


def forget(name: str) -> bool:
    """Stop keeping changes for a retired node."""
    return SearchIndexNode.objects.filter(name=name).delete()[0] > 0


def _last_issued_id() -> int:
    """The last id the database handed out for ``SearchChange`` (committed or not)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # pg_get_serial_sequence returns the name quoted as needed.
            cursor.execute(f"SELECT last_value, is_called FROM {_sequence_name(cursor)}")
            value, called = cursor.fetchone()
            return value if called else value - 1
        cursor.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = %s", [SearchChange._meta.db_table]
        )
        row = cursor.fetchone()
        return row[0] if row else 0


def _sequence_name(cursor) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [SearchChange._meta.db_table])
    return cursor.fetchone()[0]


def _start_position() -> int:
    """Where a rebuild starts following the changes.

    The highest id written longer ago than any transaction runs: every id below it has
    committed or rolled back, and every one after it is replayed (most again: harmless).
    ``prune`` always keeps that row. Only on a database that never wrote a change
    that long ago, where no transaction of this software can have been running since,
    is it the last id handed out (or the first recent change).
    """
    old = timezone.now() - datetime.timedelta(seconds=grace())
    found = SearchChange.objects.filter(created_at__lt=old).aggregate(m=Max("pk"))["m"]
    if found is not None:
        return found
    first = SearchChange.objects.aggregate(m=Min("pk"))["m"]
    return first - 1 if first is not None else _last_issued_id()


def _every_row(batch_size: int, stdout):
    last, count = 0, 0
    while True:
        rows = list(
            SearchDocument.objects.filter(pk__gt=last).defer(*UNREAD).order_by("pk")[:batch_size]
        )
        if not rows:
            return
        yield from rows
        count, last = count + len(rows), rows[-1].pk
        if stdout is not None:
            stdout.write(f"{count} văn bản…")


def rebuild(*, batch_size: int = REBUILD_BATCH, stdout=None) -> int:
    """Build the node's index afresh from the index rows and switch to it atomically.

    Searches use the old index (or, on a node without one, the database match)
    until the switch; the changes written meanwhile are applied after it. Returns
    the number of documents indexed.
    """
    base = base_dir()
    if base is None:
        raise RuntimeError("SEARCH_INDEX_DIR is not set")
    base.mkdir(parents=True, exist_ok=True)
    start = _start_position()
    # Registered first, so that pruning keeps the changes this build will replay.
    SearchIndexNode.objects.update_or_create(name=node_name(), defaults={"position": start})
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    path = base / f"index-{stamp}-{os.getpid()}"
    fresh = TantivyIndex(path, create=True)
    count = fresh.bulk(_every_row(batch_size, stdout))
    fresh.write_position({"applied": start, "missing": {}})
    with _writer_lock(base, wait=True):
        link = base / f".{CURRENT}.{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        old = None
        with contextlib.suppress(OSError):
            old = os.readlink(base / CURRENT)
        os.symlink(path.name, link)
        os.replace(link, base / CURRENT)
    sync(wait=True)
    if old and old != path.name:
        # Processes still reading the old files keep them open until they reopen.
        shutil.rmtree(base / old, ignore_errors=True)
    return count
