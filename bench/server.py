"""A gunicorn of congvu (2 workers, loopback, a free port) and a bounded HTTP timing loop."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.stats import Result

# A CSRF secret of the form Django expects (32 letters and digits), sent as cookie and header.
CSRF = "benchcsrfbenchcsrfbenchcsrf01234"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``with Server(root) as s:`` runs gunicorn with ``bench.settings`` until the block ends."""

    def __init__(self, root: Path, workers: int = 2):
        self.root = root
        self.workers = workers
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", DEBUG="0")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.proc = subprocess.Popen(
            [
                str(gunicorn),
                "congvu.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--pythonpath",
                str(self.root),
                "--log-level",
                "warning",
            ],
            cwd=self.root,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("gunicorn exited") from None
                time.sleep(0.2)
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def login(self, user) -> str:
        """A session cookie for ``user`` (``force_login``: the session row is in the database)."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        return f"{name}={client.cookies[name].value}"

    def get(self, path: str, cookie: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def post(self, path: str, cookie: str, body: bytes, content_type: str) -> tuple[int, bytes]:
        """POST with the CSRF token of ``csrf_cookie`` (a redirect counts as success)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(
                "POST",
                path,
                body=body,
                headers={
                    "Cookie": f"{cookie}; csrftoken={CSRF}",
                    "X-CSRFToken": CSRF,
                    "Host": "127.0.0.1",
                    "Content-Type": content_type,
                },
            )
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def time_calls(self, call, warmup: int, iterations: int, max_seconds: float = 15) -> Result:
        """Time ``call(i)`` (one request, raising on failure) like ``time`` does a GET."""
        for i in range(warmup):
            call(-1 - i)
        result = Result(name="", where="http")
        started = time.perf_counter()
        for i in range(iterations):
            t = time.perf_counter()
            call(i)
            result.samples.append((time.perf_counter() - t) * 1000)
            if time.perf_counter() - started > max_seconds:
                break
        result.wall = time.perf_counter() - started
        return result

    def time(
        self, path: str, cookie: str, warmup: int, iterations: int, max_seconds: float = 15
    ) -> Result:
        warm_started = time.perf_counter()
        for _ in range(warmup):
            status, body = self.get(path, cookie)
            if status != 200:
                raise RuntimeError(f"GET {path}: HTTP {status} {body[:200]!r}")
            if time.perf_counter() - warm_started > max_seconds / 3:
                break
        result = Result(name=path, where="http")
        started = time.perf_counter()
        for _ in range(iterations):
            t = time.perf_counter()
            status, _ = self.get(path, cookie)
            result.samples.append((time.perf_counter() - t) * 1000)
            if status != 200:
                raise RuntimeError(f"GET {path}: HTTP {status}")
            if time.perf_counter() - started > max_seconds:
                break
        result.wall = time.perf_counter() - started
        return result
