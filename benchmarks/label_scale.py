"""Labeling at scale: the Label page with 20,000 loose images, accepting 5,000 suggestions as one undoable step,
and thumbnails from the content-keyed disk cache.

    python -m benchmarks.label_scale [--loose 20000] [--accept 5000] [--thumbs 2000] [--suggest | --only-suggest]
                                     [--cancel-after 2000] [--keys 20 [--slow-ms 50] [--only-keys]] [--json OUT]

Reports the wall time of each step, the longest the UI thread was kept from a 10 ms timer while the accepted
images (and their undo) moved in the background, and the load average, since the machine is shared.
`--keys N` presses N class keys in a row on the Label page and reports the UI thread's time per key (the call
the key's shortcut makes) and the time until every press is filed; `--slow-ms` makes each fsync and rename wait
that long, as a slow or network drive does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
CLASSES = ("c0", "c1", "c2", "c3", "c4")


def write_folder(root: Path, loose: int) -> None:
    """Five classes of 20 images and `loose` distinct unlabeled 24 px PNGs in the folder itself."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for c in CLASSES:
        (root / c).mkdir(parents=True)
        for i in range(20):
            Image.fromarray(rng.integers(0, 255, (24, 24, 3), dtype=np.uint8)).save(root / c / f"{c}_{i}.png")
    for i in range(loose):
        Image.fromarray(rng.integers(0, 255, (24, 24, 3), dtype=np.uint8)).save(root / f"loose_{i:06d}.png")


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def core_figures(root: Path, accept: int) -> dict[str, float]:
    from desktop_cls.core.data.labeling import Workspace

    ws = Workspace(root)
    names = ws.unlabeled()
    groups = {c: names[i:accept:len(CLASSES)] for i, c in enumerate(CLASSES)}
    out = {"list_unlabeled_s": timed(ws.unlabeled), "assign_groups_s": timed(lambda: ws.assign_groups(groups))}
    out["engine_undo_s"] = timed(ws.undo)
    assert len(ws.unlabeled()) == len(names)
    return out


