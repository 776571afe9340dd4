"""Python work in the window's process per thumbnail and per stored hash, counted, not timed.

    python -m benchmarks.python_steps [--folder DIR] [--images 200] [--hashes 4000] [--detail]

While a large folder is checked, the window's process runs three kinds of Python thread beside its UI thread:
the images lane's thumbnail threads (digest, disk cache, decode, cache entry written) and the check's thread
storing the hashes its worker processes send back. Each takes the interpreter lock in turns with the UI thread,
so the Python steps each of them takes per item is what the UI thread waits behind. Counted on every thread
(`threading.setprofile` / `settrace`), so deterministic on a shared machine: Python function calls, calls into C,
and bytecode instructions. The CPU time per item is printed too, for scale only (it depends on the load).

Figures go to docs/benchmarks.md ("The lock's share per thumbnail and per hash").
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

Counts = dict[str, float]


class Steps:
    """Python calls, C calls and bytecodes run on every thread while active (bytecodes only with `opcodes`)."""

    def __init__(self, opcodes: bool) -> None:
        self.calls = self.c_calls = self.ops = 0
        self.opcodes = opcodes
        self.where: collections.Counter[str] = collections.Counter()

    def _profile(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            self.calls += 1
            self.where[f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}"] += 1
        elif event == "c_call":
            self.c_calls += 1

    def _trace(self, frame: FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if event == "opcode":
            self.ops += 1
        return self._trace

    @contextmanager
    def counting(self) -> Iterator[Steps]:
        install, hook = (sys.settrace, threading.settrace) if self.opcodes else (sys.setprofile, threading.setprofile)
        fn = self._trace if self.opcodes else self._profile
        hook(fn)
        install(fn)
        try:
            yield self
        finally:
            install(None)
            hook(None)


def count(fn: Callable[[], object], items: int, detail: bool = False) -> Counts:
    """Calls, C calls and bytecodes per item of one run of fn (run twice: the profile and the trace)."""
    calls, ops = Steps(False), Steps(True)
    with calls.counting():
        fn()
    with ops.counting():
        fn()
    if detail:
        for where, n in calls.where.most_common(25):
            print(f"      {n / items:8.2f}  {where}")
    return {"calls": calls.calls / items, "c_calls": calls.c_calls / items, "bytecodes": ops.ops / items}


def thumbnails(paths: Sequence[str], cache_root: Path, detail: bool) -> dict[str, Counts]:
    """One thumbnail request's work per thumbnail, as the images lane runs it: a miss (decoded, entry written),
    then a hit (entry read)."""
    os.environ["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    os.environ["DESKTOP_CLS_CACHE_DIR"] = str(cache_root)
    from PySide6.QtWidgets import QApplication

    from desktop_cls.core.data import thumbnail_cache
    from desktop_cls.gui.widgets import common

    _app = QApplication.instance() or QApplication([])
    common.load_thumbnails([paths[0]], 96)  # imports and the cache object: made once per session
    todo = list(paths[1:])
    out: dict[str, Counts] = {}

    def fresh() -> None:
        shutil.rmtree(cache_root / "thumbnails", ignore_errors=True)
        thumbnail_cache.forget_digests()

    def miss() -> None:
        fresh()
        for start in range(0, len(todo), 16):  # as the grid asks: requests of 16
            common.load_thumbnails(todo[start:start + 16], 96)

    def hit() -> None:
        thumbnail_cache.forget_digests()
        for start in range(0, len(todo), 16):
            common.load_thumbnails(todo[start:start + 16], 96)

    for name, fn in (("thumbnail, decoded and stored", miss), ("thumbnail, from the disk cache", hit)):
        print(f"  {name}:")
        out[name] = count(fn, len(todo), detail)
        out[name]["cpu_ms"] = cpu_ms(fn, len(todo))
    return out


def hashes(paths: Sequence[str], root: str, cache_root: Path, detail: bool) -> dict[str, Counts]:
    """The health check's hashing in the window's process, per image: worker processes hash, this process stores
    (the result loop, the hash cache, its file)."""
    os.environ["DESKTOP_CLS_CACHE_DIR"] = str(cache_root)
    from desktop_cls.core.data import health
    from desktop_cls.core.data.dataset import Sample

    samples = [Sample(p, 0, "train") for p in paths]

    def run() -> None:
        shutil.rmtree(cache_root / "hashes", ignore_errors=True)
        health.compute_hashes(samples, root)

    print("  hash stored:")
    counts = count(run, len(samples), detail)
    return {"hash stored": counts}


def cpu_ms(fn: Callable[[], object], items: int) -> float:
    t = time.thread_time()
    fn()
    return (time.thread_time() - t) / items * 1e3


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folder", type=Path, help="where the pictures are written (reused when complete)")
    ap.add_argument("--images", type=int, default=200, help="thumbnails to count")
    ap.add_argument("--hashes", type=int, default=4000, help="images to hash (2,000 or more: worker processes)")
    ap.add_argument("--detail", action="store_true", help="the Python functions called most, per item")
    args = ap.parse_args(argv)
    from benchmarks.large_folder import write_folder

    work = Path(tempfile.mkdtemp(prefix="python-steps-"))
    folder = write_folder(args.folder or work / "pictures", max(args.images, args.hashes))
    paths = sorted(str(p) for p in folder.rglob("*.png"))
    print(f"load {os.getloadavg()[0]:.2f}")
    try:
        found = thumbnails(paths[:args.images + 1], work / "cache", args.detail)
        found |= hashes(paths[:args.hashes], str(folder), work / "cache", args.detail)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for name, c in found.items():
        cpu = f", {c['cpu_ms']:.2f} ms CPU" if "cpu_ms" in c else ""
        print(f"{name:32s} {c['calls']:8.1f} calls {c['c_calls']:8.1f} C calls {c['bytecodes']:9.0f} bytecodes{cpu}")
    print(f"load {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
