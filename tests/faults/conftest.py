"""Real processes to kill: gunicorn serving congvu, a Celery worker, our own PostgreSQL.

The fault tests run through ``make test-faults`` (``tests/faults/run``), which
starts a throwaway PostgreSQL cluster they may restart. The processes share
the pytest-django test database with the test (hence ``transactional_db``:
what the test writes must be committed for them to see it) and write files
under a temporary MEDIA_ROOT.

A process started with ``pause_at="<checkpoint>"`` stops at that
``congvu.core.faults.checkpoint`` and writes its pid to a marker file; the
test then SIGKILLs the whole process group (gunicorn master and workers, or
the Celery worker), as a power cut or the OOM killer would.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.tasks.conftest import database_url_for_worker, redis_server  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PGDATA = os.environ.get("CONGVU_FAULTS_PGDATA", "")
PGBIN = os.environ.get("CONGVU_FAULTS_PGBIN", "")
READY_TIMEOUT = 60
# Keys of API tokens issued in this process, by user id (the database keeps only digests).
_API_KEYS: dict[int, str] = {}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.faults)
            if not PGDATA:
                item.add_marker(
                    pytest.mark.skip(reason="fault tests need their own cluster: make test-faults")
                )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A child in its own process group, its output copied to a log file."""

    def __init__(self, command, *, env, log: Path, fsize_limit: int | None = None):
        self.log = log
        self._sink = log.open("ab")
        preexec = None
        if fsize_limit is not None:
            # A real EFBIG from a real write, as on a full disk (Python ignores SIGXFSZ).
            def preexec():
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_limit, fsize_limit))

        # Output goes through a pipe, which the file-size limit does not apply to.
        self.popen = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=preexec,
        )
        self._copier = threading.Thread(target=self._copy, daemon=True)
        self._copier.start()

    def _copy(self):
        for line in iter(self.popen.stdout.readline, b""):
            self._sink.write(line)
            self._sink.flush()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group: no handler, no cleanup, no rollback in the process."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=15)
        self._copier.join(timeout=5)

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        self._sink.close()


def wait_for_marker(marker: Path, process: Process, timeout: float = READY_TIMEOUT) -> int:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert process.alive(), f"process exited before the checkpoint:\n{process.output()}"
        assert time.monotonic() < deadline, f"checkpoint not reached:\n{process.output()}"
        time.sleep(0.05)
    return int(marker.read_text().strip())


