"""The UI thread's stalls in the window's first seconds, while the engine task imports torch (the window must
answer a menu click from the moment it shows).

    python -m benchmarks.startup_stalls [--seconds 30] [--stacks FILE] [--json OUT]

STARTUP_STALLS_UNDO=after-paint,pyside-check undoes those fixes (engine.AfterFirstPaint and
engine.quicker_pyside_import_check), to compare with the build before them.

Starts the window as the app does (the same steps before the window as `run_app`), offscreen, and runs a 10 ms
UI-thread timer from the moment it is shown (benchmarks.ui_latency.Ticks). A stall is a tick more than 50 ms
late; each is reported with whether the engine was still loading, and the UI thread's and the process's CPU
milliseconds during it (UI thread idle while the process ran: it waited for the interpreter lock). The
process's own stalls are those during which it ran for half the gap or more; in the others the machine's
other processes had the CPU. `--stacks
FILE` writes every thread's stack whenever the UI thread misses 50 ms, each cycle collection over 10 ms and each
module imported (the writing takes the lock itself: compare stall counts from runs without it).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STALL_MS = 50.0


def start_window() -> tuple[Any, Any]:
    """The QApplication and the shown main window, with the steps `run_app` takes before it."""
    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.shell import engine, main_window
    from desktop_cls.gui.shell.app import paint_on_the_ui_thread
    from desktop_cls.gui.shell.main_window import MainWindow

    undone = os.environ.get("STARTUP_STALLS_UNDO", "").split(",")  # builds before a fix, to compare
    if "after-paint" in undone:  # the engine task starts as the window is built
        main_window.AfterFirstPaint = lambda window, start: start()  # type: ignore[assignment,misc,return-value]

    paint_on_the_ui_thread()
    engine.load_triton_before_qt()
    app = QApplication.instance() or QApplication([])
    if "pyside-check" not in undone:
        engine.quicker_pyside_import_check()
    engine.preload_torch_libraries()
    w = MainWindow()
    w.resize(1280, 800)
    w.show()
    return app, w


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30.0, help="how long to watch after the window shows")
    ap.add_argument("--stacks", type=Path, help="every thread's stack when the UI thread misses 50 ms")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="desktop_cls_startup_"))
    for name in ("DATA", "CONFIG", "CACHE", "LOG"):
        os.environ[f"DESKTOP_CLS_{name}_DIR"] = str(tmp / name.lower())
    load_before = os.getloadavg()[0]
    t_start = time.perf_counter()
    app, w = start_window()
    shown_s = time.perf_counter() - t_start

    from benchmarks.ui_latency import Ticks, pump

    ticks = Ticks(args.stacks, late_s=STALL_MS / 1000)
    ticks.stall_ms = STALL_MS
    ticks.phase = "engine loading"
    loaded_at: list[float] = []

    def loaded() -> None:
        loaded_at.append(time.perf_counter() - ticks.t0)
        ticks.phase = "engine loaded"

    w.state.core_ready.connect(loaded)
    ticks.start()
    pump(app, args.seconds)
    ticks.stop()
    w.shutdown()
    stalls = sorted(ticks.worst, reverse=True)
    report: dict[str, Any] = {"load_1min_before": load_before, "load_1min_after": os.getloadavg()[0],
                              "window_shown_s": shown_s, "engine_loaded_s": loaded_at[0] if loaded_at else None,
                              "phases": {k: _summary(v) for k, v in ticks.late.items()}, "stalls": stalls,
                              "own": _own(stalls)}
    print(f"1-min load {load_before:.1f} -> {report['load_1min_after']:.1f}; window shown after {shown_s:.2f} s, "
          f"engine loaded {report['engine_loaded_s'] or float('nan'):.1f} s after that")
    for name, s in report["phases"].items():
        print(f"  {name:<14} p99 {s['p99_ms']:7.1f} ms  max {s['max_ms']:7.1f} ms  stalls>50ms {s['stalls']:3d}  "
              f"total {s['stalled_ms']:6.0f} ms  over {s['ticks']} ticks")
    own = report["own"]
    print(f"  the process's own (it had the CPU for half the gap or more): {own['stalls']} stalls, "
          f"{own['stalled_ms']:.0f} ms in all, worst {own['max_ms']:.0f} ms; the rest waited for the machine")
    for late, phase, at, ui_ms, process_ms in stalls[:10]:
        print(f"  stall {late:7.1f} ms in {phase} at {at:6.2f} s (CPU: UI thread {ui_ms:.0f} ms, "
              f"process {process_ms:.0f} ms)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


def _own(stalls: list[tuple[float, str, float, float, float]]) -> dict[str, float]:
    """The stalls during which the process ran for at least half the gap: its threads (the engine's import, the
    UI thread's own work) kept the UI thread waiting, not the machine's other processes."""
    own = [late for late, _, _, _, process_ms in stalls if process_ms >= (late + 10) / 2]
    return {"stalls": len(own), "stalled_ms": sum(own), "max_ms": max(own, default=0.0)}


def _summary(late: list[float]) -> dict[str, float]:
    import numpy as np

    arr = np.asarray(late or [0.0])
    over = arr[arr > STALL_MS]
    return {"ticks": len(arr), "p99_ms": float(np.percentile(arr, 99)), "max_ms": float(arr.max()),
            "stalls": int(over.size), "stalled_ms": float(over.sum())}


if __name__ == "__main__":
    raise SystemExit(main())
