"""Timing helpers: percentiles, repeated measurement, peak memory, replaying captured SQL."""

from __future__ import annotations

import resource
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Result:
    """One measured operation: latencies in ms, throughput, memory and its floor."""

    name: str
    where: str
    samples: list[float] = field(default_factory=list)
    wall: float = 0.0
    peak_kib: float | None = None
    floor: Result | None = None
    note: str = ""
    ops: int | None = None

    def p(self, q: float) -> float:
        return percentile(self.samples, q)

    @property
    def throughput(self) -> float:
        n = self.ops if self.ops is not None else len(self.samples)
        return n / self.wall if self.wall else float("nan")

    @property
    def ratio(self) -> float | None:
        if self.floor is None or not self.floor.samples:
            return None
        return self.p(50) / self.floor.p(50) if self.floor.p(50) else None

    def line(self) -> str:
        return (
            f"{self.where:8} {self.name:38} p50 {self.p(50):7.1f}  p95 {self.p(95):7.1f}  "
            f"p99 {self.p(99):7.1f} ms  {self.throughput:7.1f}/s"
            + (f"  floor p50 {self.floor.p(50):.1f} ms ×{self.ratio:.1f}" if self.ratio else "")
        )

    def summary(self) -> dict:
        return {
            "mean": statistics.fmean(self.samples) if self.samples else None,
            "n": len(self.samples),
        }


def repeat(fn, *, warmup: int, iterations: int, max_seconds: float = 15.0) -> Result:
    """Call ``fn`` ``warmup`` times, then up to ``iterations`` times (bounded in time)."""
    warm_started = time.perf_counter()
    for _ in range(warmup):
        fn()
        if time.perf_counter() - warm_started > max_seconds / 3:
            break
    result = Result(name="", where="")
    started = time.perf_counter()
    for _ in range(iterations):
        t = time.perf_counter()
        fn()
        result.samples.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - started > max_seconds:
            break
    result.wall = time.perf_counter() - started
    return result


def peak_memory(fn) -> float:
    """Peak Python allocation (KiB) during one call of ``fn`` (tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
