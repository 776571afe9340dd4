"""Headless tour of the engine for machines without a display: scan, train, evaluate, classify, export.

    python -m desktop_cls.demo [DATASET]   (default: the demo dataset, generated on first use)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .cli import main as cli


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    data = Path(args[0]) if args else Path(tempfile.mkdtemp(prefix="desktop_cls_demo_")) / "demo-data"
    if not data.exists() and cli(["demo-data", str(data)]) != 0:
        return 1
    steps = [
        ("1/5 scan the dataset", ["scan", str(data), "--quick"]),
        ("2/5 train the default model (about 15 s on a laptop CPU)", ["train", str(data), "--epochs", "12"]),
    ]
    for title, argv_ in steps:
        print(f"\n== {title}: desktop-cls {' '.join(argv_)}", flush=True)
        if cli(argv_) != 0:
            return 1
    from desktop_cls.core.run_dir import list_runs

    run = str(list_runs()[0])
    first_class = sorted(p for p in data.iterdir() if p.is_dir())[0]
    sample = sorted(first_class.iterdir())[:3]
    more = [
        ("3/5 evaluate on the validation images", ["eval", run, str(data)]),
        ("4/5 classify a few images", ["predict", run, *map(str, sample)]),
        ("5/5 export to ONNX (verified with onnxruntime)", ["export", run, "--format", "onnx",
                                                           "--out", str(Path(run) / "export" / "model.onnx")]),
    ]
    for title, argv_ in more:
        print(f"\n== {title}: desktop-cls {' '.join(argv_)}", flush=True)
        if cli(argv_) != 0:
            return 1
    print(f"\nDone. The run is in {run}. On a machine with a display, `desktop-cls` opens the app.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
