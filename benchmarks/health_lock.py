"""The longest the health check's steps keep the interpreter lock from the window's other threads.

The check runs on a thread of the window's process; any one call of C code that keeps the lock stalls the UI
thread for its whole length. Each step of the check's path that grows with the folder runs here on the main
thread while a second thread asks for the lock every millisecond; a step's figure is the longest that thread
waited (about the step's longest single call, plus the 5 ms switch interval when the step is Python).

    python -m benchmarks.health_lock --folder FOLDER [--cache DIR]

FOLDER is a generated folder (`python -m benchmarks.large_folder`); DIR keeps the check's caches (a fresh
temporary folder when left out: the first pass then reads every image, which takes minutes at 100,000).
The proofs are not run: each candidate pair is given a verdict (1 in 100 proven), so the verdict cache and the
findings' steps see a full folder's numbers.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class Collections:
    """The longest collection of the cyclic garbage collector since `reset` (it keeps the lock throughout), the
    most CPU time one took on its thread (on a busy machine the wall time also counts waiting for a core), and
    how many were full collections (generation 2: every tracked object walked)."""

    def __init__(self) -> None:
        self.longest = self.longest_cpu = 0.0
        self.full = 0
        self.started = self.started_cpu = 0.0
        gc.callbacks.append(self._seen)

    def _seen(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started, self.started_cpu = time.perf_counter(), time.thread_time()
        else:
            self.longest = max(self.longest, time.perf_counter() - self.started)
            self.longest_cpu = max(self.longest_cpu, time.thread_time() - self.started_cpu)
            self.full += info["generation"] == 2

    def reset(self) -> None:
        self.longest = self.longest_cpu = 0.0
        self.full = 0


COLLECTIONS = Collections()


class Ticker:
    """A thread that takes the lock every millisecond and remembers the longest wait since `reset`."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.stop = False
        self.last = time.perf_counter()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stop:
            time.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, now - self.last)
            self.last = now

    def reset(self) -> None:
        time.sleep(0.01)
        self.last = time.perf_counter()
        self.longest = 0.0
        COLLECTIONS.reset()


REPORT: dict[str, Any] = {"steps": {}}


def step(ticker: Ticker, name: str, fn: Callable[[], Any]) -> Any:
    ticker.reset()
    start = time.perf_counter()
    out = fn()
    wall = time.perf_counter() - start
    time.sleep(0.003)  # the ticker's last wait ends
    c = COLLECTIONS
    print(f"{name:<34} {wall * 1000:9.1f} ms  longest wait for the lock {ticker.longest * 1000:6.1f} ms, "
          f"longest collection {c.longest * 1000:6.1f} ms (CPU {c.longest_cpu * 1000:5.1f} ms; {c.full} full)",
          flush=True)
    REPORT["steps"][name] = {"ms": round(wall * 1000, 1), "longest_wait_ms": round(ticker.longest * 1000, 1),
                             "longest_collection_ms": round(c.longest * 1000, 1),
                             "longest_collection_cpu_ms": round(c.longest_cpu * 1000, 1), "full_collections": c.full}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folder", required=True)
    ap.add_argument("--cache", help="the check's cache folder (default: a fresh temporary one)")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    os.environ["DESKTOP_CLS_CACHE_DIR"] = args.cache or tempfile.mkdtemp(prefix="health-lock-")
    import numpy as np

    from desktop_cls.core.data import candidates, health
    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.data.health_cache import HashCache, VerdictCache, cache_file

    REPORT.update(load=os.getloadavg()[0], folder=args.folder)
    print(os.getloadavg()[0], "load;", args.folder)
    t = Ticker()
    index = step(t, "scan (training walk)", lambda: scan(args.folder))
    root, samples = index.root, list(index.samples)
    hashes, _problems = step(t, "compute_hashes", lambda: health.compute_hashes(samples, root))
    cache = step(t, "hash cache read", lambda: HashCache(root))
    cache.dirty = True
    step(t, "hash cache write", cache.save)
    usable = step(t, "usable paths", lambda: [s.path for s in samples if s.path in hashes])
    def group() -> list[str]:  # each picture's first file
        if hasattr(health, "_pixel_groups"):
            return list(health._pixel_groups(usable, hashes)[0].values())
        groups: dict[str, list[str]] = {}  # the same step before it had a name
        for p in usable:
            groups.setdefault(hashes[p][0], []).append(p)
        return [m[0] for m in groups.values()]

    firsts = step(t, "groups by pixels", group)
    rows = getattr(health, "descriptor_rows", None) or (  # the same step before it had a name
        lambda fs, hs: np.array([np.frombuffer(bytes.fromhex(hs[p][1]), dtype=np.uint8) for p in fs]))
    desc = step(t, "descriptor array", lambda: rows(firsts, hashes))
    where = cache_file(root, ".candidates")
    where.unlink(missing_ok=True)
    pairs = step(t, "candidates, searched and written", lambda: candidates.cached_candidate_pairs(desc, where))
    again = step(t, "candidates, read", lambda: candidates.cached_candidate_pairs(desc, where))
    assert again == pairs
    REPORT.update(images=len(samples), pairs=len(pairs), candidate_cache_bytes=where.stat().st_size)
    print(f"{len(pairs):,} candidate pairs; candidate cache {where.stat().st_size / 1e6:.1f} MB")
    verdicts = VerdictCache(root, health._VERDICTS)
    keys = step(t, "verdict keys", lambda: [verdicts.key(hashes[firsts[a]], hashes[firsts[b]]) for a, b in pairs])
    rng = np.random.default_rng(0)
    proven = rng.random(len(keys)) < 0.01
    verdicts.data = dict(zip(keys, [0.01 if yes else None for yes in proven.tolist()], strict=True))
    verdicts.dirty = True
    step(t, "verdict cache write", verdicts.save)
    step(t, "verdict cache read", lambda: VerdictCache(root, health._VERDICTS))
    near = {p: 0.01 for p, yes in zip(pairs, proven.tolist(), strict=True) if yes}
    step(t, "sorted proven pairs", lambda: sorted(near.items()))
    step(t, "too small", lambda: health._too_small(usable, hashes))
    step(t, "imbalance", lambda: health._imbalance(index, usable))
    t.stop = True
    if args.json:
        Path(args.json).write_text(json.dumps(REPORT, indent=1))


if __name__ == "__main__":
    main()
