"""A real Redis and a real Celery worker for the production-path tests."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.db import connection

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REDIS = ("127.0.0.1", 6379)


def _answers(host: str, port: int, db: int = 0) -> bool:
    try:
        return bool(redis.Redis(host=host, port=port, db=db, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@dataclass
class RedisServer:
    url: str
    client: redis.Redis


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """Redis on 127.0.0.1:6379 (an empty DB number of it) or, if none answers, our own."""
    host, port = DEFAULT_REDIS
    process = None
    if _answers(host, port):
        client = redis.Redis(host=host, port=port)
        free = [db for db in range(1, 16) if redis.Redis(host=host, port=port, db=db).dbsize() == 0]
        assert free, "no empty Redis database number on 127.0.0.1:6379"
        db = random.choice(free)
    else:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (deps/debian-test-packages.txt)"
        port, db = _free_port(), 0
        workdir = tmp_path_factory.mktemp("redis")
        process = subprocess.Popen(
            [binary, "--bind", host, "--port", str(port), "--save", "", "--appendonly", "no"]
            + ["--daemonize", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while not _answers(host, port):
            assert process.poll() is None, "redis-server exited at start"
            assert time.monotonic() < deadline, "redis-server did not answer within 20 s"
            time.sleep(0.05)
    client = redis.Redis(host=host, port=port, db=db)
    try:
        yield RedisServer(url=f"redis://{host}:{port}/{db}", client=client)
    finally:
        if process is not None:
            _stop(process)


def database_url_for_worker() -> str | None:
    """The URL of the test database as this process sees it, or None for SQLite."""
    conf = connection.settings_dict
    if connection.vendor != "postgresql":
        return None
    auth = quote(conf["USER"] or "", safe="")
    if conf.get("PASSWORD"):
        auth += ":" + quote(conf["PASSWORD"], safe="")
    host = conf["HOST"] or "127.0.0.1"
    port = conf["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{conf['NAME']}"


@dataclass
class Worker:
    queue: str
    broker_url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def celery_worker(redis_server, tmp_path, transactional_db):
    """A real `celery worker` process on its own queue, sharing the test database.

    The worker runs the test settings (plus the broker, see worker_settings);
    on PostgreSQL it connects to the same
    test database (the test must commit, hence ``transactional_db``).
    """
    queue = f"congvu-test-{uuid.uuid4().hex[:12]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.tasks.worker_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        CELERY_BROKER_URL=redis_server.url,
        CELERY_RESULT_BACKEND=redis_server.url,
        PYTHONUNBUFFERED="1",
    )
    url = database_url_for_worker()
    if url:
        env["DATABASE_URL"] = url
    celery = Path(sys.executable).with_name("celery")
    log = tmp_path / "worker.log"
    command = [str(celery), "-A", "congvu", "worker", "-P", "solo", "-c", "1"]
    command += ["--without-heartbeat", "--without-mingle", "--without-gossip"]
    command += ["-Q", queue, "-n", f"{queue}@%h", "-l", "INFO"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=sink)
    worker = Worker(queue=queue, broker_url=redis_server.url, process=process, log=log)
    try:
        yield worker
    finally:
        _stop(process)
        # Leave the database number empty, as found, for the next run.
        for key in redis_server.client.scan_iter(match=f"*{queue}*"):
            redis_server.client.delete(key)
        redis_server.client.delete("_kombu.binding_deadlines")
