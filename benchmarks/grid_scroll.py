"""Scrolling the Data page's thumbnail grid over a whole large folder, as a user dragging the scroll bar from
top to bottom, with the health check running behind it: how late a 10 ms UI-thread timer fires, how many
thumbnails were decoded, and the process's peak memory with the folder open.

    python -m benchmarks.grid_scroll --folder FOLDER [--steps 300] [--step-ms 40] [--smoke] [--json OUT]

The folder is only read (a fresh user cache folder is used, so every thumbnail is decoded). Targets (issue
"Large folders"): no stall over 100 ms, peak RSS of the app with 100,000 images open at most 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.ui_latency import Ticks, print_stalls, pump, summary, write_large_folder


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB (Linux reports KB). Its children's figure is left out: Linux
    counts a worker process's peak from before its exec, when it was a copy of this whole process."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scroll(app: Any, w: Any, ticks: Ticks, steps: int, step_ms: float) -> dict[str, float]:
    """Drag the grid's scroll bar from top to bottom in `steps` moves, `step_ms` apart."""
    page = w.dataset_page
    tabs, grid = page.tabs, page.thumbs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.widget(i).isAncestorOf(grid)))
    pump(app, 0.5)
    model, bar = page.thumb_model, grid.verticalScrollBar()
    decoded, batches = getattr(model, "decoded", 0), getattr(model, "batches", 0)  # 0: a build that counts none
    ticks.phase = "scroll"
    t0 = time.perf_counter()
    for step in range(steps + 1):
        bar.setValue(bar.maximum() * step // steps)
        pump(app, step_ms / 1000)
    ticks.phase = "settle"  # the last screen's thumbnails arrive
    pump(app, until=lambda: not model._pending, limit_s=30)
    return {"rows": model.rowCount(), "scroll_s": time.perf_counter() - t0, "scroll_range_px": bar.maximum(),
            "decoded": getattr(model, "decoded", 0) - decoded, "batches": getattr(model, "batches", 0) - batches}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folder", type=Path, help="a folder of images in class folders (only read)")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--step-ms", type=float, default=40.0)
    ap.add_argument("--smoke", action="store_true", help="200 generated images, 10 steps")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="desktop_cls_grid_"))
    for name in ("DATA", "CONFIG", "CACHE", "LOG"):
        os.environ[f"DESKTOP_CLS_{name}_DIR"] = str(tmp / name.lower())
    if args.smoke:
        args.folder, args.steps = write_large_folder(tmp / "large", 200), 10
    elif args.folder is None:
        ap.error("--folder is required (or --smoke)")

    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.shell.app import paint_on_the_ui_thread
    from desktop_cls.gui.shell.main_window import MainWindow

    paint_on_the_ui_thread()  # as the app does before its QApplication
    app = QApplication.instance() or QApplication([])
    w = MainWindow()
    w.resize(1280, 800)
    w.show()
    pump(app, until=lambda: w.state.core_loaded, limit_s=300)
    load_before = os.getloadavg()[0]
    ticks = Ticks()
    ticks.start()
    ticks.phase = "open"
    t0 = time.perf_counter()
    w.open_dataset(args.folder)
    pump(app, until=lambda: w.state.dataset is not None and w.train_page.buttons["trainButton"].isEnabled())
    opened_s = time.perf_counter() - t0
    figures = scroll(app, w, ticks, args.steps, args.step_ms)
    checking = bool(getattr(w.dataset_page.model, "checking", False))
    own = peak_rss_mb()
    ticks.timer.stop()
    w.shutdown()
    report: dict[str, Any] = {"folder": str(args.folder), "steps": args.steps, "step_ms": args.step_ms,
                              "load_1min_before": load_before, "load_1min_after": os.getloadavg()[0],
                              "train_enabled_s": opened_s, "check_running_while_scrolling": checking,
                              **figures, "peak_rss_mb": own,
                              "phases": {k: summary(v) for k, v in ticks.late.items()},
                              "worst": sorted(ticks.worst, reverse=True)[:10]}
    print(f"{figures['rows']:,} rows, 1-min load {load_before:.1f} -> {report['load_1min_after']:.1f}; Train enabled "
          f"after {opened_s:.1f} s; scrolled {figures['scroll_range_px']:,} px in {args.steps} steps over "
          f"{figures['scroll_s']:.1f} s: {figures['decoded']:,} thumbnails decoded in {figures['batches']:,} "
          f"batches; peak RSS {own:,.0f} MB; check running: {checking}")
    print_stalls(list(report["phases"].items()), report["worst"])
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
