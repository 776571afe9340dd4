"""Every thread's stack whenever the UI thread misses its beat, written by a thread that holds the interpreter lock.

faulthandler's watchdog wrote these stacks without the lock, which can see a frame while another thread frees it:
it crashed the benchmark with a segmentation fault once. This thread takes the lock like any other, so it cannot,
and how late it got the lock after the deadline is itself the evidence: a late watchdog means some thread kept the
lock (the stacks then show where each thread stood when it let go).
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from typing import TextIO


class StallWatchdog:
    """`beat()` from the UI thread; once `late_s` passes without one, one dump of every thread's stack to `out`."""

    def __init__(self, out: TextIO, late_s: float) -> None:
        self.out = out
        self.late_s = late_s
        self.lock = threading.Lock()  # the file is written by this thread and by the UI thread's tick
        self._last = time.perf_counter()
        self._dumped = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="stall-watchdog", daemon=True)

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def beat(self) -> None:
        self._last, self._dumped = time.perf_counter(), False

    def write(self, text: str) -> None:
        with self.lock:
            self.out.write(text)
            self.out.flush()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _watch(self) -> None:
        while not self._stop.is_set():
            deadline = self._last + self.late_s
            wait = deadline - time.perf_counter()
            if wait > 0 or self._dumped:
                self._stop.wait(wait if wait > 0 else self.late_s / 4)
                continue
            self._dump(deadline)

    def _dump(self, deadline: float) -> None:
        got_lock_late_ms = (time.perf_counter() - deadline) * 1000
        names = {t.ident: t.name for t in threading.enumerate()}
        parts = [f"--- the UI thread {self.late_s * 1000:.0f} ms without a tick; the watchdog ran "
                 f"{got_lock_late_ms:.0f} ms after that (a thread kept the interpreter lock when this is large)\n"]
        for ident, frame in sys._current_frames().items():
            if ident == threading.get_ident():
                continue
            parts.append(f"Thread {names.get(ident, ident)}:\n{''.join(traceback.format_stack(frame))}\n")
        self._dumped = True
        self.write("".join(parts))
