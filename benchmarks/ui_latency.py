"""How late a 10 ms UI-thread timer fires while the window opens a large folder, checks it in the background,
switches pages, scrolls the thumbnail grid and trains (the window must never stutter).

    python -m benchmarks.ui_latency [--images 20000] [--train-s 15] [--smoke] [--json OUT]

A stall is the gap between two ticks beyond the 10 ms interval. Targets (issue "Large folders"): Train enabled
as soon as the folder walk ends, no stall over 100 ms in any phase. The phases run while the health check is
still going, as a user would click. To see where a stall comes from, run it under py-spy:
    py-spy record --threads --format raw -r 250 -o ui.txt -- python -m benchmarks.ui_latency
and read the main thread's stacks outside the event loop's wait. Without pausing the process (py-spy's samples
do, and a paused process stalls more): `--watchdog FILE` writes every thread's stack whenever the UI thread
misses 80 ms (benchmarks.stall_watchdog: how late the watchdog itself got the interpreter lock says whether a
thread kept it), each cycle collection over 10 ms and each module imported, with their threads. Each stall
also reports the UI thread's CPU time and the process's during the gap: UI thread busy = its own work; UI thread
idle while the process ran = it waited for the lock; both idle = the machine gave the process no CPU.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.stall_watchdog import StallWatchdog

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STALL_MS = 100.0
WATCHDOG_S = 0.080  # the UI thread this late: every thread's stack is written


def write_large_folder(root: Path, images: int) -> Path:
    """`images` distinct small shape pictures (the large-folder benchmark's) and a few exact copies, so the
    check has something to report."""
    from benchmarks.large_folder import write_folder

    write_folder(root, images)
    firsts = sorted(p for p in root.glob("*/*.png"))[:50:10]
    for i, src in enumerate(firsts):
        (root / src.parent.name / f"copy_{i}.png").write_bytes(src.read_bytes())
    return root


class Ticks:
    """A 10 ms timer on the UI thread; each tick's lateness is filed under the phase that was running. A stall is
    kept with the UI thread's CPU milliseconds and the process's during it (see the module's docstring)."""

    def __init__(self, watchdog: Path | None = None, late_s: float = WATCHDOG_S) -> None:
        from PySide6.QtCore import QTimer

        self.phase = "start"
        self.late: dict[str, list[float]] = {}
        # (lateness ms, phase, seconds since start, UI thread CPU ms, process CPU ms during the gap)
        self.worst: list[tuple[float, str, float, float, float]] = []
        self.t0 = self.last = time.perf_counter()
        self.cpu = (time.thread_time(), time.process_time())
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        self.dumps: StallWatchdog | None = None
        self.late_s = late_s  # a gap this long gets every thread's stack (with --watchdog)
        self.stall_ms = STALL_MS  # a gap this late is kept in `worst`
        if watchdog is not None:
            from benchmarks.stall_watchdog import StallWatchdog

            self.dumps = StallWatchdog(watchdog.open("w"), late_s)
        self.collections: list[tuple[float, int, str, float]] = []  # (at s, generation, thread, ms) of long ones
        self.imports: list[tuple[float, str, str]] = []  # (at s, thread, module) of each import once ticking
        self._collecting = 0.0
        self.running = False
        if self.dumps is not None:
            gc.callbacks.append(self._collected)
            sys.addaudithook(self._imported)  # for the rest of the process: a benchmark's own

    def _imported(self, event: str, args: tuple[Any, ...]) -> None:
        """Each module imported while the ticks run, with its thread (loading a module keeps the lock a while)."""
        if event == "import" and self.running:
            self.imports.append((time.perf_counter() - self.t0, threading.current_thread().name, str(args[0])))

    def _collected(self, phase: str, info: dict[str, int]) -> None:
        """Each cycle collection over 10 ms: when, which generation, on which thread (it keeps the lock)."""
        now = time.perf_counter()
        if phase == "start":
            self._collecting = now
        elif now - self._collecting > 0.010:
            self.collections.append((self._collecting - self.t0, info["generation"], threading.current_thread().name,
                                     (now - self._collecting) * 1000))

    def tick(self) -> None:
        now, cpu = time.perf_counter(), (time.thread_time(), time.process_time())
        late = max(0.0, (now - self.last) - 0.010) * 1000
        ui_ms, process_ms = ((b - a) * 1000 for a, b in zip(self.cpu, cpu, strict=True))
        self.last, self.cpu = now, cpu
        self.late.setdefault(self.phase, []).append(late)
        if late > self.stall_ms:
            self.worst.append((late, self.phase, now - self.t0, ui_ms, process_ms))
        if self.dumps is not None:
            if late > self.late_s * 1000 - 10:  # the dump above this line (if any) belongs to this gap
                self.dumps.write(f"=== {late:.0f} ms late in {self.phase} at {now - self.t0:.2f} s: UI thread CPU "
                                 f"{ui_ms:.0f} ms, process CPU {process_ms:.0f} ms\n\n")
            self.dumps.beat()

    def start(self) -> None:
        self.t0 = self.last = time.perf_counter()
        self.cpu = (time.thread_time(), time.process_time())
        self.running = True
        if self.dumps is not None:
            self.dumps.start()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.running = False
        if self.dumps is not None:
            self.dumps.stop()
            gc.callbacks.remove(self._collected)
            for at, generation, thread, ms in self.collections:
                self.dumps.write(f"collection of generation {generation} at {at:.2f} s on {thread}: {ms:.0f} ms\n")
            for at, thread, module in self.imports:
                self.dumps.write(f"import of {module} at {at:.3f} s on {thread}\n")
            self.dumps.out.close()


def pump(app: Any, seconds: float = 0.0, until: Callable[[], bool] | None = None, limit_s: float = 600.0) -> float:
    """Run the event loop for `seconds`, or until `until()` (at most limit_s); the seconds it took."""
    start = time.perf_counter()
    end = start + (seconds if until is None else limit_s)
    while time.perf_counter() < end and not (until is not None and until()):
        app.processEvents()
        time.sleep(0.001)
    return time.perf_counter() - start


def run(app: Any, w: Any, folder: Path, train_s: float, ticks: Ticks, check_limit_s: float) -> dict[str, float]:
    """What a user does: open, switch pages, scroll the grid, train, while the check runs."""
    from desktop_cls.gui.state import PageKey

    times: dict[str, float] = {}
    ticks.phase = "open"
    t0 = time.perf_counter()
    w.open_dataset(folder)
    pump(app, until=lambda: w.state.dataset is not None and w.train_page.buttons["trainButton"].isEnabled())
    times["train_enabled_s"] = time.perf_counter() - t0
    model = getattr(w.dataset_page, "model", None)  # None: a window that checks before it opens

    def checking() -> bool:
        return model is not None and model.checking

    ticks.phase = "pages"
    for _ in range(2):
        for key in PageKey:
            w.show_page(key)
            pump(app, 0.25)
    ticks.phase = "scroll"
    w.show_page(PageKey.DATA)
    bar = w.dataset_page.thumbs.verticalScrollBar()
    for step in range(60):
        bar.setValue(bar.maximum() * step // 59)
        pump(app, 0.05)
    ticks.phase = "train"
    tp = w.train_page
    tp.form.method_choice.combo.setCurrentIndex(tp.form.method_choice.combo.findData("scratch"))
    tp.form.model_combo.setCurrentIndex(tp.form.model_combo.findData("simple_cnn"))
    tp.form.epochs_spin.setValue(1)
    tp.form.image_size_spin.setValue(16)
    tp.form.device_combo.setCurrentIndex(tp.form.device_combo.findData("cpu"))
    times["checking_when_training_started"] = float(checking())
    tp.start()
    pump(app, train_s, limit_s=train_s)
    if tp.training.task is not None:
        tp.stop()
        pump(app, until=lambda: tp.training.task is None, limit_s=120)
    ticks.phase = "check"
    pump(app, until=lambda: not checking(), limit_s=check_limit_s)
    times["checked_s"] = time.perf_counter() - t0 if not checking() else float("nan")  # nan: still checking
    return times


def open_window() -> tuple[Any, Any]:
    """The app's window at 1280 x 800, shown, with the engine loaded (as in the app: it loads on a task)."""
    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.shell.app import paint_on_the_ui_thread
    from desktop_cls.gui.shell.main_window import MainWindow
    from desktop_cls.gui.widgets.theme import apply_theme

    paint_on_the_ui_thread()  # as the app does before its QApplication
    app = QApplication.instance() or QApplication([])
    w = MainWindow()
    apply_theme(w.state.settings.theme)  # as the app does before the first paint (its style is set there, once)
    w.resize(1280, 800)
    w.show()
    pump(app, until=lambda: w.state.core_loaded, limit_s=300)
    return app, w


def summary(late: list[float]) -> dict[str, float]:
    import numpy as np

    arr = np.asarray(late or [0.0])
    return {"ticks": len(arr), "p50_ms": float(np.percentile(arr, 50)), "p99_ms": float(np.percentile(arr, 99)),
            "max_ms": float(arr.max()), "stalls_over_100ms": int((arr > STALL_MS).sum())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=20_000)
    ap.add_argument("--train-s", type=float, default=15.0, help="seconds of training while the check runs")
    ap.add_argument("--folder", type=Path, help="reuse this generated folder (written when missing)")
    ap.add_argument("--check-limit-s", type=float, default=900.0, help="wait at most this long for the check")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--watchdog", type=Path, help="write every thread's stack here when the UI thread misses 80 ms")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="desktop_cls_ui_"))
    for name in ("DATA", "CONFIG", "CACHE", "LOG"):
        os.environ[f"DESKTOP_CLS_{name}_DIR"] = str(tmp / name.lower())
    images = 200 if args.smoke else args.images
    folder = args.folder or tmp / "large"
    if not folder.exists():
        write_large_folder(folder, images)
    elif args.folder:  # a folder given: report what it holds, not the default count
        images = sum(1 for _ in folder.glob("*/*.png"))

    app, w = open_window()
    load_before = os.getloadavg()[0]
    ticks = Ticks(args.watchdog)
    ticks.start()
    times = run(app, w, folder, 1.0 if args.smoke else args.train_s, ticks, args.check_limit_s)
    ticks.stop()
    w.shutdown()
    report: dict[str, Any] = {"images": images, "load_1min_before": load_before, "load_1min_after": os.getloadavg()[0],
                              **times, "all": summary([x for v in ticks.late.values() for x in v]),
                              "phases": {k: summary(v) for k, v in ticks.late.items()},
                              "worst": sorted(ticks.worst, reverse=True)[:10]}
    print(f"{images:,} images, 1-min load {load_before:.1f} -> {report['load_1min_after']:.1f}: Train enabled after "
          f"{times['train_enabled_s']:.1f} s, check done after {times['checked_s']:.1f} s")
    print_stalls([("all", report["all"]), *report["phases"].items()], report["worst"])
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


def print_stalls(phases: list[tuple[str, dict[str, Any]]], worst: list[tuple[float, str, float, float, float]]) -> None:
    """Each phase's p99, max and count of stalls over 100 ms, then the worst stalls with when they came and the
    CPU the UI thread and the process had meanwhile."""
    for name, s in phases:
        print(f"  {name:<7} p99 {s['p99_ms']:7.1f} ms  max {s['max_ms']:7.1f} ms  "
              f"stalls>100ms {s['stalls_over_100ms']:3d}  over {s['ticks']} ticks")
    for late, phase, at, ui_ms, process_ms in worst:
        print(f"  stall {late:7.1f} ms in {phase} at {at:6.1f} s (CPU: UI thread {ui_ms:.0f} ms, "
              f"process {process_ms:.0f} ms)")


if __name__ == "__main__":
    raise SystemExit(main())
