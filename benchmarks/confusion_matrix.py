"""The UI thread's time to fill the Evaluate page's confusion matrix and paint it once, by class count.

    python -m benchmarks.confusion_matrix [--classes 10,30,100,200] [--runs 5] [--against REV] [--json OUT]

A matrix of N classes (about 80 % of each row on the diagonal, the rest spread) is handed to the view
(`show_counts`: the fill, with the fit to its pane) and then painted (`viewport().repaint()`: the first paint), in
a 620 x 430 pane, about what the matrix gets in a 1280 x 800 window. Figures are the UI thread's CPU time
(`time.thread_time`), median of the runs. `--against REV` also measures the view of git revision REV (its
widgets/confusion_*.py, read with `git show`) in the same process, a run of each in turn, so both see the same load.
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

PANE = (620, 430)
_PACKAGE = "desktop_cls.gui.widgets."
_MODULES = ("confusion_model", "confusion_cells", "confusion_view")  # in the order they import each other


def counts(n: int, per_class: int = 50) -> list[list[int]]:
    """A row per true class: most of its images right, a few in the next classes."""
    cm = [[0] * n for _ in range(n)]
    for i in range(n):
        cm[i][i] = per_class - 10
        for k in range(1, 6):
            cm[i][(i + k) % n] += 2
    return cm


def view_of(rev: str) -> type:
    """ConfusionMatrixView as revision REV had it (its modules run from `git show`, then today's put back)."""
    import desktop_cls.gui.widgets.confusion_view  # noqa: F401  (today's, imported first so they can be put back)

    today = {name: sys.modules[_PACKAGE + name] for name in _MODULES if _PACKAGE + name in sys.modules}
    try:
        for name in _MODULES:
            path = f"desktop_cls/gui/widgets/{name}.py"
            shown = subprocess.run(["git", "show", f"{rev}:{path}"], capture_output=True, text=True, check=False)
            if shown.returncode:
                continue  # a module that revision did not have
            module = sys.modules[_PACKAGE + name] = types.ModuleType(_PACKAGE + name)
            exec(compile(shown.stdout, f"{rev}:{path}", "exec"), module.__dict__)
        return sys.modules[_PACKAGE + "confusion_view"].ConfusionMatrixView
    finally:
        sys.modules.update({_PACKAGE + name: module for name, module in today.items()})


def _once(view_class: type, classes: list[str], cm: list[list[int]]) -> tuple[float, float]:
    """UI-thread milliseconds of one fill and one first paint."""
    from PySide6.QtWidgets import QApplication

    view = view_class()
    view.resize(*PANE)
    view.show()
    QApplication.processEvents()
    t = time.thread_time()
    view.show_counts(classes, cm)
    fill = (time.thread_time() - t) * 1000
    t = time.thread_time()
    view.viewport().repaint()
    paint = (time.thread_time() - t) * 1000
    view.close()
    view.deleteLater()
    QApplication.processEvents()
    return fill, paint


def measure(n: int, runs: int, views: dict[str, type]) -> dict[str, Any]:
    """Median (and each run's) fill and first paint of an n-class matrix, for each of VIEWS, a run of each in turn."""
    classes = [f"class_{i:03d}" for i in range(n)]
    cm = counts(n)
    got: dict[str, list[tuple[float, float]]] = {name: [] for name in views}
    for _ in range(runs):
        for name, view_class in views.items():
            got[name].append(_once(view_class, classes, cm))
    return {"classes": n, "views": {name: {"fill_ms": statistics.median(f for f, _ in rs),
                                           "paint_ms": statistics.median(p for _, p in rs),
                                           "runs_ms": rs} for name, rs in got.items()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--classes", default="10,30,100,200", help="class counts, comma-separated")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--against", metavar="REV", help="also measure the view of this git revision, in turn")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.widgets import theme
    from desktop_cls.gui.widgets.confusion_view import ConfusionMatrixView

    app = QApplication.instance() or QApplication([])
    theme.apply_theme("light")  # the app's style and palette, set once as at start
    views = {"now": ConfusionMatrixView} | ({args.against: view_of(args.against)} if args.against else {})
    measure(3, 1, views)  # fonts, style and delegate loaded outside the figures
    load = os.getloadavg()[0]
    rows = [measure(int(n), args.runs, views) for n in args.classes.split(",")]
    loads = [load, os.getloadavg()[0]]
    report = {"pane": list(PANE), "load": loads, "rows": rows}
    for r in rows:
        for name, v in r["views"].items():
            print(f"{r['classes']:>4} classes, {name:>8}: fill {v['fill_ms']:7.1f} ms, "
                  f"first paint {v['paint_ms']:7.1f} ms")
    print(f"1-minute load {loads[0]:.1f} -> {loads[1]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
