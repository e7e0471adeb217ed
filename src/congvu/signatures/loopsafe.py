"""Calling pyHanko's event loops from any thread (ký số under ASGI as under WSGI).

pyHanko's synchronous API (``PdfSigner.sign_pdf``, ``validate_pdf_signature``)
and our own coroutines run through ``asyncio.run``, which refuses to start
when the calling thread already runs an event loop (an ASGI server's thread,
an async task that calls the signer). There the call goes to a short-lived
worker thread with no loop of its own, and the caller waits for it: signing
is CPU- and I/O-bound work of well under a second, the caller needs its result
to go on, and the database is never touched from the worker (callers read
what they need, trust anchors included, before handing over).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def call[T](fn: Callable[..., T], /, *args, **kwargs) -> T:
    """``fn(*args, **kwargs)``, in a worker thread when this thread runs an event loop."""
    if not _loop_running():
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="congvu-sign") as pool:
        return pool.submit(fn, *args, **kwargs).result()


def run[T](factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run(factory())`` from any thread; the coroutine is made where it runs."""
    return call(lambda: asyncio.run(factory()))
