"""What each click on the Data page costs the UI thread with a large folder open: choosing a class in the grid's
filter and all classes again, opening the viewer from the grid, Ctrl+A and clearing the grid's selection, the first
problem preview's lookup. Each slot is timed around its call, then the events it queued (layout, paint).

    python -m benchmarks.data_clicks --folder FOLDER [--profile] [--json OUT]   (or --smoke: 200 images)

The health check is stopped once the folder is shown, so it does not compete with the clicks; the folder is only
read. Target (issue "Large folders"): no click's cost grows with the folder (the UI thread never stalls 100 ms).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.ui_latency import open_window, pump, write_large_folder


def timed(app: Any, name: str, fn: Callable[[], object], profile: bool, out: dict[str, float]) -> None:
    """The slot's milliseconds, then the queued events' (one processEvents), kept under NAME."""
    prof = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if prof is not None:
        prof.enable()
    fn()
    if prof is not None:
        prof.disable()
    slot = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    app.processEvents()
    after = (time.perf_counter() - start) * 1000
    out[name] = slot
    print(f"  {name:<44} slot {slot:8.1f} ms   queued events {after:6.1f} ms")
    if prof is not None:
        pstats.Stats(prof, stream=sys.stdout).sort_stats("cumulative").print_stats(8)
    pump(app, 0.3)


def clicks(app: Any, w: Any, profile: bool) -> dict[str, float]:
    """The clicks, each twice where a second differs (a class chosen again, the viewer open already)."""
    from desktop_cls.gui.state import PageKey
    from desktop_cls.gui.widgets.image_viewer import viewer_of

    page, out = w.dataset_page, dict[str, float]()
    w.show_page(PageKey.DATA)
    pump(app, 0.5)
    chooser = page.class_filter
    for n, row in enumerate((4, 8), start=1):  # two classes (rows of the chooser; 0 is all classes)
        timed(app, f"filter: a class ({n})", partial(chooser.setCurrentIndex, min(row, chooser.count() - 1)),
              profile, out)
        timed(app, f"filter: all classes ({n})", lambda: chooser.setCurrentIndex(0), profile, out)
    timed(app, "class table: a row", lambda: page.class_table.selectRow(2), profile, out)
    chooser.setCurrentIndex(0)
    pump(app, 0.3)
    timed(app, "viewer from the grid (first: builds it)", lambda: page.view_thumbnail(5), profile, out)
    timed(app, "viewer from the grid (again)", lambda: page.view_thumbnail(page.thumb_model.rowCount() // 2),
          profile, out)
    viewer = viewer_of(page)
    if viewer is not None:
        viewer.close()
    timed(app, "grid: Ctrl+A", page.thumbs.selectAll, profile, out)
    timed(app, "grid: clear the selection", page.thumbs.clearSelection, profile, out)
    index = w.state.dataset
    if index is None:
        return out
    timed(app, "problem preview: where a file is (first)",
          lambda: page.problems._where_is(index.samples[len(index.samples) // 3].path), profile, out)
    fresh = dataclasses.replace(index)  # what the scanning thread now does once per index
    if hasattr(fresh, "prepare"):
        timed(app, "(scanning thread) index.prepare()", fresh.prepare, False, out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folder", type=Path, help="a large folder (benchmarks/large_folder.py)")
    ap.add_argument("--smoke", action="store_true", help="200 images written here")
    ap.add_argument("--profile", action="store_true", help="cProfile each click")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="desktop_cls_clicks_"))
    for name in ("DATA", "CONFIG", "CACHE", "LOG"):
        os.environ[f"DESKTOP_CLS_{name}_DIR"] = str(tmp / name.lower())
    folder = args.folder or write_large_folder(tmp / "large", 200 if args.smoke else 20_000)

    app, w = open_window()
    w.open_dataset(folder)
    pump(app, until=lambda: w.state.dataset is not None, limit_s=600)
    w.dataset_page.check.cancel()
    pump(app, 2.0)
    load_before = os.getloadavg()[0]
    print(f"{w.dataset_page.thumb_model.rowCount():,} images, 1-min load {load_before:.1f}")
    out = clicks(app, w, args.profile)
    print(f"1-min load after: {os.getloadavg()[0]:.1f}")
    w.shutdown()
    if args.json:
        args.json.write_text(json.dumps({"load_1min_before": load_before, "ms": out}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
