"""The ui_latency benchmark's watchdog: one dump per missed beat, naming every other thread and where it stood."""

from __future__ import annotations

import io
import threading

from benchmarks.stall_watchdog import StallWatchdog


def test_a_missed_beat_dumps_every_other_thread_once() -> None:
    out = io.StringIO()
    release = threading.Event()
    parked = threading.Thread(target=release.wait, name="parked-worker")
    parked.start()
    dog = StallWatchdog(out, late_s=0.001)
    dog.start()
    try:
        while "parked-worker" not in out.getvalue():  # no beat ever comes: the dump must follow
            release.wait(0.005)
        release.wait(0.05)  # dozens of the watchdog's wake-ups, still in the same gap
        dog.stop()
        first = out.getvalue()
    finally:
        release.set()
        parked.join()
    assert first.count("--- the UI thread") == 1, first  # one dump per gap, not one per wake-up
    assert "Thread parked-worker:" in first and "in wait" in first
    assert "stall-watchdog" not in first  # its own stack says nothing
