"""What keeping the last evaluation in the run folder costs: the folder's fingerprint taken before scoring, the
write after it, and reading it back (checks and the walk that tells whether it is stale) when the run is reopened.
All three run on a worker thread; they are measured so the time added to an evaluation, and the wait before a
reopened run shows its evaluation, are known.

    python -m benchmarks.kept_results [--images 50000] [--classes 10] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np


def evaluation(root: Path, classes: tuple[str, ...], per_class: int) -> dict[str, Any]:
    """The Evaluate page's task result for a model right about 80 % of the time on every image of root."""
    from desktop_cls.core.inference.evaluation import Evaluation
    from desktop_cls.core.inference.metrics import classification_report

    paths = tuple(str(root / c / f"{i}.png") for c in classes for i in range(per_class))
    y = np.repeat(np.arange(len(classes)), per_class)
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(len(y), len(classes)))
    logits[np.arange(len(y)), y] += 2.0
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    ev = Evaluation(classification_report(y, probs, classes), paths, y, probs, "validation", ())
    d = ev.to_dict()
    pred = probs.argmax(axis=1)
    d["_samples"] = [(p, int(t), int(k), float(probs[i, k])) for i, (p, t, k) in enumerate(zip(paths, y, pred,
                                                                                               strict=True))]
    d["_curves"], d["_epoch"] = ev.curves(), (3, 4)
    return d


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=50_000)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from desktop_cls.core.inference import saved_evaluation as se

    tmp = Path(tempfile.mkdtemp(prefix="desktop_cls_kept_"))
    classes = tuple(f"class{i}" for i in range(args.classes))
    per_class = max(args.images // args.classes, 1)
    for c in classes:  # one-byte files: the fingerprint lists and stats them, never opens them
        (tmp / "data" / c).mkdir(parents=True)
        for i in range(per_class):
            (tmp / "data" / c / f"{i}.png").write_bytes(b"x")
    run = tmp / "run"
    run.mkdir()
    (run / "config.json").write_text("{}", encoding="utf-8")
    (run / "run.json").write_text(json.dumps({"classes": list(classes)}), encoding="utf-8")
    (run / "model.safetensors").write_bytes(b"weights")
    d = evaluation(tmp / "data", classes, per_class)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    before = se.folder_state(tmp / "data")
    t1 = time.perf_counter()
    assert se.keep_evaluation(str(run), str(tmp / "data"), before, d) == ""
    t2 = time.perf_counter()
    saved = se.load_evaluation(str(run), str(tmp / "data"), classes)
    t3 = time.perf_counter()
    assert saved.result is not None and not saved.stale
    report = {"images": len(d["_samples"]), "classes": len(classes), "load_1min": load,
              "file_mb": (run / se.EVALUATION).stat().st_size / 1e6, "fingerprint_s": t1 - t0,
              "keep_s": t2 - t1, "read_back_s": t3 - t2}
    print(f"1-min load {load:.1f}; {report['images']:,} images, {len(classes)} classes: fingerprint "
          f"{report['fingerprint_s']:.2f} s, kept in {report['keep_s']:.2f} s ({report['file_mb']:.1f} MB), read back "
          f"and checked in {report['read_back_s']:.2f} s")
    if args.json:
        args.json.write_text(json.dumps(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
