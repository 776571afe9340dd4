"""The feature pass's pipeline: pictures decoded on a background thread, a bounded number of batches ahead
of the network, and the network's thread count chosen by measuring it.

Decoding and the network then overlap instead of taking turns. The number of decoded batches waiting is
bounded (`depth`), so memory does not grow with the folder. The thread count matters on a shared CPU:
with the other core busy, two threads ran the backbone 2-3x slower than one (each waits at every
operator for the thread that is not running), while on an idle machine two are faster; so each candidate
is timed on real batches and the fastest is kept, re-timed now and then as the load changes.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from desktop_cls.core.events import CancelToken
from desktop_cls.core.i18n import _

T = TypeVar("T")
_DONE = object()


@dataclass(frozen=True)
class Decoded(Generic[T]):
    """One batch's decoded pictures (or their errors), in the batch's order, and the time it took."""

    chunk: list[int]
    items: list[T]
    seconds: float


class Prefetch(Generic[T]):
    """Iterate decoded batches in order while the next ones decode; at most `depth` wait decoded.

    close() (or leaving a `with` block, or a cancel) stops the decoding thread before it starts
    another batch; no batch is decoded twice and none out of order."""

    def __init__(self, chunks: Sequence[list[int]], decode: Callable[[int], T], depth: int = 2,
                 workers: int = 2, cancel: CancelToken | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self._chunks, self._decode, self._clock = list(chunks), decode, clock
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._cancel = cancel
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers))
        self._thread = threading.Thread(target=self._produce, name="feature-prefetch", daemon=True)
        self._thread.start()

    def _stopped(self) -> bool:
        return self._stop.is_set() or (self._cancel is not None and self._cancel.is_set())

    def _put(self, item: object) -> bool:
        while not self._stopped():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self) -> None:
        try:
            for chunk in self._chunks:
                if self._stopped():
                    return
                t0 = self._clock()
                items = list(self._pool.map(self._decode, chunk))
                if not self._put(Decoded(chunk, items, self._clock() - t0)):
                    return
        except BaseException as e:  # handed to the consumer, raised there
            self._put(e)
            return
        self._put(_DONE)

    def __iter__(self) -> Iterator[Decoded[T]]:
        while True:
            if self._cancel is not None:
                self._cancel.raise_if_set()
            try:
                item = self._queue.get(timeout=0.05)
            except queue.Empty:
                if not self._thread.is_alive() and self._queue.empty():
                    return
                continue
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, Decoded)
            yield item

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):  # free a producer blocked on a full queue
                self._queue.get(timeout=0.05)
        self._thread.join()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Prefetch[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ThreadChoice:
    """Which torch thread count runs the next batch: each candidate timed once, then the fastest per
    image, every `recheck` batches the others timed again (the load of a shared machine changes)."""

    def __init__(self, candidates: Sequence[int], recheck: int = 10, first: int | None = None) -> None:
        self.candidates = sorted(set(max(1, c) for c in candidates)) or [1]
        if first in self.candidates:  # timed first (the likely best: each timing of a worse one costs a batch)
            self.candidates.remove(first)
            self.candidates.insert(0, first)
        self.recheck = recheck
        self.rate: dict[int, float] = {}  # images per second, latest timing of each candidate
        self._batches = 0

    def next(self) -> int:
        untimed = [c for c in self.candidates if c not in self.rate]
        if untimed:
            return untimed[0]
        best = max(self.candidates, key=lambda c: self.rate[c])
        if self.recheck and self._batches % self.recheck == 0 and len(self.candidates) > 1:
            others = [c for c in self.candidates if c != best]
            return others[(self._batches // self.recheck) % len(others)]
        return best

    def record(self, threads: int, images: int, seconds: float) -> None:
        self._batches += 1
        if images > 0 and seconds > 0:
            self.rate[threads] = images / seconds

    @property
    def best(self) -> int:
        return max(self.candidates, key=lambda c: self.rate.get(c, 0.0))


class Eta:
    """The progress line of the feature pass, with the time left at the rate measured so far."""

    def __init__(self, total: int, clock: Callable[[], float] | None = None) -> None:
        self.total, self._clock = total, clock or time.monotonic
        self._start = self._clock()

    def leave_out(self, seconds: float) -> None:
        """Time that was no work (the pass held by Pause) does not slow the rate the time left follows."""
        self._start += seconds

    def seconds_left(self, done: int) -> float | None:
        elapsed = self._clock() - self._start
        if done <= 0 or elapsed <= 0:
            return None
        return max(self.total - done, 0) * elapsed / done

    def message(self, done: int) -> str:
        left = self.seconds_left(done)
        if left is None or done >= self.total:
            return _("computing image features")
        if left >= 90:
            return _("computing image features, about {minutes:.0f} min left").format(minutes=left / 60)
        return _("computing image features, about {seconds:.0f} s left").format(seconds=left)


def likely_threads(most: int, load: Callable[[], float] | None = None) -> int:
    """The thread count to time first: one when the CPU is already busy (1-minute load at or above its
    cores), else all of them; ThreadChoice then measures which is right."""
    try:
        busy = (load or (lambda: os.getloadavg()[0]))() >= (os.cpu_count() or 1)
    except OSError:  # no load average on this system
        busy = False
    return 1 if busy else most
