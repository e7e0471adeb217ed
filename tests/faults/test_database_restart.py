"""PostgreSQL stops and starts again while clients keep sending requests.

While it is down every request gets a clean 503 "try again" (never a 500,
never a dropped connection); once it is back the same gunicorn workers answer
again by themselves, without a restart: reused connections are health-checked.
"""

from __future__ import annotations

import threading
import time

from django.db import connections

import requests

from tests.outgoing.conftest import make_commune

BUSY = "Hệ thống đang bận"


class Load:
    """Clients sending requests in a loop; every outcome recorded with its time."""

    def __init__(self, sessions_and_urls):
        self.results: list[tuple[float, str, object]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._run, args=(http, url), daemon=True)
            for http, url in sessions_and_urls
        ]
        for thread in self.threads:
            thread.start()

    def _run(self, http, url):
        while not self._stop.is_set():
            try:
                response = http.get(url, timeout=30, allow_redirects=False)
                outcome = response
            except requests.RequestException as exc:
                outcome = exc
            with self._lock:
                self.results.append((time.monotonic(), url, outcome))
            time.sleep(0.02)

    def stop(self):
        self._stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_database_restart_under_load(faults_env, cluster):
    commune = make_commune("Thạnh Phú")
    app = faults_env.app(workers=2)
    official = app.session(commune.specialist)
    api = app.api(commune.clerk)
    public = requests.Session()
    urls = [
        (official, f"{app.url}/app/"),
        (api, f"{app.url}/api/v1/units/"),
        (public, f"{app.url}/thu-tuc/"),
    ]
    for http, url in urls:
        assert http.get(url, timeout=30).status_code == 200, url
    load = Load(urls)
    try:
        time.sleep(1)
        # This process's own connection would break too; it reconnects after the restart.
        connections.close_all()
        stopping_at = time.monotonic()
        cluster.stop()
        time.sleep(2)
        cluster.start()
        up_at = time.monotonic()
        time.sleep(5)
    finally:
        load.stop()

    errors = [(url, r) for _, url, r in load.results if isinstance(r, Exception)]
    assert errors == [], "requests must not be dropped"
    statuses = {r.status_code for _, _, r in load.results}
    assert statuses <= {200, 503}, statuses
    busy = [(t, url, r) for t, url, r in load.results if r.status_code == 503]
    assert busy, "no request reached the app while PostgreSQL was down"
    for _, url, response in busy:
        assert response.headers.get("Retry-After") == "5"
        if "/api/" in url:
            assert response.json()["code"] == "service_unavailable"
            assert BUSY in response.json()["message"]
        else:
            assert BUSY in response.text, (url, response.text[:300])
    assert all(stopping_at <= t <= up_at + 3 for t, _, _ in busy), "503s outside the outage"
    # Recovered by itself: every URL answers 200 at the end, from the same workers.
    for url in {url for _, url in urls}:
        last = [r for _, u, r in load.results if u == url][-5:]
        assert [r.status_code for r in last] == [200] * 5, url
    assert app.process.alive()
    booted = app.process.log.read_text(errors="replace").count("Booting worker")
    assert booted == 2, "gunicorn restarted workers"
