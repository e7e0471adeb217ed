"""``make load``: a mixed working day against gunicorn + PostgreSQL + a Celery worker, on loopback.

Prepares the load database (``congvu_load`` unless DATABASE_URL says otherwise)
and the plan, starts gunicorn (``--workers``) and a Celery worker (Redis on
127.0.0.1:6379, database ``--redis-db``), runs Locust headless for a bounded
time with a fixed number of users, samples the machine meanwhile, and prints
(and writes to ``--out``) throughput, latency percentiles, errors and load.
The verdict compares with the target of docs/load.md.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/congvu_load"
TARGET_RPS = 235
TARGET_P95_MS = 300
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(db: int) -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, db=db, socket_timeout=1).ping())
    except Exception:
        return False


class Sampler(threading.Thread):
    """CPU of each component (gunicorn, celery, postgres, locust) and the load average, per second."""

    def __init__(self, pids: dict[str, int]):
        super().__init__(daemon=True)
        self.pids = pids
        self.samples: list[dict] = []
        self._halt = threading.Event()

    def _group(self, pid: int):
        import psutil

        try:
            root = psutil.Process(pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def run(self):
        import psutil

        tracked: dict[int, psutil.Process] = {}
        while not self._halt.wait(1.0):
            sample = {"t": time.time(), "loadavg": os.getloadavg()[0]}
            groups = {name: self._group(pid) for name, pid in self.pids.items()}
            groups["postgres"] = [
                p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"
            ]
            for name, procs in groups.items():
                total = 0.0
                for proc in procs:
                    proc = tracked.setdefault(proc.pid, proc)
                    with contextlib.suppress(psutil.Error):
                        total += proc.cpu_percent(None)
                sample[name] = round(total, 1)
            sample["machine"] = psutil.cpu_percent(None)
            self.samples.append(sample)

    def stop(self) -> dict:
        self._halt.set()
        self.join(timeout=5)
        steady = self.samples[2:] or self.samples  # the first readings have no interval yet
        keys = [k for k in steady[0] if k != "t"] if steady else []
        return {k: round(sum(s[k] for s in steady) / len(steady), 1) for k in keys}


def start(command, env, log: Path) -> subprocess.Popen:
    sink = log.open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def wait_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def warm_up(base: str, plan: dict) -> list[str]:
    """Every kind of page once per sampled person; returns the problems (non-200)."""
    problems = []

    def get(path: str, cookie: str | None):
        request = urllib.request.Request(base + path)
        if cookie:
            request.add_header("Cookie", f"sessionid={cookie}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                if response.status != 200 or response.url != base + path:
                    problems.append(f"{path}: {response.status} {response.url}")
        except OSError as exc:
            problems.append(f"{path}: {exc}")

    for who in plan["officials"][::4]:
        for path in ("/app/viec-cua-toi/", "/app/", "/app/van-ban-den/", "/app/van-ban-di/"):
            get(path, who["cookie"])
        for pk in who["incoming"][:1]:
            get(f"/app/van-ban-den/{pk}/", who["cookie"])
    for who in plan["citizens"][:5]:
        get("/dich-vu-cong/ho-so/", who["cookie"])
        for token in who["dossiers"][:1]:
            get(f"/dich-vu-cong/ho-so/{token}/", who["cookie"])
    for path in ("/", "/thu-tuc/", "/dich-vu-cong/"):
        get(path, None)
    return problems


def aggregated(stats_csv: Path) -> tuple[dict, list[dict]]:
    with stats_csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return total, [r for r in rows if r["Name"] != "Aggregated"]


def summarise(row: dict) -> dict:
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "max_ms": round(float(row["Max Response Time"]), 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--user-rps", type=float, default=4.0, help="requests/s of each user")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--size", default="20000", help="documents in the load database")
    parser.add_argument("--officials", type=int, default=2000)
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "load")
    parser.add_argument("--label", default="", help="name of this run in the output")
    parser.add_argument(
        "--report",
        default=str(ROOT / "docs" / "benchmarks.md"),
        help="the file whose load section this run rewrites; an empty value writes none",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    if urlparse(os.environ["DATABASE_URL"]).hostname not in LOOPBACK:
        print("load: the database must be on loopback", file=sys.stderr)
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load.settings"
    args.out.mkdir(parents=True, exist_ok=True)
    label = args.label or f"u{args.users}-r{args.user_rps:g}-w{args.workers}"
    run_dir = args.out / label
    run_dir.mkdir(parents=True, exist_ok=True)

    from bench.load.prepare import prepare

    plan_file = run_dir / "plan.json"
    t0 = time.monotonic()
    plan = prepare(size=args.size, officials=args.officials, out=plan_file)
    print(
        f"load: plan ready in {time.monotonic() - t0:.0f} s: {len(plan['officials'])} officials,"
        f" {len(plan['citizens'])} citizens, {len(plan['procedures'])} procedures"
    )

    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    env = dict(os.environ, PYTHONPATH=str(ROOT), DEBUG="0")
    worker = None
    if redis_answers(args.redis_db):
        env["CELERY_BROKER_URL"] = f"redis://127.0.0.1:6379/{args.redis_db}"
        worker = start(
            [str(BIN / "celery"), "-A", "congvu", "worker", "-c", "1", "-l", "WARNING"],
            env,
            run_dir / "celery.log",
        )
    else:
        print("load: no Redis on 127.0.0.1:6379, running without a Celery worker")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = start(
        [str(BIN / "gunicorn"), "congvu.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(args.workers), "--threads", str(args.threads)]
        + ["--no-control-socket", "--log-level", "warning", "--timeout", "60"],
        env,
        run_dir / "gunicorn.log",
    )
    locust = None
    try:
        wait_http(base + "/thu-tuc/", gunicorn)
        problems = warm_up(base, plan)
        if problems:
            print("load: the plan does not work:\n  " + "\n  ".join(problems[:20]))
            return 1
        locust_env = dict(env, LOAD_PLAN=str(plan_file), LOAD_USER_RPS=str(args.user_rps))
        spawn = max(1, args.users // 5)
        command = [str(BIN / "locust"), "-f", str(ROOT / "bench/load/locustfile.py")]
        command += ["--headless", "-u", str(args.users), "-r", str(spawn)]
        command += ["-t", f"{args.duration}s", "--host", base, "--stop-timeout", "10"]
        command += ["--csv", str(run_dir / "locust"), "--only-summary", "--exit-code-on-error", "0"]
        locust = start(command, locust_env, run_dir / "locust.log")
        pids = {"gunicorn": gunicorn.pid, "locust": locust.pid}
        if worker is not None:
            pids["celery"] = worker.pid
        sampler = Sampler(pids)
        sampler.start()
        locust.wait(timeout=args.duration + 120)
        machine = sampler.stop()
    finally:
        stop(locust)
        stop(gunicorn)
        stop(worker)

    total, rows = aggregated(run_dir / "locust_stats.csv")
    result = {
        "label": label,
        "users": args.users,
        "user_rps": args.user_rps,
        "offered_rps": args.users * args.user_rps,
        "duration_s": args.duration,
        "gunicorn_workers": args.workers,
        "gunicorn_threads": args.threads,
        "celery_worker": worker is not None,
        "documents": args.size,
        "total": summarise(total),
        "endpoints": {r["Name"]: summarise(r) for r in rows},
        "machine": machine,
        "cores": os.cpu_count(),
    }
    t = result["total"]
    result["target_met"] = (
        t["rps"] >= TARGET_RPS and t["p95_ms"] <= TARGET_P95_MS and t["failures"] == 0
    )
    (run_dir / "summary.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(
        f"load {label}: {t['rps']} req/s, p50 {t['p50_ms']:.0f} ms, p95 {t['p95_ms']:.0f} ms, "
        f"p99 {t['p99_ms']:.0f} ms, {t['failures']}/{t['requests']} failed; machine {machine}"
    )
    for name, r in sorted(result["endpoints"].items()):
        print(
            f"  {name:40} {r['requests']:6} req  p50 {r['p50_ms']:5.0f}  p95 {r['p95_ms']:5.0f}"
            f"  p99 {r['p99_ms']:5.0f} ms  fail {r['failures']}"
        )
    print(
        f"target (>= {TARGET_RPS} req/s, p95 <= {TARGET_P95_MS} ms, no errors): "
        f"{'met' if result['target_met'] else 'NOT met'}"
    )
    if args.report:
        from bench import loadreport

        loadreport.splice(Path(args.report), loadreport.render(result, TARGET_RPS, TARGET_P95_MS))
        print(f"load: wrote the load section of {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
