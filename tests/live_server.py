"""A live server that can share the test's in-memory SQLite connection safely.

Django hands the test thread's own connection to the live server when the
test database is in-memory SQLite, and its threaded server then runs every
browser request on that one connection at once: a page, its images and an
HTMX poll interleave statements, which fails with "database table is locked"
or a 503 under load, and a request still running when the test ends breaks
the flush. Here the server answers one request at a time, and a lock taken
around each request and each statement on the shared connection makes the
test thread (its queries and the flush) wait for the request in flight.

The process's background thread (``congvu.files.tasks``: text extraction,
signature check, outbox dispatch after a request) would open a second
connection to the same in-memory database, whose shared-cache table locks
fail at once instead of waiting. While the serial server answers a request,
those jobs run inline, in the request, as they do outside one.
"""

import threading
from concurrent.futures import Future

from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler


class _InlineExecutor:
    """Stands in for the files' background thread pool: runs each job at once."""

    def submit(self, fn, *args, **kwargs) -> Future:
        done: Future = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            done.set_exception(exc)
        return done


class _SerialWSGIServer(WSGIServer):
    """Not threaded: Django's handler then closes each connection after its response."""

    def __init__(self, *args, lock, **kwargs):
        self._lock = lock
        super().__init__(*args, **kwargs)

    def get_app(self):
        app, lock = super().get_app(), self._lock

        def serial_app(environ, start_response):
            from congvu.files import tasks

            with lock:
                kept, tasks._executor = tasks._executor, _InlineExecutor()
                try:
                    result = app(environ, start_response)
                    try:
                        # The body is read inside the lock: a streamed file or a
                        # lazy template may still query the database.
                        return list(result)
                    finally:
                        if hasattr(result, "close"):
                            result.close()
                finally:
                    tasks._executor = kept

        return serial_app


class SerialLiveServerThread(LiveServerThread):
    """LiveServerThread answering one request at a time under ``lock``."""

    def __init__(self, *args, lock, **kwargs):
        self.lock = lock
        super().__init__(*args, **kwargs)

    def _create_server(self, connections_override=None):
        return _SerialWSGIServer(
            (self.host, self.port),
            QuietWSGIRequestHandler,
            allow_reuse_address=False,
            lock=self.lock,
        )


def serialise(server):
    """Swap a not-yet-started pytest-django ``LiveServer``'s thread for a serial one.

    Only when the server shares connections (in-memory SQLite); on PostgreSQL
    each request thread has its own connection and the server stays threaded.
    Returns the lock, already installed around every statement of the shared
    connections, or None.
    """
    old = server.thread
    if not old.connections_override:
        return None
    lock = threading.RLock()
    thread = SerialLiveServerThread(
        old.host,
        old.static_handler,
        connections_override=old.connections_override,
        port=old.port,
        lock=lock,
    )
    thread.daemon = True
    server.thread = thread

    def locked(execute, sql, params, many, context):
        with lock:
            return execute(sql, params, many, context)

    for conn in old.connections_override.values():
        conn.execute_wrappers.insert(0, locked)
    return lock
