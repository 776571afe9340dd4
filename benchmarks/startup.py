"""Process start -> main window shown, for the real `python -m desktop_cls gui` entry point.

    python -m benchmarks.startup [--runs 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one_start(tmp: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP_CLS_STARTUP_PROBE="1",
               DESKTOP_CLS_CONFIG_DIR=str(tmp / "config"), DESKTOP_CLS_DATA_DIR=str(tmp / "data"),
               DESKTOP_CLS_LOG_DIR=str(tmp / "log"))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "desktop_cls", "gui"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "window-shown":
            elapsed = time.perf_counter() - t0
            break
    else:
        raise RuntimeError("the app exited without showing its window")
    proc.wait(60)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        one_start(Path(tmp))  # warm the OS file cache, as a second launch would be
        times = [one_start(Path(tmp)) for _ in range(args.runs)]
    report = {"runs": args.runs, "median_s": statistics.median(times), "max_s": max(times), "all_s": times}
    print(f"window shown after {report['median_s']:.2f} s (median of {args.runs}, max {report['max_s']:.2f} s)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
