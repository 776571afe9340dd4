"""How long the UI thread spends on one settings change: writing the file itself (atomic, with its sync), as
every change did before, against taking a snapshot and handing the write to the settings lane.

    python -m benchmarks.settings_write [--changes 30] [--json OUT]

The disk decides the first figure (12 ms here on a quiet disk; up to 0.5 s was profiled on a busy one).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def ui_thread_ms(app: Any, w: Any, change: Callable[[], object], changes: int) -> dict[str, float]:
    """Median and max UI-thread milliseconds of `change`, each after a new recent folder."""
    out = []
    for i in range(changes):
        w.state.settings.recent_folders = [f"/pictures/{i}"]
        t = time.perf_counter()
        change()
        out.append((time.perf_counter() - t) * 1000)
        w.autosave.wait_written()  # the next change starts from a quiet lane
        app.processEvents()
    out.sort()
    return {"median_ms": out[len(out) // 2], "max_ms": out[-1]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=30)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="desktop_cls_settings_"))
    for name in ("DATA", "CONFIG", "CACHE", "LOG"):
        os.environ[f"DESKTOP_CLS_{name}_DIR"] = str(tmp / name.lower())

    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    w = MainWindow(load_core=False)
    w.show()
    load = os.getloadavg()[0]
    before = ui_thread_ms(app, w, w.save_settings, args.changes)
    after = ui_thread_ms(app, w, lambda: w.autosave.changed(now=True), args.changes)
    w.shutdown()
    report = {"load_1min": load, "written_on_ui_thread": before, "handed_to_lane": after}
    print(f"1-min load {load:.1f}; UI-thread time per settings change: written there {before['median_ms']:.1f} ms "
          f"median, {before['max_ms']:.1f} ms max; handed to the lane {after['median_ms']:.2f} ms median, "
          f"{after['max_ms']:.2f} ms max")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