class Stalls:
    """How late a 10 ms UI-thread timer fires (the longest gap is the longest stall)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.worst = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, (now - self._last - 0.010) * 1000)
        self._last = now


def wait_until(app: Any, done: Callable[[], bool], limit_s: float = 600) -> float:
    t = time.perf_counter()
    while not done() and time.perf_counter() - t < limit_s:
        app.processEvents()
        time.sleep(0.002)
    return time.perf_counter() - t


def shown_label_page(root: Path) -> tuple[Any, Any, Any]:
    """(AppState, TaskRunner, LabelPage) on `root`, shown at 1280 x 800 as in the window, the folder scanned and opened
    (a QApplication must exist)."""
    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.data.labeling import Workspace
    from desktop_cls.gui.pages.label.label_page import LabelPage
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState
    from desktop_cls.gui.work.tasks import TaskRunner

    state, tasks = AppState(Settings()), TaskRunner()
    page = LabelPage(state, tasks)
    page.resize(1280, 800)
    page.show()
    state.workspace, state.dataset = Workspace(root), scan(root, val_fraction=0.0, verify="none")
    return state, tasks, page


def press_move(dialog: Any) -> int:
    """The Accept suggestions dialog answered at once as the user does, with its Move button (as shown, every
    image ticked): its exec would wait for a click nobody makes."""
    dialog.move_button.click()
    return int(dialog.result())


def settled(page: Any) -> bool:
    """No step of the Label page is moving files or waits to be filed."""
    return not page.model.moving and not page.steps.busy()


def page_figures(root: Path, accept: int) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.pages.label.accept_dialog import AcceptDialog
    from desktop_cls.gui.pages.label.label_model import Source

    app = QApplication.instance() or QApplication([])
    state, tasks, page = shown_label_page(root)
    out = {"open_page_s": timed(lambda: page._on_dataset(state.dataset))}
    app.processEvents()
    out["label_one_image_s"] = timed(lambda: page.assign_current("c0"))  # (the UI thread's part: it files behind)
    page.undo()
    m = page.model
    wait_until(app, lambda: settled(page))  # (a large step asked while one is filed queues behind it, no mover)
    m.suggestions = {n: (CLASSES[i % len(CLASSES)], 0.95) for i, n in enumerate(m.queue[:accept])}
    m.source = Source(str(root), None)
    setattr(AcceptDialog, "exec", press_move)  # noqa: B010  (the question before accepting: answered)
    stalls = Stalls()
    t = time.perf_counter()
    page.suggest_panel.accept()
    wait_until(app, lambda: settled(page))
    out["accept_s"], out["accept_worst_stall_ms"] = time.perf_counter() - t, stalls.worst
    out["accepted"] = float(accept - sum(1 for n in m.queue if n in m.suggestions))
    stalls.worst, t = 0.0, time.perf_counter()
    page.undo()
    wait_until(app, lambda: settled(page))
    out["page_undo_s"], out["undo_worst_stall_ms"] = time.perf_counter() - t, stalls.worst
    page.shutdown()
    tasks.stop_all()
    return out


@contextlib.contextmanager
def slow_disk(ms: float) -> Iterator[None]:
    """Each fsync and rename waits `ms` first (a slow or network drive); nothing changes with 0."""
    real_fsync, real_rename = os.fsync, os.rename

    def fsync(fd: int) -> None:
        time.sleep(ms / 1000)
        real_fsync(fd)

    def rename(*args: Any, **kwargs: Any) -> None:
        time.sleep(ms / 1000)
        real_rename(*args, **kwargs)

    if ms > 0:
        os.fsync, os.rename = fsync, rename  # type: ignore[assignment]
    try:
        yield
    finally:
        os.fsync, os.rename = real_fsync, real_rename


def key_figures(root: Path, keys: int, slow_ms: float) -> dict[str, float]:
    """`keys` class keys pressed in a row on the Label page: the UI thread's time in each (wall and CPU, the call
    the key's shortcut makes: the step on the UI thread before the queue, the queue's put and the next image
    after), and the time until every press is filed."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    state, tasks, page = shown_label_page(root)
    page._on_dataset(state.dataset)
    page.assign_current(CLASSES[0])  # (the first step makes the journal and starts the lane: not timed)
    steps = getattr(page, "steps", None)  # (None: the build before the queue, which files on the UI thread)
    wait_until(app, lambda: steps is None or not steps.busy())
    app.processEvents()
    wall, cpu = [], []
    with slow_disk(slow_ms):
        start = time.perf_counter()
        for i in range(keys):
            t, c = time.perf_counter(), time.thread_time()
            page.assign_current(CLASSES[i % len(CLASSES)])
            wall.append(time.perf_counter() - t)
            cpu.append(time.thread_time() - c)
        wait_until(app, lambda: steps is None or not steps.busy())
        filed = time.perf_counter() - start
    page.shutdown()
    tasks.stop_all()
    return {"key_ui_median_ms": statistics.median(wall) * 1000, "key_ui_max_ms": max(wall) * 1000,
            "key_ui_cpu_median_ms": statistics.median(cpu) * 1000, "keys_filed_s": filed, "keys": float(keys),
            "slow_ms": slow_ms}


