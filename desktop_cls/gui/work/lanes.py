"""A lane's long-lived worker threads, fed by a queue: what the window's TaskRunner hands its requests to.

Handing over a request is a put on a queue, one call into C that takes no lock a worker could hold: the UI
thread never starts a thread for it and never waits for a pool's lock. Starting a pooled task
(`QThreadPool.start`) did both: the pool's lock is shared with worker threads that need the interpreter lock to
finish a job, and a page switch once waited 1.7 s there while a health check ran.

A lane starts its first thread when it is first used. From then on its workers keep one spare thread waiting
(a worker that takes the last waiting place starts the next one itself, up to the lane's size), so a request
never waits behind another while the lane has room, as in a thread pool, and the UI thread starts none.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable

Job = Callable[[], None]


class LaneWorkers:
    """Up to `size` threads that run the jobs put on one queue, in the order they came."""

    def __init__(self, name: str, size: int, on_thread_start: Callable[[], None] | None = None) -> None:
        """on_thread_start runs first on each of the lane's threads (e.g. lowering its CPU priority)."""
        self.name = name
        self.size = size
        self._on_thread_start = on_thread_start
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()  # the counts below; taken by the workers, and by submit only before any exist
        self._threads = 0
        self._waiting = 0  # threads started and not running a job
        self._closed = False

    def submit(self, job: Job) -> None:
        """Queue a job; called from one thread (the UI thread). Only the lane's first job starts a thread here."""
        self._jobs.put(job)
        if self._threads == 0 and not self._closed:  # no worker exists yet, so nobody else changes the counts
            with self._lock:
                self._threads += 1
                self._waiting += 1
            self._start_thread()

    def threads(self) -> int:
        """How many threads the lane has started and not ended."""
        return self._threads

    def close(self) -> None:
        """Let every thread end once the jobs queued before this are done; nothing new is started."""
        with self._lock:
            self._closed = True
            threads = self._threads
        for _ in range(threads):
            self._jobs.put(None)

    def _start_thread(self) -> None:
        """Start a thread already counted (in threads and waiting); if the system refuses one, uncount it (a
        worker that asked for it still runs its own job; submit passes the error on)."""
        try:
            threading.Thread(target=self._work, name=f"lane:{self.name}", daemon=True).start()
        except RuntimeError:
            with self._lock:
                self._threads -= 1
                self._waiting -= 1
            raise

    def _work(self) -> None:
        if self._on_thread_start is not None:
            self._on_thread_start()
        while True:
            job = self._jobs.get()
            with self._lock:
                self._waiting -= 1
                if job is None:
                    self._threads -= 1
                    return
                grow = self._waiting == 0 and self._threads < self.size and not self._closed
                if grow:
                    self._threads += 1
                    self._waiting += 1
            if grow:  # the next request finds a thread waiting, started here rather than on the UI thread
                with contextlib.suppress(RuntimeError):  # no thread to spare: the lane grows with the next job
                    self._start_thread()
            try:
                job()
            except Exception:  # a job reports its own errors; one that escapes must not end the lane
                logging.getLogger("desktop_cls").exception("lane %s: a job failed", self.name)
            finally:
                with self._lock:
                    self._waiting += 1
