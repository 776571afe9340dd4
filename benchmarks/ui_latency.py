"""How late a 10 ms UI-thread timer fires while the app trains (the window must never stutter).

    python -m benchmarks.ui_latency [--epochs 8] [--smoke] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="desktop_cls_ui_"))
    for name in ("DATA", "CONFIG", "CACHE", "LOG"):
        os.environ[f"DESKTOP_CLS_{name}_DIR"] = str(tmp / name.lower())

    import numpy as np
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_cls.core.data.demo_data import make_demo_dataset
    from desktop_cls.gui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    data = make_demo_dataset(tmp / "demo", images_per_class=6 if args.smoke else 60)
    w = MainWindow()
    w.show()
    w.wait_until_core_loaded()
    w.open_dataset(data)
    while w.state.dataset is None:
        app.processEvents()
        time.sleep(0.005)
    w.train_page.form.epochs_spin.setValue(1 if args.smoke else args.epochs)
    lateness: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) - 0.010) * 1000)
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    w.train_page.start()
    timer.start()
    while w.train_page.training.task is not None:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    w.shutdown()
    arr = np.asarray(lateness[1:] or [0.0])
    report = {"samples": len(arr), "p50_ms": float(np.percentile(arr, 50)), "p99_ms": float(np.percentile(arr, 99)),
              "max_ms": float(arr.max())}
    print(f"10 ms timer lateness during training: p50 {report['p50_ms']:.1f} ms, p99 {report['p99_ms']:.1f} ms, "
          f"max {report['max_ms']:.1f} ms over {report['samples']} ticks")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
