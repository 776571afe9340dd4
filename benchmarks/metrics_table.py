"""The UI thread's time to show an evaluation's per-class metrics table and the confusion matrix, by class count.

    python -m benchmarks.metrics_table [--classes 10,200] [--runs 5] [--against REV] [--page] [--json OUT]

Tables: a report of N classes is handed to the metrics panel (`show_result`: the fill, columns fitted) and painted
once; the same N-class matrix to the confusion view (`show_counts`). `--against REV` also measures revision REV's
metrics panel and confusion view (their modules read with `git show`) in the same process, a run of each in turn,
so both see the same load. `--page`: instead, the whole Evaluate page of the desktop_cls first on the import path
(run it once per build), 1280 x 800, a result of 4 images a class without its misclassified images: the UI-thread
CPU of `EvaluatePage._show` and of the three event-loop turns after it (the first paint). Figures are
`time.thread_time`, median of the runs, offscreen.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def report(n: int) -> dict[str, Any]:
    """An evaluation's dict as the task hands it over, without the page's "_" keys: N classes of 4 images."""
    from benchmarks.confusion_matrix import counts

    classes = [f"horizontal_stripes_{i}" for i in range(n)]
    per_class = {c: {"precision": (i % 7) / 7, "recall": (i % 5) / 5, "f1": (i % 9) / 9, "support": 4 + i % 3}
                 for i, c in enumerate(classes)}
    avg = {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": sum(m["support"] for m in per_class.values())}
    return {"classes": classes, "per_class": per_class, "averages": {"macro": avg, "weighted": avg},
            "split": "validation", "num_images": avg["support"], "accuracy": 0.5, "top5_accuracy": 0.9,
            "confusion_matrix": counts(n, per_class=4 + 10)}


def evaluation(n: int, per_class: int = 4) -> dict[str, Any]:
    """What the evaluate task hands the page for N classes, a model right about 80 % of the time (as the tests')."""
    import numpy as np

    from desktop_cls.core.inference.evaluation import Evaluation
    from desktop_cls.core.inference.metrics import classification_report

    rng = np.random.default_rng(0)
    classes = tuple(f"horizontal_stripes_{i}" for i in range(n))
    y = np.repeat(np.arange(n), per_class)
    logits = rng.normal(size=(len(y), n))
    logits[np.arange(len(y)), y] += 2.5
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    paths = tuple(f"/nowhere/{i}.png" for i in range(len(y)))
    ev = Evaluation(classification_report(y, probs, classes), paths, y, probs, "validation", ())
    return ev.to_dict() | {"_curves": ev.curves(), "_model": "", "_samples": []}


def panel_of(rev: str) -> type:
    """MetricsPanel as revision REV had it (run from `git show`; the modules it imports are today's)."""
    path = "desktop_cls/gui/pages/evaluate/metrics_panel.py"
    source = subprocess.run(["git", "show", f"{rev}:{path}"], capture_output=True, text=True, check=True).stdout
    module = types.ModuleType(f"metrics_panel_{rev}")
    exec(compile(source, f"{rev}:{path}", "exec"), module.__dict__)
    panel: type = module.MetricsPanel
    return panel


def _tables_once(panel_class: type, view_class: type, d: dict[str, Any]) -> tuple[float, float, float]:
    """UI-thread milliseconds of the metrics table's fill, its first paint, and the matrix's fill."""
    from PySide6.QtWidgets import QApplication, QPushButton

    panel, view = panel_class(QPushButton()), view_class()
    panel.resize(620, 300)
    view.resize(620, 430)
    panel.show()
    view.show()
    QApplication.processEvents()
    t = time.thread_time()
    panel.show_result(d, None)
    fill = (time.thread_time() - t) * 1000
    t = time.thread_time()
    panel.table.viewport().repaint()
    paint = (time.thread_time() - t) * 1000
    t = time.thread_time()
    view.show_counts(d["classes"], d["confusion_matrix"])
    matrix = (time.thread_time() - t) * 1000
    for w in (panel, view):
        w.close()
        w.deleteLater()
    QApplication.processEvents()
    return fill, paint, matrix


def tables(classes: list[int], runs: int, against: str | None) -> list[dict[str, Any]]:
    from benchmarks.confusion_matrix import view_of
    from desktop_cls.gui.pages.evaluate.metrics_panel import MetricsPanel
    from desktop_cls.gui.widgets.confusion_view import ConfusionMatrixView

    builds: dict[str, tuple[type, type]] = {"now": (MetricsPanel, ConfusionMatrixView)}
    if against:
        builds[against] = (panel_of(against), view_of(against))
    _tables_once(MetricsPanel, ConfusionMatrixView, report(3))  # fonts and style loaded outside the figures
    rows = []
    for n in classes:
        d = report(n)
        got: dict[str, list[tuple[float, float, float]]] = {name: [] for name in builds}
        for _ in range(runs):
            for name, (panel, view) in builds.items():
                got[name].append(_tables_once(panel, view, d))
        medians = {name: [statistics.median(r[k] for r in rs) for k in range(3)] for name, rs in got.items()}
        rows.append({"classes": n, "builds": medians})
        for name, (fill, paint, matrix) in medians.items():
            print(f"{n:>4} classes, {name:>8}: metrics fill {fill:6.1f} ms, metrics paint {paint:6.1f} ms, "
                  f"matrix fill {matrix:6.1f} ms")
    return rows


def page(classes: list[int], runs: int) -> list[dict[str, Any]]:
    """The whole Evaluate page's `_show` and its first paint, as the app shows a result."""
    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.shell.main_window import MainWindow

    w = MainWindow(load_core=False)
    w.resize(1280, 800)
    w.show()
    w.wait_until_core_loaded()
    w.show_page("evaluate")
    ev = w.evaluate_page
    rows = []
    for n in [3, *classes]:
        got = []
        for _ in range(runs if n != 3 else 1):
            d = evaluation(n) | {"_folder": ev.default_folder()}
            t = time.thread_time()
            ev.show_result(d)
            show = (time.thread_time() - t) * 1000
            t = time.thread_time()
            for _ in range(3):
                QApplication.processEvents()
            got.append((show, (time.thread_time() - t) * 1000))
            ev.clear_result("")
            QApplication.processEvents()
        if n != 3:
            show, paint = (statistics.median(g[k] for g in got) for k in range(2))
            rows.append({"classes": n, "show_ms": show, "paint_ms": paint})
            print(f"{n:>4} classes: _show {show:6.1f} ms, then the first paint {paint:6.1f} ms")
    w.shutdown()
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--classes", default="10,200", help="class counts, comma-separated")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--against", metavar="REV", help="also measure the tables of this git revision, in turn")
    ap.add_argument("--page", action="store_true", help="the whole Evaluate page instead (this build only)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.widgets import theme

    app = QApplication.instance() or QApplication([])
    theme.apply_theme("light")
    classes = [int(n) for n in args.classes.split(",")]
    load = os.getloadavg()[0]
    rows = page(classes, args.runs) if args.page else tables(classes, args.runs, args.against)
    loads = [load, os.getloadavg()[0]]
    print(f"1-minute load {loads[0]:.1f} -> {loads[1]:.1f}")
    if args.json:
        args.json.write_text(json.dumps({"load": loads, "rows": rows}, indent=1))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