@dataclass
class Env:
    """What the processes of one test share: database, media, mail, logs."""

    tmp: Path
    media: Path
    mail: Path
    processes: list = field(default_factory=list)

    def base_env(self, **extra) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CELERY_", "CONGVU_FAULT_", "DJANGO_SETTINGS_MODULE"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="tests.faults.app_settings",
            DATABASE_URL=database_url_for_worker(),
            MEDIA_ROOT=str(self.media),
            EMAIL_URL=f"file://{self.mail}",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
            PYTHONUNBUFFERED="1",
        )
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def marker(self) -> Path:
        return self.tmp / f"checkpoint-{uuid.uuid4().hex[:8]}"

    def app(
        self,
        *,
        pause_at: str = "",
        workers: int = 1,
        fsize_limit: int | None = None,
        wait: bool = True,
    ):
        """gunicorn serving congvu on a free loopback port; returns once it answers.

        With ``wait=False`` it returns at once (call ``wait_ready``), so a test can
        boot the process that replaces a killed one while the first is still
        booting: the two Django start-ups overlap instead of adding up.
        """
        port = free_port()
        marker = self.marker()
        extra = {}
        if pause_at:
            extra.update(CONGVU_FAULT_PAUSE_AT=pause_at, CONGVU_FAULT_MARKER=marker)
        command = [str(BIN / "gunicorn"), "congvu.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        command += ["--timeout", "120", "--graceful-timeout", "5", "--no-control-socket"]
        log = self.tmp / f"gunicorn-{port}.log"
        process = Process(command, env=self.base_env(**extra), log=log, fsize_limit=fsize_limit)
        self.processes.append(process)
        app = App(url=f"http://127.0.0.1:{port}", process=process, marker=marker)
        if wait:
            app.wait_ready()
        return app

    def worker(self, *, broker_url: str, queue: str, pause_at: str = ""):
        """A Celery worker (solo pool, acks late) consuming ``queue``."""
        marker = self.marker()
        extra = {"CELERY_BROKER_URL": broker_url}
        if pause_at:
            extra.update(CONGVU_FAULT_PAUSE_AT=pause_at, CONGVU_FAULT_MARKER=marker)
        command = [str(BIN / "celery"), "-A", "congvu", "worker", "-P", "solo", "-c", "1"]
        command += ["--without-heartbeat", "--without-mingle", "--without-gossip"]
        command += ["-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h", "-l", "INFO"]
        log = self.tmp / f"worker-{uuid.uuid4().hex[:6]}.log"
        process = Process(command, env=self.base_env(**extra), log=log)
        self.processes.append(process)
        return Worker(process=process, marker=marker)

    def blobs(self) -> set[str]:
        root = self.media / "files"
        if not root.exists():
            return set()
        return {p.relative_to(self.media).as_posix() for p in root.rglob("*") if p.is_file()}


@dataclass
class App:
    url: str
    process: Process
    marker: Path

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            assert self.process.alive(), f"gunicorn exited:\n{self.process.output()}"
            try:
                if requests.get(f"{self.url}/accounts/login/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"gunicorn not ready:\n{self.process.output()}"
            time.sleep(0.1)

    def session(self, user) -> requests.Session:
        """An HTTP session logged in as ``user`` (session cookie and CSRF token)."""
        from django.test import Client

        client = Client()
        client.force_login(user)
        http = requests.Session()
        http.cookies.set("sessionid", client.cookies["sessionid"].value)
        return http

    def api(self, user) -> requests.Session:
        from congvu.api.models import ApiToken, key_digest
        from congvu.api.services import api_token_issue

        # Only a digest is stored: keep the key to reuse it for another app of the same test.
        key = _API_KEYS.get(user.pk)
        if key is None or not ApiToken.objects.filter(user=user, digest=key_digest(key)).exists():
            _token, key = api_token_issue(actor=None, user=user, reset=True)
            _API_KEYS[user.pk] = key
        http = requests.Session()
        http.headers["Authorization"] = f"Token {key}"
        return http


@dataclass
class Worker:
    process: Process
    marker: Path


class InFlight:
    """One request sent in the background, to be cut off by a kill."""

    def __init__(self, send):
        self.response = None
        self.error = None

        def run():
            try:
                self.response = send()
            except requests.RequestException as exc:
                self.error = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def join(self, timeout=30):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the request did not end"


def csrf_token(http: requests.Session, url: str) -> str:
    page = http.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, "no CSRF token on the form"
    return match.group(1)


@pytest.fixture
def faults_env(transactional_db, tmp_path, settings):
    media = tmp_path / "media"
    mail = tmp_path / "mail"
    media.mkdir()
    mail.mkdir()
    settings.MEDIA_ROOT = str(media)
    env = Env(tmp=tmp_path, media=media, mail=mail)
    try:
        yield env
    finally:
        for process in env.processes:
            process.stop()


@dataclass
class Cluster:
    """The throwaway PostgreSQL cluster of tests/faults/run."""

    data: str
    bindir: str

    def pg_ctl(self, *args: str) -> None:
        command = [f"{self.bindir}/pg_ctl", "-D", self.data, *args]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=60)

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        self.pg_ctl("-l", f"{self.data}/log", "-w", "start")


@pytest.fixture
def cluster() -> Cluster:
    assert PGDATA and PGBIN, "run through make test-faults"
    return Cluster(data=PGDATA, bindir=PGBIN)