def suggest_figures(root: Path, cancel_after: int) -> dict[str, float]:
    """*Suggest labels* from the Label page on every loose image with a small trained model: its time, its
    progress reports, the longest UI stall meanwhile; then a second request cancelled after `cancel_after`
    images, and how long the Cancel took to end it."""
    from PySide6.QtWidgets import QApplication

    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.data.labeling import Workspace
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit
    from desktop_cls.gui.pages.label.label_page import LabelPage
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState
    from desktop_cls.gui.work.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    cfg = TrainConfig(model="simple_cnn", epochs=1, batch_size=16, image_size=24, device="cpu", val_fraction=0.2)
    out: dict[str, float] = {"train_tiny_model_s": 0.0}
    t = time.perf_counter()
    run = fit(cfg, root).run_dir
    out["train_tiny_model_s"] = time.perf_counter() - t
    state, tasks = AppState(Settings()), TaskRunner()
    page = LabelPage(state, tasks)
    page.resize(1280, 800)
    page.show()
    state.core_loaded = True
    state.workspace, state.dataset = Workspace(root), scan(root, val_fraction=0.0, verify="none")
    page._on_dataset(state.dataset)
    state.set_run(str(run))
    app.processEvents()
    m, panel = page.model, page.suggest_panel
    reports: list[int] = []

    def reported(name: str, done: int, _total: int, _what: str) -> None:
        if name == "suggestions":
            reports.append(done)

    tasks.task_progress.connect(reported)
    stalls, t = Stalls(), time.perf_counter()
    panel.suggest()
    wait_until(app, lambda: panel._task is not None and not panel._task.is_running() and len(m.suggestions) > 0)
    out["suggest_s"], out["suggest_worst_stall_ms"] = time.perf_counter() - t, stalls.worst
    out["suggested"], out["queue"] = float(len(m.suggestions)), float(len(m.queue))
    out["progress_reports"] = float(len(reports))
    reports.clear()
    panel.suggest()
    wait_until(app, lambda: bool(reports) and reports[-1] >= cancel_after)
    stalls.worst, t = 0.0, time.perf_counter()
    task = panel._task
    page.cancel_task()  # the status line's Cancel
    wait_until(app, lambda: task is None or not task.is_running())
    out["cancel_after_images"] = float(reports[-1] if reports else 0)
    out["cancel_to_end_s"], out["cancel_worst_stall_ms"] = time.perf_counter() - t, stalls.worst
    page.shutdown()
    tasks.stop_all()
    return out


def thumbnail_figures(root: Path, n: int, cache_dir: Path) -> dict[str, float]:
    from desktop_cls.core.data import thumbnail_cache
    from desktop_cls.core.data.thumbnail_cache import ThumbnailCache
    from desktop_cls.gui.widgets.thumbnails import ThumbnailModel

    paths = sorted(str(p) for p in root.glob("loose_*.png"))[:n]
    cold = ThumbnailCache(cache_dir)
    out = {"thumb_cold_ms": timed(lambda: [cold.thumbnail(p, 128) for p in paths]) * 1000 / len(paths)}
    thumbnail_cache._digests.clear()
    warm = ThumbnailCache(cache_dir)  # as after a restart: nothing in memory
    out["thumb_warm_ms"] = timed(lambda: [warm.thumbnail(p, 128) for p in paths]) * 1000 / len(paths)
    model = ThumbnailModel(side=96)
    items = [(f"/images/{i:06d}.png", str(i)) for i in range(100_000)]
    out["grid_100k_set_items_s"] = timed(lambda: model.set_items(items))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--loose", type=int, default=20_000)
    ap.add_argument("--accept", type=int, default=5_000)
    ap.add_argument("--thumbs", type=int, default=2_000)
    ap.add_argument("--suggest", action="store_true", help="also time Suggest labels on every loose image")
    ap.add_argument("--cancel-after", type=int, default=2_000, help="images suggested before the timed Cancel")
    ap.add_argument("--only-suggest", action="store_true", help="only the folder and Suggest labels")
    ap.add_argument("--keys", type=int, default=0, help="class keys pressed in a row on the Label page, timed")
    ap.add_argument("--slow-ms", type=float, default=0.0, help="each fsync and rename waits this long (--keys)")
    ap.add_argument("--only-keys", action="store_true", help="only the folder and the timed key presses")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="desktop_cls_label_"))
    for name in ("DATA", "CONFIG", "CACHE", "LOG"):
        os.environ[f"DESKTOP_CLS_{name}_DIR"] = str(tmp / name.lower())
    root = tmp / "ds"
    results: dict[str, float] = {"write_folder_s": timed(lambda: write_folder(root, args.loose))}
    load_before = os.getloadavg()[0]
    if args.keys:
        results.update(key_figures(root, args.keys, args.slow_ms))
    if args.suggest or args.only_suggest:
        results.update(suggest_figures(root, args.cancel_after))
    if not (args.only_suggest or args.only_keys):
        results.update(core_figures(root, args.accept))
        results.update(page_figures(root, args.accept))
        results.update(thumbnail_figures(root, args.thumbs, tmp / "thumbs"))
    results["load_1min_before"] = load_before
    results["load_1min"] = os.getloadavg()[0]
    for key, value in results.items():
        print(f"{key:28s} {value:10.3f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
