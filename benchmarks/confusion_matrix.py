"""The UI thread's time to fill the Evaluate page's confusion matrix and paint it once, by class count.

    python -m benchmarks.confusion_matrix [--classes 10,30,100,200] [--runs 5] [--json OUT]

A matrix of N classes (about 80 % of each row on the diagonal, the rest spread) is handed to the view
(`show_counts`: the fill, with the fit to its pane) and then painted (`viewport().repaint()`: the first paint), in
a 620 x 430 pane, about what the matrix gets in a 1280 x 800 window. Figures are the UI thread's CPU time
(`time.thread_time`), median of the runs, so they say what the code costs whatever the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PANE = (620, 430)


def counts(n: int, per_class: int = 50) -> list[list[int]]:
    """A row per true class: most of its images right, a few in the next classes."""
    cm = [[0] * n for _ in range(n)]
    for i in range(n):
        cm[i][i] = per_class - 10
        for k in range(1, 6):
            cm[i][(i + k) % n] += 2
    return cm


def measure(n: int, runs: int) -> dict[str, Any]:
    """Median (and each run's) UI-thread milliseconds of the fill and of the first paint of an n-class matrix."""
    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.widgets.confusion_view import ConfusionMatrixView

    classes = [f"class_{i:03d}" for i in range(n)]
    cm = counts(n)
    fill, paint = [], []
    for _ in range(runs):
        view = ConfusionMatrixView()
        view.resize(*PANE)
        view.show()
        QApplication.processEvents()
        t = time.thread_time()
        view.show_counts(classes, cm)
        fill.append((time.thread_time() - t) * 1000)
        t = time.thread_time()
        view.viewport().repaint()
        paint.append((time.thread_time() - t) * 1000)
        view.close()
        view.deleteLater()
        QApplication.processEvents()
    return {"classes": n, "fill_ms": statistics.median(fill), "paint_ms": statistics.median(paint),
            "fill_runs_ms": fill, "paint_runs_ms": paint}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--classes", default="10,30,100,200", help="class counts, comma-separated")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.widgets import theme

    app = QApplication.instance() or QApplication([])
    theme.apply_theme("light")  # the app's style and palette, set once as at start
    measure(3, 1)  # fonts, style and delegate loaded outside the figures
    rows = [measure(int(n), args.runs) for n in args.classes.split(",")]
    report = {"pane": list(PANE), "load": os.getloadavg()[0], "rows": rows}
    for r in rows:
        print(f"{r['classes']:>4} classes: fill {r['fill_ms']:7.1f} ms, first paint {r['paint_ms']:7.1f} ms")
    print(f"1-minute load {report['load']:.1f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
