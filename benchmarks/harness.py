"""What every benchmark part shares: the database it builds its data in, and one way to measure a piece of work
(the median of several runs, its ratio to a raw-SQL baseline of the same work, and the peak memory)."""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BASE = Path(__file__).resolve().parents[1]
RUNS = max(int(os.environ.get("BENCH_RUNS", "3")), 3)


@dataclass(frozen=True)
class Bench:
    """The run's settings: how many rows (BENCH_N), how many runs, and a folder for generated files."""

    n: int
    runs: int
    folder: Path


def rss_bytes() -> int:
    """This process's resident memory now (Linux), or 0 where /proc is not there."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


class PeakMemory:
    """The highest resident memory of this process while a block runs, sampled every 10 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes())
            self._stop.wait(0.01)

    def __enter__(self) -> PeakMemory:
        self.peak = rss_bytes()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


def _timed(work: Callable[[], Any], reset: Callable[[], Any] | None) -> tuple[float, int, Any]:
    if reset is not None:
        reset()
    with PeakMemory() as memory:
        start = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - start
    return elapsed, memory.peak, result


def measure(
    label: str,
    work: Callable[[], Any],
    *,
    baseline: Callable[[], Any] | None = None,
    reset: Callable[[], Any] | None = None,
    runs: int = RUNS,
    per: int | None = None,
) -> Any:
    """Run `work` (after `reset`, untimed) `runs` times, the raw-SQL `baseline` of the same work as often, and
    print the medians, their ratio and the peak memory (RSS of this process; the database server's is its own)."""
    times, raws, peak, raw_peak, result = [], [], 0, 0, None
    for run in range(1, runs + 1):  # work and baseline alternate, so that both see the same machine
        elapsed, used, result = _timed(work, reset)
        times.append(elapsed)
        peak = max(peak, used)
        shown = f"    run {run}: {elapsed:.3f} s"
        if baseline is not None:
            raw_elapsed, raw_used, _ = _timed(baseline, reset)
            raws.append(raw_elapsed)
            raw_peak = max(raw_peak, raw_used)
            shown += f", raw SQL {raw_elapsed:.3f} s"
        print(shown, flush=True)
    median = statistics.median(times)
    rate = f"  {per / median:>11,.0f}/s" if per else ""
    line = f"  {label:<46} median {median:8.3f} s{rate}  peak {peak / 2**20:7,.0f} MiB"
    if raws:
        raw = statistics.median(raws)
        ratio = f"ratio {median / raw:5.2f}x  peak {raw_peak / 2**20:,.0f} MiB"
        line += f"\n  {'  raw SQL baseline':<46} median {raw:8.3f} s  {ratio}"
    print(line, flush=True)
    return result
